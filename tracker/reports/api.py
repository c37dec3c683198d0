"""POST|GET /api/v1/reports/, GET|DELETE /api/v1/reports/{id}/ and GET /api/v1/reports/{id}/download/.

A report builds in the background: the POST answers 202 with it queued, and the client polls
its `status` and `progress` until it is `ready` (then `download_url` is set) or `failed` (then
`reason` says why)."""

from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.common import JsonBooleanField, request_user
from config.api.pagination import StrictCursorPagination
from config.api.schema import ErrorSerializer
from config.api.views import UserListView
from diary.dates import DATE_BOUNDS
from tracker.models import Report
from tracker.reports import FORMATS
from tracker.reports.selectors import report_download, report_get, report_list
from tracker.reports.services import TooManyReports, report_create, report_delete


class TooManyReportsBuilding(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_reports"
    default_detail = "Too many of your reports are building; wait for one to finish."


class ReportCreateSerializer(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=sorted(FORMATS), help_text="pdf, csv, json or fhir (a FHIR R4 Bundle).")
    date_from = serializers.DateField(validators=DATE_BOUNDS, help_text="First local date (from 1900-01-01).")
    date_to = serializers.DateField(
        validators=DATE_BOUNDS,
        help_text="Last local date, inclusive (until 2100-12-31); not before date_from, less than 5 years after it.",
    )
    include_notes = JsonBooleanField(default=False, help_text="Include the episodes' and check-ins' notes.")


class ReportSerializer(serializers.ModelSerializer[Report]):
    download_url = serializers.SerializerMethodField(help_text="Set once the report is ready.")

    class Meta:
        model = Report
        fields = [
            "id",
            "status",
            "progress",
            "format",
            "date_from",
            "date_to",
            "include_notes",
            "created_at",
            "expires_at",
            "size",
            "sha256",
            "reason",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, report: Report) -> str | None:
        if report.status != Report.Status.READY:
            return None
        return reverse("api-report-download", kwargs={"report_id": report.pk})


def report_data(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = ReportSerializer(report).data
    return data


class ReportPagination(StrictCursorPagination):
    ordering = ("-created_at", "-id")


@extend_schema_view(
    get=extend_schema(
        summary="List your reports, newest first", operation_id="reports_list", responses=ReportSerializer(many=True)
    )
)
class ReportListView(UserListView[Report, None]):
    model = Report
    serializer_class = ReportSerializer
    pagination_class = ReportPagination

    def select(self, *, user: User, filters: None) -> QuerySet[Report]:
        return report_list(user=user)

    def serialize(self, item: Report) -> dict[str, Any]:
        return report_data(item)

    @extend_schema(
        summary="Ask for a report",
        operation_id="reports_create",
        description="Answers 202 with the report queued; poll it until it is ready. A few of your reports may "
        "be queued or building at once (429 beyond).",
        request=ReportCreateSerializer,
        responses={
            202: ReportSerializer,
            429: OpenApiResponse(ErrorSerializer, description="Too many of your reports are building."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = report_create(user=request_user(request), **serializer.validated_data)
        except TooManyReports as error:
            raise TooManyReportsBuilding(
                f"{error.limit} of your reports are queued or building; wait for one to finish."
            ) from None
        location = reverse("api-report", kwargs={"report_id": report.pk})
        return Response(report_data(report), status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class ReportDetailView(APIView):
    serializer_class = ReportSerializer

    @extend_schema(summary="One of your reports: its status and progress", operation_id="report_retrieve")
    def get(self, request: Request, report_id: UUID) -> Response:
        return Response(report_data(report_get(user=request_user(request), report_id=report_id)))

    @extend_schema(summary="Delete a report and its file", operation_id="report_delete", responses={204: None})
    def delete(self, request: Request, report_id: UUID) -> Response:
        report_delete(report=report_get(user=request_user(request), report_id=report_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportDownloadView(APIView):
    @extend_schema(
        summary="Download a ready report",
        operation_id="report_download",
        description="The file, as an attachment named like twitch-diary-2026-09-01-to-2026-11-30.pdf. "
        "404 until the report is ready.",
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
            for content_type in sorted({f.content_type.split(";")[0] for f in FORMATS.values()})
        },
    )
    def get(self, request: Request, report_id: UUID) -> FileResponse:
        return report_download(report=report_get(user=request_user(request), report_id=report_id))
