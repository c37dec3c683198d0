"""Sync's push for the records without children (see diary.services.sync for the rules): one
path for the records keyed by a day (check-ins, weekly function checks) and one for those keyed
by the client's id (treatments, investigations). Each reads a batch in a query or two, decides
in memory and writes in a few statements, whatever the batch's size."""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Model

from diary.models import CheckIn, FunctionCheck, Profile, SyncedRecord

from .checkins import CHECKIN_FIELDS, CheckInInput, checkin_errors, checkin_matches, checkin_values
from .clinical import DUPLICATE_FIELD, Kept, RecordKind, Values, normalized, record_errors, stored_values, values_of
from .episodes import EpisodeChildren
from .function_checks import (
    FUNCTION_CHECK_FIELDS,
    function_check_errors,
    function_check_matches,
    function_check_values,
)
from .records import STAMPED_FIELDS, Claim, FieldErrors, Write, claim_change_seqs, stamp_changes

Status = Literal["created", "updated", "unchanged", "conflict", "invalid"]
Record = TypeVar("Record", bound=SyncedRecord)


@dataclass
class ItemResult(Generic[Record]):
    status: Status
    record: Record | None = None  # the stored record after the push, if there is one
    errors: dict[str, list[str]] = field(default_factory=dict)
    # For an episode this push wrote: its locations and codes as written, so that answering
    # needs no read-back. None for the other kinds, and when `record` came from the database
    # with them prefetched.
    children: EpisodeChildren | None = None


def id_in_use() -> ItemResult[Any]:
    return ItemResult("invalid", errors={"id": ["This id is already in use."]})


def duplicate_result(key: str) -> ItemResult[Any]:
    return ItemResult("invalid", errors={key: ["Appears more than once in this batch."]})


def stamp_in_order(claim: Claim, now: datetime, *groups: tuple[Sequence[Any], Write]) -> None:
    """Stamp each group of records with the next of the claimed change numbers, in order."""
    offset = 0
    for records, write in groups:
        stamp_changes(records, write=write, claim=claim, offset=offset, now=now)
        offset += len(records)


def _stamp_writes(user: User, now: datetime, *groups: tuple[Sequence[Any], Write]) -> None:
    """Claim a change number for each record of `groups` and stamp them; none when there are none."""
    count = sum(len(records) for records, _ in groups)
    if count:
        stamp_in_order(claim_change_seqs(user.pk, count), now, *groups)


def insert_new(model: type[Model], records: list[Any]) -> set[uuid.UUID]:
    """Insert new id-keyed records; answer the ids that were taken meanwhile, which are left out.

    The batch was read under this user's lock, but another user's push may insert one of the
    same ids at the same moment (PostgreSQL then makes this insert wait for it and fail). A
    savepoint keeps the failure from spoiling the batch: the taken ids are read back (their
    rows are committed by now) and the rest is inserted again."""
    if not records:
        return set()
    try:
        with transaction.atomic():
            model._default_manager.bulk_create(records)
    except IntegrityError:
        ids = [record.pk for record in records]
        taken = set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
        if not taken:
            raise  # not a race for an id: a real fault
        return taken | insert_new(model, [r for r in records if r.pk not in taken])
    return set()


# --- Keyed by a day ------------------------------------------------------------------------

V = TypeVar("V", bound=Mapping[str, Any])
Dated = TypeVar("Dated", CheckIn, FunctionCheck)


@dataclass(frozen=True)
class DatedChange(Generic[V]):
    date: date
    values: V  # empty for a delete
    base_version: int | None
    delete: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)  # found while parsing


CheckInChange = DatedChange[CheckInInput]
FunctionCheckChange = DatedChange[Values]


@dataclass(frozen=True)
class DatedKind(Generic[Dated, V]):
    """A kind of record set whole, one per user and day."""

    model: type[Dated]
    fields: tuple[str, ...]
    whole: Callable[[Mapping[str, Any]], V]  # the content, each field left out empty
    errors: Callable[[date, date, V], FieldErrors]  # (day, the user's today, content)
    matches: Callable[[Dated, V], bool]  # whether a live record holds exactly this content


CHECKINS = DatedKind(
    CheckIn,
    CHECKIN_FIELDS,
    checkin_values,
    lambda day, today, values: checkin_errors(day=day, local_today=today, values=values),
    checkin_matches,
)
FUNCTION_CHECKS = DatedKind(
    FunctionCheck,
    FUNCTION_CHECK_FIELDS,
    function_check_values,
    lambda day, today, values: function_check_errors(day=day, local_today=today, values=values),
    function_check_matches,
)


def _decide_dated(
    kind: DatedKind[Dated, V], change: DatedChange[V], stored: Dated | None, local_today: date
) -> tuple[ItemResult[Dated], str]:
    """The result, and what to write: "", "create", "update" or "delete"."""
    if change.errors:
        return ItemResult("invalid", errors=change.errors), ""
    base = change.base_version if change.base_version is not None else 1
    if change.delete:
        if stored is None or stored.deleted_at is not None:
            return ItemResult("unchanged", stored), ""
        return (ItemResult("conflict", stored), "") if base != stored.version else (ItemResult("updated"), "delete")
    wanted = kind.whole(change.values)
    problems = kind.errors(change.date, local_today, wanted)
    if problems:
        return ItemResult("invalid", errors=dict(problems.errors)), ""
    if stored is None:
        return ItemResult("created"), "create"
    if kind.matches(stored, wanted):
        return ItemResult("unchanged", stored), ""
    if change.base_version != stored.version:  # absent included: see diary.services.sync
        return ItemResult("conflict", stored), ""
    return ItemResult("updated"), "update"


