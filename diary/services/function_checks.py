"""Writing weekly function checks: one per user and local date, set whole (as check-ins are).

Each sign is yes (True), no (False: information too, "no weakness in 12 weekly checks") or not
answered (None). Where the weakness is (`weakness_where`) is said only with a yes to weakness."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from diary.models import MAX_NOTES_LENGTH, FunctionCheck, Limb, Side
from diary.plain import FUNCTION_SIGNS

from .records import (
    FieldErrors,
    check_day,
    check_notes,
    dated_holds,
    dated_upsert,
    soft_delete,
)

FUNCTION_CHECK_FIELDS = (*FUNCTION_SIGNS, "weakness_where", "notes")
# Two arms, two legs, two hands and the face's sides: more places than this is not one answer.
MAX_WEAKNESS_PLACES = 8

Values = dict[str, Any]


def function_check_values(values: Mapping[str, Any]) -> Values:
    """A whole check from `values`: each sign left out is not answered, no places, no notes.
    The places are stored as the contract writes them: a list of {"limb", "side"}."""
    return {
        **{sign: values.get(sign) for sign in FUNCTION_SIGNS},
        "weakness_where": values.get("weakness_where") or [],
        "notes": values.get("notes", ""),
    }


def function_check_matches(check: FunctionCheck, wanted: Values) -> bool:
    """Whether a live check already holds exactly `wanted` (from function_check_values)."""
    return dated_holds(check, wanted)


def function_check_errors(*, day: Any, local_today: date, values: Values) -> FieldErrors:
    """Every problem with a check, by field. Pure."""
    errors = FieldErrors()
    check_day(errors, day, local_today)
    for sign in FUNCTION_SIGNS:
        if values.get(sign) is not None and not isinstance(values.get(sign), bool):
            errors.add(sign, "Must be yes, no or empty.")
    _check_places(errors, values.get("weakness_where"), values.get("weakness"))
    check_notes(errors, values.get("notes", ""), MAX_NOTES_LENGTH)
    return errors


def _check_places(errors: FieldErrors, places: Any, weakness: Any) -> None:
    if not isinstance(places, list):
        errors.add("weakness_where", "Must be a list of {limb, side}.")
        return
    if places and weakness is not True:
        errors.add("weakness_where", "Say where only when the answer to weakness is yes.")
        return
    if len(places) > MAX_WEAKNESS_PLACES:
        errors.add("weakness_where", f"At most {MAX_WEAKNESS_PLACES} places.")
        return
    seen = set()
    for place in places:
        if not isinstance(place, dict) or set(place) != {"limb", "side"}:
            errors.add("weakness_where", "Each place is {limb, side}.")
            return
        if place["limb"] not in Limb.values:
            errors.add("weakness_where", f"A limb is one of: {', '.join(Limb.values)}.")
            return
        if place["side"] not in Side.values:
            errors.add("weakness_where", f"A side is one of: {', '.join(Side.values)}.")
            return
        key = (place["limb"], place["side"])
        if key in seen:
            errors.add("weakness_where", "Each place once.")
            return
        seen.add(key)


@transaction.atomic
def function_check_upsert(
    *, user: User, date: date, expected_version: int | None = None, **values: Any
) -> tuple[FunctionCheck, bool]:
    """Set the check of `date` to exactly `values` (a sign left out is not answered). Returns
    (check, created). A deleted check for that date comes back with the next version. Writing
    the same values again changes nothing, version included."""
    unknown = set(values) - set(FUNCTION_CHECK_FIELDS)
    if unknown:
        raise TypeError(f"function_check_upsert() got unexpected fields: {', '.join(sorted(unknown))}")
    wanted = function_check_values(values)
    return dated_upsert(
        FunctionCheck,
        user=user,
        day=date,
        wanted=wanted,
        expected_version=expected_version,
        errors=lambda today: function_check_errors(day=date, local_today=today, values=wanted),
    )


@transaction.atomic
def function_check_delete(*, check: FunctionCheck, expected_version: int | None = None) -> FunctionCheck:
    """Soft delete, leaving a tombstone for sync."""
    return soft_delete(check, expected_version=expected_version)
