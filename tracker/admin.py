from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from diary.admin import HealthDataAdmin
from tracker.models import AnalysisRequest, AnalysisRun, Summary


class ReadOnly(admin.ModelAdmin[Any]):
    """Computed data: the tasks write it, people look at it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Summary)
class SummaryAdmin(HealthDataAdmin, ReadOnly):
    list_display = ["user", "range_key", "computed_at", "watermark", "reference_version", "duration_ms"]
    list_filter = ["range_key", "reference_version", "computed_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(AnalysisRun)
class AnalysisRunAdmin(HealthDataAdmin, ReadOnly):
    list_display = ["user", "range_key", "started_at", "outcome", "reason", "episodes", "duration_ms", "watermark"]
    list_filter = ["outcome", "range_key", "started_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(AnalysisRequest)
class AnalysisRequestAdmin(HealthDataAdmin, ReadOnly):
    list_display = ["user", "range_key", "requested_at", "enqueued_at", "claimed_at", "failures", "retry_at"]
    list_filter = ["range_key"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