def apply_dated(
    kind: DatedKind[Dated, V], user: User, profile: Profile, changes: Sequence[DatedChange[V]], now: datetime
) -> list[ItemResult[Dated]]:
    if not changes:
        return []
    stored = {r.date: r for r in kind.model._default_manager.filter(user=user, date__in={c.date for c in changes})}
    local_today = profile.local_today()
    results: list[ItemResult[Dated]] = []
    writes: dict[str, list[Dated]] = {"create": [], "update": [], "delete": []}
    seen: set[date] = set()
    for change in changes:
        if change.date in seen:
            results.append(duplicate_result("date"))
            continue
        seen.add(change.date)
        result, action = _decide_dated(kind, change, stored.get(change.date), local_today)
        if action:
            row = stored.get(change.date) or kind.model(user=user, date=change.date)
            if action != "delete":
                for name, value in kind.whole(change.values).items():
                    setattr(row, name, value)
            writes[action].append(row)
            result.record = row
        results.append(result)
    _stamp_writes(
        user,
        now,
        (writes["create"], Write.CREATE),
        (writes["update"], Write.EDIT),
        (writes["delete"], Write.DELETE),
    )
    if writes["create"]:
        kind.model._default_manager.bulk_create(writes["create"])
    if writes["update"] or writes["delete"]:
        kind.model._default_manager.bulk_update(writes["update"] + writes["delete"], [*kind.fields, *STAMPED_FIELDS])
    return results


# --- Keyed by the client's id ----------------------------------------------------------------


@dataclass(frozen=True)
class RecordChange:
    id: uuid.UUID
    values: Mapping[str, Any] | None  # the content as sent; None for a delete
    base_version: int | None
    delete: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)  # found while parsing


@dataclass
class _Batch(Generic[Kept]):
    """What a batch of one id-keyed kind decided: the rows to write, and the user's live
    contents as they will be after it (by id), which a content must not duplicate."""

    live: dict[uuid.UUID, Values]
    creates: list[Kept] = field(default_factory=list)
    updates: list[Kept] = field(default_factory=list)
    deletes: list[Kept] = field(default_factory=list)


def _decide_record(
    kind: RecordKind[Kept],
    change: RecordChange,
    stored: Kept | None,
    user: User,
    local_today: date,
    batch: _Batch[Kept],
) -> ItemResult[Kept]:
    """The item's result; what must be written goes into `batch`."""
    if change.errors:
        return ItemResult("invalid", errors=change.errors)
    if stored is not None and stored.user_id != user.pk:
        return id_in_use()
    base = change.base_version if change.base_version is not None else 1
    if change.delete or change.values is None:
        if stored is None or stored.deleted_at is not None:
            return ItemResult("unchanged", stored)
        if base != stored.version:
            return ItemResult("conflict", stored)
        batch.deletes.append(stored)
        batch.live.pop(stored.pk, None)
        return ItemResult("updated", stored)  # the tombstone, stamped in place
    values = values_of(kind, change.values)
    problems = record_errors(kind, values, local_today)
    if problems:
        return ItemResult("invalid", errors=dict(problems.errors))
    values = normalized(values)
    if stored is not None:
        if stored.deleted_at is not None:
            return ItemResult("conflict", stored)  # a deleted record stays deleted
        if stored_values(kind, stored) == values:
            return ItemResult("unchanged", stored)
        if base != stored.version:
            return ItemResult("conflict", stored)
    return _plan_write(kind, change.id, values, stored, user, batch)


def _plan_write(
    kind: RecordKind[Kept], id: uuid.UUID, values: Values, stored: Kept | None, user: User, batch: _Batch[Kept]
) -> ItemResult[Kept]:
    """A valid create or edit, unless it duplicates another of the user's records as stored or
    as this batch leaves them (two phones entering one treatment in one batch, say)."""
    for other_id, other in batch.live.items():
        clash = kind.clash(values, other) if other_id != id else None
        if clash is not None:
            return ItemResult("invalid", errors={DUPLICATE_FIELD[kind.model]: [clash]})
    batch.live[id] = values
    if stored is None:
        record = kind.model(user=user, id=id, **values)
        batch.creates.append(record)
        return ItemResult("created", record)
    for name, value in values.items():
        setattr(stored, name, value)
    batch.updates.append(stored)
    return ItemResult("updated", stored)


def apply_records(
    kind: RecordKind[Kept], user: User, profile: Profile, changes: Sequence[RecordChange], now: datetime
) -> list[ItemResult[Kept]]:
    if not changes:
        return []
    stored = {r.pk: r for r in kind.model._default_manager.filter(pk__in={c.id for c in changes})}
    # The user's live records of this kind, read once for the whole batch: a person's treatments
    # and tests number in the tens, and a read per item would grow with the batch.
    live = {r.pk: stored_values(kind, r) for r in kind.model.live.filter(user=user)}
    batch: _Batch[Kept] = _Batch(live)
    results: list[ItemResult[Kept]] = []
    seen: set[uuid.UUID] = set()
    local_today = profile.local_today()
    for change in changes:
        if change.id in seen:
            results.append(duplicate_result("id"))
            continue
        seen.add(change.id)
        results.append(_decide_record(kind, change, stored.get(change.id), user, local_today, batch))
    _stamp_writes(user, now, (batch.creates, Write.CREATE), (batch.updates, Write.EDIT), (batch.deletes, Write.DELETE))
    taken = insert_new(kind.model, batch.creates)
    if batch.updates or batch.deletes:
        kind.model._default_manager.bulk_update(batch.updates + batch.deletes, [*kind.fields, *STAMPED_FIELDS])
    if taken:
        for index, (change, result) in enumerate(zip(changes, results, strict=True)):
            if change.id in taken and result.status == "created":
                results[index] = id_in_use()
    return results
