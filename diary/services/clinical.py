"""What was tried and the tests done: treatments and investigations.

Both are records a client creates with an id of its own, as episodes are (DESIGN.md, "The mobile
contract"): the first create stores it, the same create sent again answers the stored record and
writes nothing, another content under that id is refused, and an edit may name the version it
was based on. One `RecordKind` describes each: its fields, what they default to, and what is
wrong with a content. The functions below serve both kinds, for the API, the pages, sync's push
and the import alike.
"""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from diary.models import (
    EARLIEST_DATE,
    MAX_DOSE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTES_LENGTH,
    Investigation,
    InvestigationKind,
    Treatment,
    TreatmentKind,
)

from .records import (
    FieldErrors,
    Write,
    _storable,
    check_notes,
    check_version,
    claim_change_seqs,
    lock_profile,
    soft_delete,
    stamp_changes,
)

Kept = TypeVar("Kept", Treatment, Investigation)
Values = dict[str, Any]


@dataclass(frozen=True)
class RecordKind(Generic[Kept]):
    """One kind of id-keyed record: its model, its content fields with their defaults (a field
    left out of a create takes its default; None marks a required one), and its checks."""

    model: type[Kept]
    name: str  # "treatment", as messages say it
    defaults: Mapping[str, Any]
    # What is wrong with a whole content, given the user's local today (no database read).
    check: Callable[[Values, date, FieldErrors], None]
    # The user's live records that a valid content may duplicate (a narrowing read; `clash` decides).
    candidates: Callable[[User, Values], "QuerySet[Kept]"]
    # Why a valid content duplicates another one (say, the same treatment over the same days),
    # or None. Pure, so that a sync batch decides against the stored records and its own alike.
    clash: Callable[[Values, Values], str | None]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.defaults)

    def duplicates(self, user: User, values: Values, own_id: uuid.UUID | None) -> str | None:
        """Why `values` duplicates another of the user's live records (a database read), or None."""
        for other in self.candidates(user, values):
            if other.pk != own_id:
                clash = self.clash(values, stored_values(self, other))
                if clash is not None:
                    return clash
        return None


def values_of(kind: RecordKind[Kept], data: Mapping[str, Any]) -> Values:
    """A whole content from `data` (an input, a serializer's data, a file's row): each field of
    the kind, those left out at their defaults. Other keys are left out."""
    return {name: data.get(name, default) for name, default in kind.defaults.items()}


def stored_values(kind: RecordKind[Kept], record: Kept) -> Values:
    return {name: getattr(record, name) for name in kind.fields}


def record_errors(kind: RecordKind[Kept], values: Values, local_today: date) -> FieldErrors:
    """Every problem with a whole content, by field; pure."""
    errors = FieldErrors()
    kind.check(values, local_today, errors)
    return errors


# --- The checks -------------------------------------------------------------------------------


def _check_text(errors: FieldErrors, field: str, value: Any, max_length: int, *, required: bool) -> None:
    if not isinstance(value, str):
        errors.add(field, "Must be text.")
    elif not _storable(value):
        errors.add(field, "Must be text without NUL characters or lone surrogates.")
    elif required and not value.strip():
        errors.add(field, "Must not be empty.")
    elif len(value) > max_length:
        errors.add(field, f"At most {max_length} characters (got {len(value)}).")
    elif max_length <= MAX_NAME_LENGTH and any(not char.isprintable() for char in value):
        errors.add(field, "Write it on one line, without control characters.")


def _check_choice(errors: FieldErrors, field: str, value: Any, choices: list[str]) -> None:
    if value not in choices:
        errors.add(field, f"Must be one of: {', '.join(choices)}.")


def _check_day(errors: FieldErrors, field: str, value: Any, local_today: date, *, required: bool) -> None:
    """A past (or today's) local date. One day of slack, as for check-ins: the phone's idea of
    "today" may be ahead of the stored zone's."""
    if value is None:
        if required:
            errors.add(field, "Required (YYYY-MM-DD).")
    elif not isinstance(value, date):
        errors.add(field, "Must be a date (YYYY-MM-DD).")
    elif value < EARLIEST_DATE:
        errors.add(field, f"Cannot be before {EARLIEST_DATE}.")
    elif value > local_today + timedelta(days=1):
        errors.add(field, f"Cannot be in the future (today is {local_today}).")


