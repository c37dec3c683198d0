"""What every diary write shares: the per-user lock and change numbers, version checks, and
field errors."""

from collections import defaultdict
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from diary.changes import diary_changed
from diary.models import CheckIn, Episode, Profile

_Record = TypeVar("_Record", Episode, CheckIn)


class StaleVersion(Exception):
    """The client's edit was based on an older version than the one stored."""

    def __init__(self, *, expected: int, current: int) -> None:
        super().__init__(f"Record is at version {current}, the edit was based on version {expected}.")
        self.expected = expected
        self.current = current


def check_version(*, current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleVersion(expected=expected, current=current)


def lock_profile(user: User) -> Profile:
    """Take the user's profile row lock for the rest of the transaction, creating the profile
    on the user's first write. Every write of a user's records goes through here first, which
    serialises them per user (see `diary.models` on sync ordering)."""
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    return profile


def claim_change_seqs(profile: Profile, count: int) -> int:
    """Reserve `count` consecutive change numbers for the locked profile; return the first."""
    first = profile.last_change_seq + 1
    profile.last_change_seq += count
    Profile.objects.filter(pk=profile.pk).update(last_change_seq=profile.last_change_seq)
    diary_changed(profile.pk)
    return first


def soft_delete(record: _Record, *, expected_version: int | None) -> _Record:
    """Turn a record into a tombstone that sync pulls report: a new version and change number,
    `deleted_at` set. Deleting a tombstone changes nothing. Call inside a transaction."""
    profile = lock_profile(record.user)
    current = type(record).objects.get(pk=record.pk)
    if current.deleted_at is not None:
        return current
    check_version(current=current.version, expected=expected_version)
    now = timezone.now()
    current.deleted_at = now
    current.updated_at = now
    current.version += 1
    current.change_seq = claim_change_seqs(profile, 1)
    current.save(update_fields=["deleted_at", "updated_at", "version", "change_seq"])
    return current


class FieldErrors:
    """Collects error messages per field, then raises them all at once."""

    def __init__(self) -> None:
        self.errors: defaultdict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str) -> None:
        self.errors[field].append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(dict(self.errors))


def is_whole_number(value: Any) -> bool:
    # bool is an int subclass in Python; True is not a valid intensity.
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return is_whole_number(value) or isinstance(value, float)


def check_range(errors: FieldErrors, field: str, value: Any, low: float, high: float, *, whole: bool) -> None:
    if whole and not is_whole_number(value):
        errors.add(field, "Must be a whole number.")
    elif not is_number(value) or value != value:  # value != value catches NaN
        errors.add(field, "Must be a number.")
    elif not low <= value <= high:
        errors.add(field, f"Must be between {low:g} and {high:g}.")


def check_notes(errors: FieldErrors, notes: Any, max_length: int) -> None:
    if not isinstance(notes, str):
        errors.add("notes", "Must be text.")
    elif len(notes) > max_length:
        errors.add("notes", f"At most {max_length} characters (got {len(notes)}).")
