"""GET /api/v1/summary/ and POST /api/v1/summary/refresh/ (the mobile contract)."""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditions.reference import reference_version
from config.api.common import request_user
from diary.api.common import DATE_BOUNDS
from diary.models import Profile
from tracker.analysis.summary import DISCLAIMER
from tracker.models import AnalysisRequest, Summary
from tracker.services import analysis_enqueue, analysis_request, range_key

STUCK_AFTER = timedelta(minutes=1)
FINDINGS = ("frequency", "trend", "timing", "locations", "triggers", "associations", "red_flags", "reference_matches")


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


def _ready(summary: Summary, user: User) -> dict[str, Any]:
    seq = Profile.objects.filter(user=user).values_list("last_change_seq", flat=True).first() or 0
    stale = summary.watermark < seq or summary.reference_version != reference_version()
    return {"status": "ready", "computed_at": summary.computed_at, "stale": stale, **summary.result}


class SummaryView(APIView):
    @extend_schema(summary="The latest analysis of your diary", parameters=RANGE, responses={200: SUMMARY})
    def get(self, request: Request) -> Response:
        user = request_user(request)
        date_from, date_to = _range(request)
        key = range_key(date_from, date_to)
        requests = AnalysisRequest.objects.filter(user=user, range_key=key)
        summary = Summary.objects.filter(user=user, range_key=key).first()
        has_data = Profile.objects.filter(user=user, last_change_seq__gt=0).exists()
        if summary is None and has_data and not requests.exists():
            # The first look at this range asks for it (in-process mode may compute it at once).
            analysis_request(user_id=user.pk, date_from=date_from, date_to=date_to)
            summary = Summary.objects.filter(user=user, range_key=key).first()
        if summary is not None:
            return Response(_ready(summary, user))
        waiting, now = requests.filter(requested_at__isnull=False).first(), timezone.now()
        asked = waiting and (waiting.enqueued_at or waiting.requested_at)
        if waiting and asked and asked < now - STUCK_AFTER and not waiting.is_backed_off(now):
            # Asked a while ago and still not done (a lost message, a process that died, or
            # embedded mode, which has no sweep): send it again, unless a failed run backed it
            # off (then reading the summary must not re-run it). The claim makes it harmless.
            analysis_enqueue(user_id=user.pk, key=key)
        pending = waiting is not None
        return Response(
            {
                "status": "pending" if pending else "none",
                "computed_at": None,
                "stale": False,
                "reference_version": None,
                "disclaimer": DISCLAIMER,
                **dict.fromkeys(FINDINGS),
            }
        )


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
