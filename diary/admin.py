"""Admin for diary data. Episodes, check-ins, treatments, investigations and function checks are
read-only here: services are the only
writers, so the admin's one write (a soft delete) goes through them too.

Who sees diary data: a model's own permissions (even "view") never open a user's diary. Every
admin of a model that holds a user's health data takes `HealthDataAdmin` first in its bases, and
then also needs HEALTH_DATA_PERMISSION, which superusers hold implicitly and anyone else only
when granted it by name. Notes are never searchable and never a list column.

Every list, detail, history and delete-confirmation page of those admins records who looked at
whose diary (diary.services.diary_access_record); the records are under Audit log, read-only."""

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.admin.options import BaseModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from config.api.common import request_user
from diary.models import CheckIn, Episode, EpisodeLocation, FunctionCheck, Investigation, Profile, Treatment
from diary.services import AdminView, checkin_delete, diary_access_record, episode_delete, profile_update
from diary.services.clinical import record_delete
from diary.services.function_checks import function_check_delete
from diary.services.profiles import CLINICAL_FIELDS

# A permission of its own rather than "superusers only": it lets an operator have someone read
# diaries (every look recorded) without also handing them users, permissions and everything
# else a superuser holds. Granting a model's "view" permission alone no longer does it.
HEALTH_DATA_PERMISSION = "diary.view_health_data"


def may_see_health_data(request: HttpRequest) -> bool:
    return request.user.has_perm(HEALTH_DATA_PERMISSION)  # True for every active superuser


class HealthDataPermissions(BaseModelAdmin[Any]):
    """The rule for model admins and inlines alike: no health-data permission, no access."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_see_health_data(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_see_health_data(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_see_health_data(request) and super().has_delete_permission(request, obj)


def _shown(response: HttpResponse, key: str) -> Any:
    """What an admin page is about to render (None for a redirect, a refusal or an error)."""
    if isinstance(response, TemplateResponse) and response.context_data:
        return response.context_data.get(key)
    return None


class HealthDataAdmin(HealthDataPermissions, admin.ModelAdmin[Any]):
    """Put first in the bases of the admin of every model holding a user's health data (tracker's
    too; each has a `user`, the diary's owner): without HEALTH_DATA_PERMISSION the model is missing
    from the index and its pages answer 403; with it, every page that shows rows is recorded.

    A page is recorded once it is built and before it is rendered: if the record cannot be
    written, the page is not shown."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_see_health_data(request) and super().has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_see_health_data(request) and super().has_add_permission(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Each row brings its owner, so naming a page's owners in the access log costs no query.
        return super().get_queryset(request).select_related("user")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if (cl := _shown(response, "cl")) is not None:
            diary_access_record(
                actor=request_user(request),
                owners=[row.user for row in cl.result_list],  # the page's rows, already fetched
                model=self.model,
                view="changelist",
                filters=list(cl.get_filters_params()),
                searched=bool(cl.query),
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_row(request, _shown(response, "original"), "change")
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._record_row(request, _shown(response, "object"), "history")
        return response

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().delete_view(request, object_id, extra_context)
        self._record_row(request, _shown(response, "object"), "delete")
        return response

    def _record_row(self, request: HttpRequest, row: Any, view: AdminView) -> None:
        if row is not None:
            diary_access_record(
                actor=request_user(request), owners=[row.user], model=self.model, view=view, object_pk=str(row.pk)
            )


class DeletedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("deleted", "Deleted (tombstones)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "live":
            return queryset.filter(deleted_at=None)
        if self.value() == "deleted":
            return queryset.exclude(deleted_at=None)
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EpisodeLocationInline(HealthDataPermissions, admin.TabularInline[EpisodeLocation, Episode]):
    model = EpisodeLocation
    extra = 0
    can_delete = False
    readonly_fields = ["region", "side"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _soft_delete(request: HttpRequest, queryset: QuerySet[Any], delete: Any, permission: str) -> int:
    if not request.user.has_perm(permission):
        raise PermissionDenied
    count = 0
    for record in queryset.filter(deleted_at=None).select_related("user"):
        delete(record)
        count += 1
    return count


@admin.register(Episode)
class EpisodeAdmin(HealthDataAdmin, ReadOnlyAdmin):
    list_display = [
        "started_at",
        "user",
        "intensity",
        "pattern",
        "duration_seconds",
        "ongoing",
        "source",
        "version",
        "deleted_at",
    ]
    list_filter = [
        DeletedFilter,
        "ongoing",
        "pattern",
        "intensity",
        "source",
        "locations__region",
        "triggers",
        "symptoms__red_flag",
        "symptoms",
        "started_at",
    ]
    search_fields = ["user__username", "id"]  # never notes: see the module docstring
    date_hierarchy = "started_at"
    list_select_related = ["user"]
    inlines = [EpisodeLocationInline]
    actions = ["soft_delete"]
    show_full_result_count = False  # a COUNT(*) over every episode is the slow part of a big page

    @admin.action(description="Delete selected episodes (soft delete, kept for sync)")
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[Episode]) -> None:
        count = _soft_delete(request, queryset, lambda e: episode_delete(episode=e), "diary.delete_episode")
        self.message_user(request, f"Deleted {count} episode(s).", messages.SUCCESS)


@admin.register(CheckIn)
class CheckInAdmin(HealthDataAdmin, ReadOnlyAdmin):
    list_display = [
        "date",
        "user",
        "caffeine_cups",
        "sleep_hours",
        "stress",
        "exercise_minutes",
        "alcohol_units",
        "twitching_today",
        "deleted_at",
    ]
    list_filter = [DeletedFilter, "twitching_today", "stress", "date"]
    search_fields = ["user__username"]
    date_hierarchy = "date"
    list_select_related = ["user"]
    actions = ["soft_delete"]

    @admin.action(description="Delete selected check-ins (soft delete, kept for sync)")
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[CheckIn]) -> None:
        count = _soft_delete(request, queryset, lambda c: checkin_delete(checkin=c), "diary.delete_checkin")
        self.message_user(request, f"Deleted {count} check-in(s).", messages.SUCCESS)


@admin.register(Treatment)
class TreatmentAdmin(HealthDataAdmin, ReadOnlyAdmin):
    list_display = ["started_on", "user", "name", "kind", "stopped_on", "version", "deleted_at"]
    list_filter = [DeletedFilter, "kind", "started_on"]
    search_fields = ["user__username", "id"]  # never the name, dose or notes: health data
    date_hierarchy = "started_on"
    list_select_related = ["user"]
    actions = ["soft_delete"]

    @admin.action(description="Delete selected treatments (soft delete, kept for sync)")
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[Treatment]) -> None:
        count = _soft_delete(request, queryset, lambda t: record_delete(record=t), "diary.delete_treatment")
        self.message_user(request, f"Deleted {count} treatment(s).", messages.SUCCESS)