def _check_treatment(values: Values, local_today: date, errors: FieldErrors) -> None:
    _check_text(errors, "name", values["name"], MAX_NAME_LENGTH, required=True)
    _check_choice(errors, "kind", values["kind"], TreatmentKind.values)
    _check_text(errors, "dose", values["dose"], MAX_DOSE_LENGTH, required=False)
    _check_day(errors, "started_on", values["started_on"], local_today, required=True)
    _check_day(errors, "stopped_on", values["stopped_on"], local_today, required=False)
    started, stopped = values["started_on"], values["stopped_on"]
    if isinstance(started, date) and isinstance(stopped, date) and stopped < started and not errors.errors:
        errors.add("stopped_on", f"Cannot be before the start ({started}).")
    check_notes(errors, values["notes"], MAX_NOTES_LENGTH)


def _check_investigation(values: Values, local_today: date, errors: FieldErrors) -> None:
    _check_text(errors, "name", values["name"], MAX_NAME_LENGTH, required=True)
    _check_choice(errors, "kind", values["kind"], InvestigationKind.values)
    _check_day(errors, "done_on", values["done_on"], local_today, required=True)
    _check_text(errors, "result", values["result"], MAX_NOTES_LENGTH, required=False)
    check_notes(errors, values["notes"], MAX_NOTES_LENGTH)


def _same_name(one: Any, other: str) -> bool:
    return isinstance(one, str) and one.strip().casefold() == other.strip().casefold()


def _treatment_clash(values: Values, other: Values) -> str | None:
    """Whether `values` and `other` are one treatment entered twice (say, from two devices): the
    same name over some of the same days, which would count its days twice. Pure: the single
    writes and sync's batches decide with it alike."""
    started, stopped = values["started_on"], values["stopped_on"]
    if not _same_name(values["name"], other["name"]):
        return None
    if (other["stopped_on"] is not None and other["stopped_on"] < started) or (
        stopped is not None and other["started_on"] > stopped
    ):
        return None
    until = f"to {other['stopped_on']}" if other["stopped_on"] else "still going on"
    return f"You already have {other['name']} from {other['started_on']} ({until}): edit that one, or stop it first."


def _investigation_clash(values: Values, other: Values) -> str | None:
    """The same test on the same day, entered twice."""
    if _same_name(values["name"], other["name"]) and (values["kind"], values["done_on"]) == (
        other["kind"],
        other["done_on"],
    ):
        return f"You already have {values['name'].strip()} on {values['done_on']}: edit that one."
    return None


def _overlapping_treatments(user: User, values: Values) -> QuerySet[Treatment]:
    """The user's live treatments over some of the days of `values` (the name is compared by
    the clash, in Python: SQLite's case-insensitive match knows ASCII only)."""
    others = Treatment.live.filter(user=user).filter(
        Q(stopped_on__isnull=True) | Q(stopped_on__gte=values["started_on"])
    )
    if values["stopped_on"] is not None:
        others = others.filter(started_on__lte=values["stopped_on"])
    return others.order_by("started_on", "pk")


def _same_day_investigations(user: User, values: Values) -> QuerySet[Investigation]:
    return Investigation.live.filter(user=user, kind=values["kind"], done_on=values["done_on"]).order_by("pk")


TREATMENTS = RecordKind(
    model=Treatment,
    name="treatment",
    defaults={"name": "", "kind": None, "dose": "", "started_on": None, "stopped_on": None, "notes": ""},
    check=_check_treatment,
    candidates=_overlapping_treatments,
    clash=_treatment_clash,
)
INVESTIGATIONS = RecordKind(
    model=Investigation,
    name="test",
    defaults={"name": "", "kind": None, "done_on": None, "result": "", "notes": ""},
    check=_check_investigation,
    candidates=_same_day_investigations,
    clash=_investigation_clash,
)
# The field whose error a duplicate is reported on.
DUPLICATE_FIELD = {Treatment: "started_on", Investigation: "done_on"}


def normalized(values: Values) -> Values:
    """Names without the spaces around them, as stored."""
    return {**values, "name": values["name"].strip()} if isinstance(values.get("name"), str) else values


def _refuse_duplicate(kind: RecordKind[Kept], user: User, values: Values, own_id: uuid.UUID | None) -> None:
    duplicate = kind.duplicates(user, values, own_id)
    if duplicate is not None:
        errors = FieldErrors()
        errors.add(DUPLICATE_FIELD[kind.model], duplicate)
        errors.raise_if_any()


