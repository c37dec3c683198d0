"""What every diary write shares: change numbers, the one stamp of a record's bookkeeping, the
per-user lock, version checks, and field errors."""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from config.api.errors import AnswersApi, PreconditionFailed
from diary.changes import diary_changed
from diary.models import EARLIEST_DATE, CheckIn, Episode, FunctionCheck, Investigation, Profile, Treatment

_Record = TypeVar("_Record", Episode, CheckIn, Treatment, Investigation, FunctionCheck)


class StaleVersion(AnswersApi):
    """The client's edit was based on an older version than the one stored: a 412 in the API."""

    def __init__(self, *, expected: int, current: int) -> None:
        super().__init__(f"Record is at version {current}, the edit was based on version {expected}.")
        self.expected = expected
        self.current = current

    def api_exception(self) -> PreconditionFailed:
        return PreconditionFailed(f"The record is at version {self.current}; your change was based on {self.expected}.")


def check_version(*, current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleVersion(expected=expected, current=current)


def lock_profile(user: User) -> Profile:
    """Take the user's profile row lock for the rest of the transaction, creating the profile
    on the user's first write. A write that reads a record before deciding what to write (an
    edit, a delete, an upsert, a sync push) takes it first, so that two such writes of one
    user do not decide on the same stale read (see `diary.models` on sync ordering)."""
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    return profile


@dataclass(frozen=True)
class Claim:
    """Change numbers reserved by `claim_change_seqs`: `first` to `first + count - 1`."""

    first: int
    count: int
    zone: ZoneInfo  # the user's time zone, read in the same statement


# Raw SQL: the ORM has no UPDATE ... RETURNING. A literal statement, the table named as
# Profile's db_table (diary_profile): nothing in it comes from a request but the parameters.
CLAIM_SQL = (
    'UPDATE "diary_profile" SET "last_change_seq" = "last_change_seq" + %s WHERE "user_id" = %s '
    'RETURNING "last_change_seq", "time_zone"'
)


def claim_change_seqs(user_id: int, count: int) -> Claim:
    """Reserve `count` consecutive change numbers for the user; call inside a transaction.

    One `UPDATE ... RETURNING`: the update takes the profile row lock and holds it until the
    transaction ends, so the numbers grow in commit order (see `diary.models`) without a
    separate lock beforehand. A write with nothing to read first (a create) needs no other
    lock, and validates before it claims, so that a refused write never waits for one."""
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [count, user_id])
        row = cursor.fetchone()
    if row is None:  # the user's first write: make the profile, then claim
        Profile.objects.get_or_create(user_id=user_id)
        return claim_change_seqs(user_id, count)
    last, time_zone = row
    diary_changed(user_id)
    return Claim(first=last - count + 1, count=count, zone=ZoneInfo(time_zone))


class Write(Enum):
    CREATE = "create"
    EDIT = "edit"  # a new content, or a deleted record brought back by an upsert
    DELETE = "delete"
    # A record restored from the user's own export (diary.services.imports): it keeps the
    # version and times it had, and takes only a new change number, so sync cursors see it.
    RESTORE = "restore"


def stamp_changes(records: Sequence[_Record], *, write: Write, claim: Claim, offset: int = 0, now: datetime) -> None:
    """The one place where a write sets a record's bookkeeping: the next version (1 for a new
    record), a change number from `claim` (the `offset`-th onwards, one per record, in order),
    `updated_at`, and `deleted_at` (set by a delete, cleared by any other write; a restore
    keeps all but the change number as the export had them). Every writer
    calls it on the rows it is about to store, then stores them."""
    if offset + len(records) > claim.count:
        raise ValueError(f"{len(records)} records from offset {offset} need more than the {claim.count} claimed.")
    for index, record in enumerate(records):
        record.change_seq = claim.first + offset + index
        if write is Write.RESTORE:
            continue
        if write is Write.CREATE:
            record.version = 1
            record.created_at = now
        else:
            record.version += 1
        record.updated_at = now
        record.deleted_at = now if write is Write.DELETE else None


# What a delete changes on a record: stamp_changes(write=DELETE) sets exactly these.
STAMPED_FIELDS = ["version", "change_seq", "updated_at", "deleted_at"]


def soft_delete(record: _Record, *, expected_version: int | None) -> _Record:
    """Turn a record into a tombstone that sync pulls report: a new version and change number,
    `deleted_at` set. Deleting a tombstone changes nothing. Call inside a transaction."""
    lock_profile(record.user)
    current = type(record).objects.get(pk=record.pk)
    if current.deleted_at is not None:
        return current
    check_version(current=current.version, expected=expected_version)
    stamp_changes([current], write=Write.DELETE, claim=claim_change_seqs(record.user_id, 1), now=timezone.now())
    current.save(update_fields=STAMPED_FIELDS)
    return current


_Dated = TypeVar("_Dated", CheckIn, FunctionCheck)


def dated_holds(record: CheckIn | FunctionCheck, wanted: Mapping[str, Any]) -> bool:
    """Whether a record of a day is live and holds exactly `wanted` (a whole content)."""
    return record.deleted_at is None and all(getattr(record, name) == value for name, value in wanted.items())


def check_day(errors: "FieldErrors", day: Any, local_today: date) -> None:
    """The day a record of a day is keyed by: a date from EARLIEST_DATE to tomorrow (one day of
    slack: the phone's idea of "today" may be ahead of the stored zone's)."""
    if not isinstance(day, date):
        errors.add("date", "Must be a date (YYYY-MM-DD).")
    elif day < EARLIEST_DATE:
        errors.add("date", f"Cannot be before {EARLIEST_DATE}.")
    elif day > local_today + timedelta(days=1):
        errors.add("date", f"Cannot be after tomorrow ({local_today + timedelta(days=1)}).")


def dated_upsert(
    model: type[_Dated],
    *,
    user: User,
    day: date,
    wanted: dict[str, Any],
    expected_version: int | None,
    errors: Callable[[date], "FieldErrors"],
) -> tuple[_Dated, bool]:
    """Set the user's record of `day` (one a day: a check-in, a function check) to exactly
    `wanted`, the whole content, after `errors` (given the user's local today) finds nothing
    wrong. Returns (record, created). A deleted record of that day comes back as the next
    version of its row; writing what is stored changes nothing, version included. Call inside a
    transaction."""
    profile = lock_profile(user)
    errors(profile.local_today()).raise_if_any()
    existing = model.objects.filter(user=user, date=day).first()
    if existing is not None and existing.deleted_at is None:
        check_version(current=existing.version, expected=expected_version)
        if dated_holds(existing, wanted):
            return existing, False
    record = existing or model(user=user, date=day)
    for name, value in wanted.items():
        setattr(record, name, value)
    write = Write.CREATE if existing is None else Write.EDIT
    stamp_changes([record], write=write, claim=claim_change_seqs(user.pk, 1), now=timezone.now())
    record.save()
    return record, existing is None


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


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_notes(errors: FieldErrors, notes: Any, max_length: int) -> None:
    if not isinstance(notes, str):
        errors.add("notes", "Must be text.")
    elif not _storable(notes):
        # The API's fields refuse these before a service sees them; an import does not pass
        # through the API, and PostgreSQL would fail the whole write on the one note.
        errors.add("notes", "Must be text without NUL characters or lone surrogates.")
    elif len(notes) > max_length:
        errors.add("notes", f"At most {max_length} characters (got {len(notes)}).")
