"""What was tried, the tests done and the weekly function checks, on the API:

- GET|POST /api/v1/treatments/, GET|PATCH|DELETE /api/v1/treatments/{id}/, and the same for
  /api/v1/investigations/: records keyed by the client's id, answered as episodes are (a POST
  with the client's id: 201 created, 200 an identical replay, 409 another content); one pair of
  views serves both kinds, each subclass naming its kind and its operations in the schema;
- GET /api/v1/function-checks/ (a date range) and GET|PUT|DELETE
  /api/v1/function-checks/{YYYY-MM-DD}/: one per day, set whole, as check-ins are.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.common import IF_MATCH, etag, expected_version, request_user
from config.api.errors import Conflict
from config.api.pagination import StrictCursorPagination
from config.api.schema import ErrorSerializer
from config.api.views import UserListView
from diary.api.checkins import CheckInFilter
from diary.api.clinical_serializers import (
    FunctionCheckSerializer,
    InvestigationSerializer,
    TreatmentSerializer,
    function_check_data,
    investigation_data,
    treatment_data,
)
from diary.api.common import CheckInPagination
from diary.models import FunctionCheck, Investigation, Treatment
from diary.selectors import CheckInFilters
from diary.selectors.clinical import (
    function_check_get,
    function_check_list,
    investigation_get,
    investigation_list,
    treatment_get,
    treatment_list,
)
from diary.services import (
    INVESTIGATIONS,
    TREATMENTS,
    Outcome,
    RecordKind,
    function_check_delete,
    function_check_upsert,
    record_create,
    record_delete,
    record_update,
)
from diary.services.clinical import Kept


@dataclass(frozen=True)
class RecordApi(Generic[Kept]):
    """What the views need of one id-keyed kind: its services' kind, its wire form and its reads."""

    kind: RecordKind[Kept]
    serializer: type[serializers.Serializer[Any]]
    data: Callable[[Kept], dict[str, Any]]
    select: Callable[..., QuerySet[Kept]]  # (user=) -> the user's live records
    get: Callable[..., Kept]  # (user=, id=) -> one of them, or a 404

    def respond(self, record: Kept, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.data(record), status=status_code, headers={"ETag": etag(record.version)})

    def conflict(self, outcome: Outcome) -> str:
        """Why a create under a taken id is refused."""
        if outcome is Outcome.DELETED:
            return f"This {self.kind.name} was deleted."
        if outcome is Outcome.DIFFERENT:
            return f"A {self.kind.name} with this id exists with different content."
        return "This id is already in use."  # another user's (says nothing of whose), or erased


TREATMENT_API = RecordApi(TREATMENTS, TreatmentSerializer, treatment_data, treatment_list, treatment_get)
INVESTIGATION_API = RecordApi(
    INVESTIGATIONS, InvestigationSerializer, investigation_data, investigation_list, investigation_get
)


# The list of one id-keyed kind, and its create. A subclass sets `api`, `model`,
# `serializer_class` and `pagination_class`, and names its operations (extend_schema_view).
class RecordListView(UserListView[Kept, None]):
    api: RecordApi[Kept]

    def select(self, *, user: User, filters: None) -> QuerySet[Kept]:
        return self.api.select(user=user)

    def serialize(self, item: Kept) -> dict[str, Any]:
        return self.api.data(item)

    def post(self, request: Request) -> Response:
        serializer = self.api.serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        record_id = values.pop("id", None)
        created = record_create(self.api.kind, user=request_user(request), values=values, id=record_id)
        if created.outcome is Outcome.CREATED and created.record is not None:
            return self.api.respond(created.record, status.HTTP_201_CREATED)
        if created.outcome is Outcome.SAME and created.record is not None:
            return self.api.respond(created.record)
        raise Conflict(self.api.conflict(created.outcome))