# --- Writing ----------------------------------------------------------------------------------


class Outcome(Enum):
    """What a create with a client's id met under that id."""

    CREATED = "created"
    SAME = "same"  # the user's live record with this content: answered, nothing written
    DIFFERENT = "different"  # the user's live record with another content
    DELETED = "deleted"  # the user's record, deleted: a replay does not bring it back
    NOT_YOURS = "not_yours"  # another user's record: say only that the id is in use


@dataclass(frozen=True)
class Created(Generic[Kept]):
    outcome: Outcome
    record: Kept | None  # the stored record, unless it is another user's


def replay_of(kind: RecordKind[Kept], stored: Kept, user: User, values: Values) -> Outcome:
    """What a create of `values` means for the record stored under its id."""
    if stored.user_id != user.pk:
        return Outcome.NOT_YOURS
    if stored.deleted_at is not None:
        return Outcome.DELETED
    return Outcome.SAME if stored_values(kind, stored) == normalized(values) else Outcome.DIFFERENT


@transaction.atomic
def record_create(
    kind: RecordKind[Kept], *, user: User, values: Mapping[str, Any], id: uuid.UUID | None = None
) -> Created[Kept]:
    """Create a record of `kind` (fields left out at their defaults), or answer a create sent
    again under the same `id`. Raises ValidationError with field errors (a retry is recognised
    first: it answers what is stored even if the content has since become a duplicate)."""
    wanted = values_of(kind, values)
    if id is not None:
        stored = kind.model.objects.filter(pk=id).first()
        if stored is not None:
            outcome = replay_of(kind, stored, user, wanted)
            return Created(outcome, stored if outcome is not Outcome.NOT_YOURS else None)
    profile = lock_profile(user)
    record_errors(kind, wanted, profile.local_today()).raise_if_any()
    wanted = normalized(wanted)
    _refuse_duplicate(kind, user, wanted, id)
    record = kind.model(user=user, **wanted)
    if id is not None:
        record.id = id
    stamp_changes([record], write=Write.CREATE, claim=claim_change_seqs(user.pk, 1), now=timezone.now())
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except IntegrityError:
        # Another user's create took the id a moment ago (this user's own are serialised by the
        # profile lock): answer as for any taken id.
        stored = kind.model.objects.filter(pk=record.pk).first()
        if stored is None:
            raise
        outcome = replay_of(kind, stored, user, wanted)
        return Created(outcome, stored if outcome is not Outcome.NOT_YOURS else None)
    return Created(Outcome.CREATED, record)


@transaction.atomic
def record_update(kind: RecordKind[Kept], *, record: Kept, expected_version: int | None = None, **changes: Any) -> Kept:
    """Apply a partial edit. Raises StaleVersion if `expected_version` is not the stored one,
    DoesNotExist if the record was deleted, ValidationError on bad input. An edit that changes
    nothing leaves the version as it was."""
    unknown = set(changes) - set(kind.fields)
    if unknown:
        raise TypeError(f"record_update() got unexpected fields: {', '.join(sorted(unknown))}")
    profile = lock_profile(record.user)
    current = kind.model.live.get(pk=record.pk)
    check_version(current=current.version, expected=expected_version)
    after = {**stored_values(kind, current), **changes}
    record_errors(kind, after, profile.local_today()).raise_if_any()
    after = normalized(after)
    if after == stored_values(kind, current):
        return current
    _refuse_duplicate(kind, record.user, after, current.pk)
    for name, value in after.items():
        setattr(current, name, value)
    stamp_changes([current], write=Write.EDIT, claim=claim_change_seqs(current.user_id, 1), now=timezone.now())
    current.save()
    return current


@transaction.atomic
def record_delete(*, record: Kept, expected_version: int | None = None) -> Kept:
    """Soft delete, leaving a tombstone for sync. Deleting a deleted record changes nothing."""
    return soft_delete(record, expected_version=expected_version)


def treatment_stop(*, treatment: Treatment, stopped_on: date, expected_version: int | None = None) -> Treatment:
    """Stop a treatment on `stopped_on` (the pages' one-tap "stopped today")."""
    return record_update(TREATMENTS, record=treatment, expected_version=expected_version, stopped_on=stopped_on)
