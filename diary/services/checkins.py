"""Writing daily check-ins: upsert (one per user and local date) and delete."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from diary.models import CHECKIN_BOUNDS, MAX_NOTES_LENGTH, CheckIn

from .records import (
    FieldErrors,
    Write,
    check_day,
    check_notes,
    check_range,
    claim_change_seqs,
    dated_holds,
    dated_upsert,
    lock_profile,
    soft_delete,
    stamp_changes,
)


class CheckInInput(TypedDict, total=False):
    """A check-in's measures and notes as a client sets them, before validation. A measure left
    out or None is not recorded (never read as zero). The measures are numbers as sent: those
    stored as whole numbers (WHOLE_NUMBER_MEASURES) are refused with a field error otherwise."""

    caffeine_cups: float | None
    sleep_hours: float | None
    stress: float | None
    exercise_minutes: float | None
    alcohol_units: float | None
    twitching_today: bool | None
    notes: str


WHOLE_NUMBER_MEASURES = frozenset({"caffeine_cups", "stress", "exercise_minutes"})
CHECKIN_FIELDS = (*CHECKIN_BOUNDS, "twitching_today", "notes")
assert tuple(CheckInInput.__annotations__) == CHECKIN_FIELDS, "CheckInInput names the check-in's fields, in order"


def checkin_values(values: Mapping[str, Any]) -> CheckInInput:
    """A check-in is set whole: its fields from `values` (an input, a serializer's data, a
    file's row), a measure left out stored empty. Other keys are left out: a caller that must
    refuse them checks first."""
    return CheckInInput(
        caffeine_cups=values.get("caffeine_cups"),
        sleep_hours=values.get("sleep_hours"),
        stress=values.get("stress"),
        exercise_minutes=values.get("exercise_minutes"),
        alcohol_units=values.get("alcohol_units"),
        twitching_today=values.get("twitching_today"),
        notes=values.get("notes", ""),
    )


def checkin_matches(checkin: CheckIn, wanted: CheckInInput) -> bool:
    """Whether a live check-in already holds exactly `wanted` (from checkin_values)."""
    return dated_holds(checkin, wanted)


def checkin_errors(*, day: Any, local_today: date, values: CheckInInput) -> FieldErrors:
    """Every problem with a check-in, by field. Pure. Empty measures (None) are allowed."""
    errors = FieldErrors()
    check_day(errors, day, local_today)
    for name, (low, high) in CHECKIN_BOUNDS.items():
        value = values.get(name)
        if value is not None:
            check_range(errors, name, value, low, high, whole=name in WHOLE_NUMBER_MEASURES)
    twitching = values.get("twitching_today")
    if twitching is not None and not isinstance(twitching, bool):
        errors.add("twitching_today", "Must be true, false or empty.")
    check_notes(errors, values.get("notes", ""), MAX_NOTES_LENGTH)
    return errors


@transaction.atomic
def checkin_upsert(
    *, user: User, date: date, expected_version: int | None = None, **values: Unpack[CheckInInput]
) -> tuple[CheckIn, bool]:
    """Set the check-in for `date` to exactly `values` (a measure left out is stored empty).
    Returns (check-in, created). A deleted check-in for that date comes back to life with the
    next version. Writing the same values again changes nothing, version included."""
    unknown = set(values) - set(CHECKIN_FIELDS)
    if unknown:
        raise TypeError(f"checkin_upsert() got unexpected fields: {', '.join(sorted(unknown))}")
    return dated_upsert(
        CheckIn,
        user=user,
        day=date,
        wanted=dict(checkin_values(values)),
        expected_version=expected_version,
        errors=lambda today: checkin_errors(day=date, local_today=today, values=values),
    )


@transaction.atomic
def checkin_delete(*, checkin: CheckIn, expected_version: int | None = None) -> CheckIn:
    """Soft delete, leaving a tombstone for sync. Deleting a deleted check-in changes nothing."""
    return soft_delete(checkin, expected_version=expected_version)


@transaction.atomic
def checkins_bulk_create(*, user: User, items: Sequence[tuple[date, CheckInInput]]) -> list[CheckIn]:
    """Create check-ins for days that have none yet, in a few queries. All or nothing: the
    ValidationError's fields are prefixed with the item's index."""
    profile = lock_profile(user)
    errors = FieldErrors()
    taken = set(CheckIn.objects.filter(user=user, date__in=[day for day, _ in items]).values_list("date", flat=True))
    seen: set[date] = set()
    local_today = profile.local_today()
    for index, (day, values) in enumerate(items):
        unknown = set(values) - set(CHECKIN_FIELDS)
        if unknown:
            errors.add(f"{index}", f"Unknown field(s): {', '.join(sorted(unknown))}.")
        for name, messages in checkin_errors(day=day, local_today=local_today, values=values).errors.items():
            for message in messages:
                errors.add(f"{index}.{name}", message)
        if day in taken or day in seen:
            errors.add(f"{index}.date", f"There is already a check-in for {day}.")
        seen.add(day)
    errors.raise_if_any()
    rows = [CheckIn(user=user, date=day, **values) for day, values in items]
    stamp_changes(rows, write=Write.CREATE, claim=claim_change_seqs(user.pk, len(rows)), now=timezone.now())
    return CheckIn.objects.bulk_create(rows, batch_size=2000)
