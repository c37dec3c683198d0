"""GET /api/v1/checkins/ (a date range) and GET|PUT|DELETE /api/v1/checkins/{YYYY-MM-DD}/."""

from datetime import date
from typing import Any

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.common import IF_MATCH, etag, expected_version, request_user
from config.api.views import QueryFilterSet, UserListView
from diary.api.common import CheckInPagination
from diary.api.serializers import CheckInSerializer, checkin_data
from diary.dates import DATE_BOUNDS
from diary.models import CheckIn
from diary.selectors import CheckInFilters, checkin_get, checkin_list
from diary.services import checkin_delete, checkin_upsert


class CheckInFilter(QueryFilterSet[CheckInFilters]):
    date_from = django_filters.DateFilter(validators=DATE_BOUNDS, help_text="First date, from 1900-01-01.")
    date_to = django_filters.DateFilter(validators=DATE_BOUNDS, help_text="Last date, inclusive; to 2100-12-31.")

    class Meta:
        model = CheckIn
        fields: list[str] = []

    def parsed(self) -> CheckInFilters:
        return CheckInFilters(date_from=self.form.cleaned_data["date_from"], date_to=self.form.cleaned_data["date_to"])


def _respond(checkin: CheckIn, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(checkin_data(checkin), status=status_code, headers={"ETag": etag(checkin.version)})


@extend_schema_view(
    get=extend_schema(
        summary="List check-ins, newest first", operation_id="checkins_list", responses=CheckInSerializer(many=True)
    )
)
class CheckInListView(UserListView[CheckIn, CheckInFilters]):
    model = CheckIn
    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    pagination_class = CheckInPagination

    def select(self, *, user: User, filters: CheckInFilters | None) -> QuerySet[CheckIn]:
        return checkin_list(user=user, filters=filters)

    def serialize(self, item: CheckIn) -> dict[str, Any]:
        return checkin_data(item)


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
            **serializer.to_input(),
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