@admin.register(Investigation)
class InvestigationAdmin(HealthDataAdmin, ReadOnlyAdmin):
    list_display = ["done_on", "user", "name", "kind", "version", "deleted_at"]
    list_filter = [DeletedFilter, "kind", "done_on"]
    search_fields = ["user__username", "id"]  # never the name, result or notes
    date_hierarchy = "done_on"
    list_select_related = ["user"]
    actions = ["soft_delete"]

    @admin.action(description="Delete selected tests (soft delete, kept for sync)")
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[Investigation]) -> None:
        count = _soft_delete(request, queryset, lambda i: record_delete(record=i), "diary.delete_investigation")
        self.message_user(request, f"Deleted {count} test(s).", messages.SUCCESS)


@admin.register(FunctionCheck)
class FunctionCheckAdmin(HealthDataAdmin, ReadOnlyAdmin):
    list_display = ["date", "user", "weakness", "wasting", "swallowing", "speech", "breathing", "cramps", "deleted_at"]
    list_filter = [DeletedFilter, "weakness", "swallowing", "speech", "breathing", "date"]
    search_fields = ["user__username"]
    date_hierarchy = "date"
    list_select_related = ["user"]
    actions = ["soft_delete"]

    @admin.action(description="Delete selected function checks (soft delete, kept for sync)")
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[FunctionCheck]) -> None:
        count = _soft_delete(request, queryset, lambda c: function_check_delete(check=c), "diary.delete_functioncheck")
        self.message_user(request, f"Deleted {count} function check(s).", messages.SUCCESS)


@admin.register(Profile)
class ProfileAdmin(HealthDataAdmin):
    list_display = ["user", "time_zone", "last_change_seq", "updated_at"]
    list_filter = ["time_zone"]
    search_fields = ["user__username", "time_zone"]
    # The clinical profile is shown (behind the health-data permission, as the whole profile is)
    # but never edited here, never searched and never a list column: it is the person's to write.
    fields = ["user", "time_zone", *CLINICAL_FIELDS, "last_change_seq", "created_at", "updated_at"]
    readonly_fields = ["user", *CLINICAL_FIELDS, "last_change_seq", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a profile comes with the user's first write

    def save_model(self, request: HttpRequest, obj: Profile, form: ModelForm[Profile], change: bool) -> None:
        try:
            profile_update(user=obj.user, time_zone=obj.time_zone)
        except ValidationError as error:  # the form's own validator has already run; belt and braces
            self.message_user(request, "; ".join(error.messages), messages.ERROR)


# auditlog registers its own LogEntry admin (no add, no change, no delete); this one shows, for
# an access record, whose diary it was and what was looked at, which the stock columns leave
# out. Superusers read it; anyone else needs auditlog.view_logentry.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AccessLogAdmin(LogEntryAdmin):  # type: ignore[misc]  # auditlog ships no types
    list_display = ["created", "viewer", "whose_diary", "what", "action"]
    fieldsets = [(None, {"fields": ["created", "viewer", "whose_diary", "what", "action", "msg", "cid"]})]

    @admin.display(description="viewer", ordering="actor__username")
    def viewer(self, entry: LogEntry) -> str:
        return str(entry.actor or entry.actor_email or "system")

    @admin.display(description="whose diary", ordering="object_repr")
    def whose_diary(self, entry: LogEntry) -> str:
        return f"{entry.object_repr} (user {entry.object_pk})"

    @admin.display(description="what")
    def what(self, entry: LogEntry) -> str:
        accessed = entry.additional_data or {}
        parts = [accessed.get("model", ""), accessed.get("view", ""), accessed.get("object_pk", "")]
        if accessed.get("filters"):
            parts.append("filtered by " + ", ".join(accessed["filters"]))
        if accessed.get("searched"):
            parts.append("searched")
        return " ".join(str(part) for part in parts if part)
