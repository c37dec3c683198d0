"""GET /api/v1/summary/ and POST /api/v1/summary/refresh/ (the mobile contract)."""

from datetime import date
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.common import request_user
from diary.dates import DATE_BOUNDS
from tracker.analysis.summary import DISCLAIMER
from tracker.summaries.selectors import DiarySummary, summary_read
from tracker.summaries.services import analysis_request

FINDINGS = (
    "frequency",
    "trend",
    "timing",
    "locations",
    "triggers",
    "associations",
    "method",
    "red_flags",
    "reference_matches",
    "treatment_effects",
    "function_checks",
)


class RangeSerializer(serializers.Serializer[Any]):
    date_from = serializers.DateField(
        required=False, validators=DATE_BOUNDS, help_text="First local date (from 1900-01-01); omit for all time."
    )
    date_to = serializers.DateField(
        required=False, validators=DATE_BOUNDS, help_text="Last local date, inclusive (until 2100-12-31)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": ["Must not be before date_from."]})
        return attrs


SUMMARY = inline_serializer(
    "Summary",
    {
        "status": serializers.ChoiceField(choices=["ready", "pending", "none"]),
        "computed_at": serializers.DateTimeField(allow_null=True),
        "stale": serializers.BooleanField(help_text="Newer diary data or reference data is waiting."),
        "reference_version": serializers.CharField(allow_null=True),
        "disclaimer": serializers.CharField(),
        **{name: serializers.JSONField(allow_null=True) for name in FINDINGS},
    },
)
RANGE = [
    OpenApiParameter("date_from", date, description="First local date; omit for all time."),
    OpenApiParameter("date_to", date, description="Last local date, inclusive."),
]


def _range(request: Request) -> tuple[date | None, date | None]:
    empty = [name for name in ("date_from", "date_to") if request.query_params.get(name) == ""]
    if empty:
        raise ValidationError({name: ["Must not be empty when given."] for name in empty})
    params = RangeSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data.get("date_from"), params.validated_data.get("date_to")


def _serialized(summary: DiarySummary) -> dict[str, Any]:
    """The mobile contract: every finding's key always, null until a summary is ready."""
    return {
        "status": summary.status,
        "computed_at": summary.computed_at,
        "stale": summary.stale,
        "reference_version": summary.reference_version,
        "disclaimer": DISCLAIMER,
        **dict.fromkeys(FINDINGS),
        **(summary.findings or {}),
    }


class SummaryView(APIView):
    @extend_schema(summary="The latest analysis of your diary", parameters=RANGE, responses={200: SUMMARY})
    def get(self, request: Request) -> Response:
        date_from, date_to = _range(request)
        summary = summary_read(user_id=request_user(request).pk, date_from=date_from, date_to=date_to)
        return Response(_serialized(summary))


class SummaryRefreshView(APIView):
    @extend_schema(
        summary="Ask for a fresh analysis",
        parameters=RANGE,
        request=None,
        responses={202: inline_serializer("SummaryRefresh", {"status": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        date_from, date_to = _range(request)
        analysis_request(user_id=request_user(request).pk, date_from=date_from, date_to=date_to)
        return Response({"status": "pending"}, status=status.HTTP_202_ACCEPTED)