# One record of an id-keyed kind. A subclass sets `api` and `serializer_class`.
class RecordDetailView(GenericAPIView[Kept]):
    api: RecordApi[Kept]

    def get(self, request: Request, id: UUID) -> Response:
        return self.api.respond(self.api.get(user=request_user(request), id=id))

    def patch(self, request: Request, id: UUID) -> Response:
        record = self.api.get(user=request_user(request), id=id)
        serializer = self.api.serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {name: value for name, value in serializer.validated_data.items() if name != "id"}
        record = record_update(self.api.kind, record=record, expected_version=expected_version(request), **changes)
        return self.api.respond(record)

    def delete(self, request: Request, id: UUID) -> Response:
        record = self.api.get(user=request_user(request), id=id)
        record_delete(record=record, expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


CREATE_DESCRIPTION = (
    "Send your own `id` to make retries safe: the first request creates (201), an identical replay answers "
    "the same record (200), the same id with a different body is a conflict (409). Dates must not be in "
    "the future; one {what} entered twice is a 400 on {field}."
)


def _list_schema(plural: str, one: str, order: str, serializer: type[serializers.Serializer[Any]]) -> Any:
    return extend_schema_view(
        get=extend_schema(
            summary=f"List {plural.replace('_', ' ')}, {order}",
            operation_id=f"{plural}_list",
            responses=serializer(many=True),
        ),
        post=extend_schema(
            summary=f"Add {one}",
            operation_id=f"{plural}_create",
            description=CREATE_DESCRIPTION.format(
                what="treatment over the same days" if plural == "treatments" else "test on the same day",
                field="started_on" if plural == "treatments" else "done_on",
            ),
            responses={201: serializer, 200: serializer, 409: ErrorSerializer},
        ),
    )


def _detail_schema(singular: str, one: str) -> Any:
    name = singular
    return extend_schema_view(
        get=extend_schema(summary=f"One {name}", operation_id=f"{singular}_retrieve"),
        patch=extend_schema(
            summary=f"Edit {one}",
            operation_id=f"{singular}_update",
            parameters=[IF_MATCH],
            description="Send only the fields to change.",
        ),
        delete=extend_schema(
            summary=f"Delete {one}", operation_id=f"{singular}_delete", parameters=[IF_MATCH], responses={204: None}
        ),
    )


class TreatmentPagination(StrictCursorPagination):
    ordering = ("-started_on", "-id")


class InvestigationPagination(StrictCursorPagination):
    ordering = ("-done_on", "-id")


@_list_schema("treatments", "a treatment", "the latest started first", TreatmentSerializer)
class TreatmentListView(RecordListView[Treatment]):
    api = TREATMENT_API
    model = Treatment
    serializer_class = TreatmentSerializer
    pagination_class = TreatmentPagination


@_detail_schema("treatment", "a treatment")
class TreatmentDetailView(RecordDetailView[Treatment]):
    api = TREATMENT_API
    serializer_class = TreatmentSerializer


@_list_schema("investigations", "a test done", "the latest done first", InvestigationSerializer)
class InvestigationListView(RecordListView[Investigation]):
    api = INVESTIGATION_API
    model = Investigation
    serializer_class = InvestigationSerializer
    pagination_class = InvestigationPagination


@_detail_schema("investigation", "a test done")
class InvestigationDetailView(RecordDetailView[Investigation]):
    api = INVESTIGATION_API
    serializer_class = InvestigationSerializer


# --- Function checks, one a day -------------------------------------------------------------


class FunctionCheckFilter(CheckInFilter):
    """The same date range as check-ins."""

    class Meta:
        model = FunctionCheck
        fields: list[str] = []


def _respond_check(check: FunctionCheck, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(function_check_data(check), status=status_code, headers={"ETag": etag(check.version)})


@extend_schema_view(
    get=extend_schema(
        summary="List function checks, newest first",
        operation_id="function_checks_list",
        responses=FunctionCheckSerializer(many=True),
    )
)
class FunctionCheckListView(UserListView[FunctionCheck, CheckInFilters]):
    model = FunctionCheck
    serializer_class = FunctionCheckSerializer
    filterset_class = FunctionCheckFilter
    pagination_class = CheckInPagination  # newest day first, as check-ins

    def select(self, *, user: User, filters: CheckInFilters | None) -> QuerySet[FunctionCheck]:
        return function_check_list(user=user, filters=filters)

    def serialize(self, item: FunctionCheck) -> dict[str, Any]:
        return function_check_data(item)


class FunctionCheckDetailView(GenericAPIView[FunctionCheck]):
    serializer_class = FunctionCheckSerializer

    @extend_schema(summary="The function check of one day", operation_id="function_check_retrieve")
    def get(self, request: Request, day: date) -> Response:
        return _respond_check(function_check_get(user=request_user(request), day=day))

    @extend_schema(
        summary="Set the function check of one day",
        operation_id="function_check_upsert",
        description='Replaces the whole check: a sign left out is not answered (null). Each sign is "yes", "no" '
        'or null; `weakness_where` only with weakness "yes". 201 when created.',
        parameters=[IF_MATCH],
        responses={200: FunctionCheckSerializer, 201: FunctionCheckSerializer},
    )
    def put(self, request: Request, day: date) -> Response:
        serializer = FunctionCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check, created = function_check_upsert(
            user=request_user(request), date=day, expected_version=expected_version(request), **serializer.to_values()
        )
        return _respond_check(check, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Delete the function check of one day",
        operation_id="function_check_delete",
        parameters=[IF_MATCH],
        responses={204: None},
    )
    def delete(self, request: Request, day: date) -> Response:
        check = function_check_get(user=request_user(request), day=day)
        function_check_delete(check=check, expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
