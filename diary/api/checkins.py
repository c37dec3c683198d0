"""GET /api/v1/checkins/ (a date range) and GET|PUT|DELETE /api/v1/checkins/{YYYY-MM-DD}/."""

from datetime import date

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.common import IF_MATCH, StrictFilterSet, etag, expected_version, request_user
from diary.api.common import DATE_BOUNDS, CheckInPagination
from diary.api.serializers import CheckInSerializer, checkin_data
from diary.models import CheckIn
from diary.selectors import checkin_get, checkin_list
from diary.services import checkin_delete, checkin_upsert


class CheckInFilter(StrictFilterSet):
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", validators=DATE_BOUNDS, help_text="First date, from 1900-01-01."
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", validators=DATE_BOUNDS, help_text="Last date, inclusive; to 2100-12-31."
    )

    class Meta:
        model = CheckIn
        fields: list[str] = []


def _respond(checkin: CheckIn, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(checkin_data(checkin), status=status_code, headers={"ETag": etag(checkin.version)})


class CheckInListView(GenericAPIView[CheckIn]):
    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    pagination_class = CheckInPagination

    def get_queryset(self) -> QuerySet[CheckIn]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return CheckIn.objects.none()
        return checkin_list(user=request_user(self.request))

    @extend_schema(
        summary="List check-ins, newest first", operation_id="checkins_list", responses=CheckInSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([checkin_data(c) for c in page or []])


class CheckInDetailView(GenericAPIView[CheckIn]):
    serializer_class = CheckInSerializer

    @extend_schema(summary="The check-in of one day", operation_id="checkin_retrieve")
    def get(self, request: Request, day: date) -> Response:
        return _respond(checkin_get(user=request_user(request), day=day))

    @extend_schema(
        summary="Set the check-in of one day",
        operation_id="checkin_upsert",
        description="Replaces the whole check-in: a measure left out is stored empty. 201 when created.",
        parameters=[IF_MATCH],
        responses={200: CheckInSerializer, 201: CheckInSerializer},
    )
    def put(self, request: Request, day: date) -> Response:
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkin, created = checkin_upsert(
            user=request_user(request),
            date=day,
            expected_version=expected_version(request),
            **serializer.validated_data,
        )
        return _respond(checkin, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Delete the check-in of one day",
        operation_id="checkin_delete",
        parameters=[IF_MATCH],
        responses={204: None},
    )
    def delete(self, request: Request, day: date) -> Response:
        checkin_delete(
            checkin=checkin_get(user=request_user(request), day=day), expected_version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
