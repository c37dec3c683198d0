"""Admin for diary data. Episodes and check-ins are read-only here: services are the only
writers, so the admin's one write (a soft delete) goes through them too."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from diary.models import CheckIn, Episode, EpisodeLocation, Profile
from diary.services import checkin_delete, episode_delete, profile_update


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


class EpisodeLocationInline(admin.TabularInline[EpisodeLocation, Episode]):
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
class EpisodeAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "user", "intensity", "pattern", "duration_seconds", "source", "version", "deleted_at"]
    list_filter = [
        DeletedFilter,
        "pattern",
        "intensity",
        "source",
        "locations__region",
        "triggers",
        "symptoms__red_flag",
        "symptoms",
        "started_at",
    ]
    search_fields = ["user__username", "notes", "id"]
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
class CheckInAdmin(ReadOnlyAdmin):
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
    search_fields = ["user__username", "notes"]
    date_hierarchy = "date"
    list_select_related = ["user"]
    actions = ["soft_delete"]

    @admin.action(description="Delete selected check-ins (soft delete, kept for sync)")
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[CheckIn]) -> None:
        count = _soft_delete(request, queryset, lambda c: checkin_delete(checkin=c), "diary.delete_checkin")
        self.message_user(request, f"Deleted {count} check-in(s).", messages.SUCCESS)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["user", "time_zone", "last_change_seq", "updated_at"]
    list_filter = ["time_zone"]
    search_fields = ["user__username", "time_zone"]
    fields = ["user", "time_zone", "last_change_seq", "created_at", "updated_at"]
    readonly_fields = ["user", "last_change_seq", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a profile comes with the user's first write

    def save_model(self, request: HttpRequest, obj: Profile, form: ModelForm[Profile], change: bool) -> None:
        try:
            profile_update(user=obj.user, time_zone=obj.time_zone)
        except ValidationError as error:  # the form's own validator has already run; belt and braces
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
