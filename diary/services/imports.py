"""Restoring a diary from the user's own export (tracker/account/export.py reads the file): every
episode, check-in, treatment, investigation and function check as it was, tombstones included,
into an account that has none.

A restore is a write like any other: the same validation as a create (episode_errors,
checkin_errors, record_errors, function_check_errors), the same child rows (episode_rows), and
change numbers claimed from the user's profile (claim_change_seqs, stamped by stamp_changes) so
that a phone's sync cursor sees every restored record. What it keeps that a create would not:
the ids, versions and created, updated and deleted times the export holds, and the source each
episode was first written from."""

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from diary.models import CheckIn, Episode, FunctionCheck, Investigation, Treatment

from .checkins import CHECKIN_FIELDS, CheckInInput, checkin_errors, checkin_values
from .clinical import DUPLICATE_FIELD, INVESTIGATIONS, TREATMENTS, LiveContents, RecordKind, normalized, record_errors
from .episode_input import EpisodeInput, ReferenceCodes, episode_errors
from .episodes import EpisodeRows, episode_rows, new_episode
from .function_checks import FUNCTION_CHECK_FIELDS, function_check_errors, function_check_values
from .records import FieldErrors, Write, claim_change_seqs, lock_profile, stamp_changes

# The largest version a PositiveIntegerField holds on every database (PostgreSQL's integer).
MAX_VERSION = 2**31 - 1
# Ids are looked up in slices: SQLite takes at most 32,766 parameters in one statement.
ID_LOOKUP_SLICE = 5000


@dataclass(frozen=True)
class Kept:
    """A record's bookkeeping as the export had it."""

    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


@dataclass(frozen=True)
class RestoredEpisode:
    data: EpisodeInput  # with its id and utc_offset_minutes given
    kept: Kept


@dataclass(frozen=True)
class RestoredCheckIn:
    id: uuid.UUID
    date: date
    values: CheckInInput
    kept: Kept


@dataclass(frozen=True)
class RestoredRecord:
    """A treatment or an investigation: its content as the kind's services take it (dates as
    dates, the rest as the file had it, for record_errors to judge)."""

    id: uuid.UUID
    values: dict[str, Any]
    kept: Kept


@dataclass(frozen=True)
class RestoredFunctionCheck:
    id: uuid.UUID
    date: date
    values: dict[str, Any]  # each sign True, False or None, as function_check_upsert takes it
    kept: Kept


@dataclass(frozen=True)
class Restored:
    episodes: int
    checkins: int
    treatments: int = 0
    investigations: int = 0
    function_checks: int = 0


@transaction.atomic
def diary_restore(
    *,
    user: User,
    episodes: Sequence[RestoredEpisode],
    checkins: Sequence[RestoredCheckIn],
    treatments: Sequence[RestoredRecord] = (),
    investigations: Sequence[RestoredRecord] = (),
    function_checks: Sequence[RestoredFunctionCheck] = (),
) -> Restored:
    """Write the records into the user's diary, which must hold none (tombstones included).
    All or nothing: any problem raises a ValidationError whose keys name the row and field,
    such as `episodes[12].intensity` or `function_checks[3].weakness`, and nothing is written."""
    profile = lock_profile(user)  # no other write of this user's diary until this one ends
    _refuse_a_diary_with_records(user)
    codes = ReferenceCodes.load()
    # One more day of slack than a phone gets: the server that wrote the file may have been
    # a day ahead of this one's idea of the user's "today".
    today = profile.local_today() + timedelta(days=1)
    _problems(codes, today, episodes, checkins, treatments, investigations, function_checks).raise_if_any()
    _insert_episodes(user, episodes, codes)
    _insert_checkins(user, checkins)
    _insert_records(user, TREATMENTS, treatments)
    _insert_records(user, INVESTIGATIONS, investigations)
    _insert_function_checks(user, function_checks)
    return Restored(
        episodes=len(episodes),
        checkins=len(checkins),
        treatments=len(treatments),
        investigations=len(investigations),
        function_checks=len(function_checks),
    )


def _problems(
    codes: ReferenceCodes,
    today: date,
    episodes: Sequence[RestoredEpisode],
    checkins: Sequence[RestoredCheckIn],
    treatments: Sequence[RestoredRecord],
    investigations: Sequence[RestoredRecord],
    function_checks: Sequence[RestoredFunctionCheck],
) -> FieldErrors:
    """Every problem with the file's records, by row and field: each as its own write would
    check it, then the ids and days each once, then the duplicates."""
    errors = FieldErrors()
    now = timezone.now()
    for index, item in enumerate(episodes):
        row = f"episodes[{index}]"
        _add(errors, row, episode_errors(item.data, codes, now=now))
        _check_offset(errors, row, item.data)
        _check_kept(errors, row, item.kept)
    _check_dated(errors, "checkins", checkins, CHECKIN_FIELDS, checkin_errors, today)
    _check_records(errors, "treatments", TREATMENTS, treatments, today)
    _check_records(errors, "investigations", INVESTIGATIONS, investigations, today)
    _check_dated(errors, "function_checks", function_checks, FUNCTION_CHECK_FIELDS, function_check_errors, today)
    for name, ids, model in (
        ("episodes", [item.data.id for item in episodes], Episode),
        ("checkins", [checkin.id for checkin in checkins], CheckIn),
        ("treatments", [item.id for item in treatments], Treatment),
        ("investigations", [item.id for item in investigations], Investigation),
        ("function_checks", [check.id for check in function_checks], FunctionCheck),
    ):
        _check_ids(errors, name, ids, model)
    if not errors.errors:  # the duplicates rules read names and dates the checks above vouched for
        _check_clashes(errors, "treatments", TREATMENTS, treatments)
        _check_clashes(errors, "investigations", INVESTIGATIONS, investigations)
    return errors


DIARY_MODELS: tuple[type[Episode | CheckIn | Treatment | Investigation | FunctionCheck], ...] = (
    Episode,
    CheckIn,
    Treatment,
    Investigation,
    FunctionCheck,
)


def _refuse_a_diary_with_records(user: User) -> None:
    """A file imported twice is refused here the second time: nothing changes."""
    if any(model.objects.filter(user=user).exists() for model in DIARY_MODELS):
        raise ValidationError(
            {
                "account": [
                    f"{user.get_username()} already has episodes, check-ins, treatments, tests or function checks "
                    "(deleted ones count too)."
                ]
            }
        )


def _add(errors: FieldErrors, row: str, found: FieldErrors) -> None:
    for name, messages in found.errors.items():
        for message in messages:
            errors.add(f"{row}.{name}", message)


def _check_offset(errors: FieldErrors, row: str, data: EpisodeInput) -> None:
    """The start's own offset is the recorded one: the export writes the start on that clock."""
    if data.id is None:
        errors.add(f"{row}.id", "Every restored episode needs its id.")
    offset = data.started_at.utcoffset() if isinstance(data.started_at, datetime) else None
    if offset is not None and data.utc_offset_minutes != offset.total_seconds() // 60:
        errors.add(f"{row}.utc_offset_minutes", "Does not match the UTC offset of started_at.")


def _check_kept(errors: FieldErrors, row: str, kept: Kept) -> None:
    if isinstance(kept.version, bool) or not isinstance(kept.version, int) or not 1 <= kept.version <= MAX_VERSION:
        errors.add(f"{row}.version", f"Must be a whole number from 1 to {MAX_VERSION}.")
    if kept.updated_at < kept.created_at:
        errors.add(f"{row}.updated_at", "Cannot be before created_at.")
    if kept.deleted_at is not None and kept.deleted_at < kept.created_at:
        errors.add(f"{row}.deleted_at", "Cannot be before created_at.")


Model = type[Episode | CheckIn | Treatment | Investigation | FunctionCheck]


def _check_dated(
    errors: FieldErrors,
    name: str,
    items: Sequence[RestoredCheckIn | RestoredFunctionCheck],
    fields: Sequence[str],
    check: Callable[..., FieldErrors],
    today: date,
) -> None:
    """Check-ins and function checks: one per day, each checked as its upsert checks it."""
    for index, item in enumerate(items):
        row = f"{name}[{index}]"
        unknown = set(item.values) - set(fields)
        if unknown:
            errors.add(row, f"Unknown field(s): {', '.join(sorted(unknown))}.")
        _add(errors, row, check(day=item.date, local_today=today, values=item.values))
        _check_kept(errors, row, item.kept)
    _check_dates(errors, name, [item.date for item in items])


def _check_records(
    errors: FieldErrors, name: str, kind: RecordKind[Any], items: Sequence[RestoredRecord], today: date
) -> None:
    for index, item in enumerate(items):
        row = f"{name}[{index}]"
        _add(errors, row, record_errors(kind, item.values, today))
        _check_kept(errors, row, item.kept)


def _check_clashes(errors: FieldErrors, name: str, kind: RecordKind[Any], items: Sequence[RestoredRecord]) -> None:
    """As a create refuses it (RecordKind.clash): two live records of the file that are one
    entered twice (a treatment over the same days, a test on the same day)."""
    live = LiveContents(kind)
    for index, item in enumerate(items):
        if item.kept.deleted_at is not None:
            continue
        values = normalized(item.values)
        clash = live.clash(index, values)
        if clash is not None:
            errors.add(
                f"{name}[{index}].{DUPLICATE_FIELD[kind.model]}",
                f"The same {kind.name} as {name}[{clash[0]}], entered twice.",
            )
        else:
            live.put(index, values)


def _check_ids(errors: FieldErrors, kind: str, ids: Sequence[uuid.UUID | None], model: Model) -> None:
    """Each id once in the file, and nobody's yet: the diary being empty, a stored id is
    another account's (a file imported twice, or someone else's export)."""
    first_row: dict[uuid.UUID, int] = {}
    for index, record_id in enumerate(ids):
        if record_id is None:
            continue
        if record_id in first_row:
            errors.add(f"{kind}[{index}].id", f"Duplicate id: {kind}[{first_row[record_id]}] has it too.")
        else:
            first_row[record_id] = index
    for taken in _stored(model, list(first_row)):
        errors.add(f"{kind}[{first_row[taken]}].id", f"The id {taken} is already used by another account.")


def _stored(model: Model, ids: list[uuid.UUID]) -> Iterable[uuid.UUID]:
    for start in range(0, len(ids), ID_LOOKUP_SLICE):
        yield from model.objects.filter(pk__in=ids[start : start + ID_LOOKUP_SLICE]).values_list("pk", flat=True)


def _check_dates(errors: FieldErrors, kind: str, days: Sequence[date]) -> None:
    """One record a local date (check-ins, function checks), tombstones included."""
    first_row: dict[date, int] = {}
    for index, day in enumerate(days):
        if day in first_row:
            errors.add(f"{kind}[{index}].date", f"Duplicate date: {kind}[{first_row[day]}] has it too.")
        else:
            first_row.setdefault(day, index)


def _keep(record: Episode | CheckIn | Treatment | Investigation | FunctionCheck, kept: Kept) -> None:
    record.version = kept.version
    record.created_at = kept.created_at
    record.updated_at = kept.updated_at
    record.deleted_at = kept.deleted_at


def _insert_episodes(user: User, items: Sequence[RestoredEpisode], codes: ReferenceCodes) -> None:
    """Change numbers follow the order in which the records last changed, as they had grown."""
    if not items:
        return
    ordered = sorted(items, key=lambda item: (item.kept.updated_at, str(item.data.id)))
    claim = claim_change_seqs(user.pk, len(ordered))  # the analysis is told at commit
    episodes, rows = [], EpisodeRows()
    for item in ordered:
        episode = new_episode(user, item.data)
        episode_rows(episode, item.data, codes=codes, zone=claim.zone, rows=rows)
        _keep(episode, item.kept)
        episodes.append(episode)
    stamp_changes(episodes, write=Write.RESTORE, claim=claim, now=timezone.now())
    Episode.objects.bulk_create(episodes, batch_size=2000)
    rows.insert()


def _insert_checkins(user: User, items: Sequence[RestoredCheckIn]) -> None:
    _insert_kept(
        CheckIn,
        user,
        [(CheckIn(id=i.id, user=user, date=i.date, **checkin_values(i.values)), i.kept, i.date) for i in items],
    )


def _insert_records(user: User, kind: RecordKind[Any], items: Sequence[RestoredRecord]) -> None:
    _insert_kept(
        kind.model,
        user,
        [(kind.model(id=i.id, user=user, **normalized(i.values)), i.kept, str(i.id)) for i in items],
    )


def _insert_function_checks(user: User, items: Sequence[RestoredFunctionCheck]) -> None:
    _insert_kept(
        FunctionCheck,
        user,
        [
            (FunctionCheck(id=i.id, user=user, date=i.date, **function_check_values(i.values)), i.kept, i.date)
            for i in items
        ],
    )


_Restored = TypeVar("_Restored", CheckIn, Treatment, Investigation, FunctionCheck)


def _insert_kept(model: type[_Restored], user: User, built: list[tuple[_Restored, Kept, Any]]) -> None:
    """Store restored rows with the bookkeeping the file had and new change numbers, in the order
    in which they last changed (ties broken by the third item: a day, an id), as they had grown."""
    if not built:
        return
    built.sort(key=lambda row: (row[1].updated_at, row[2]))
    for record, kept, _ in built:
        _keep(record, kept)
    rows = [record for record, _, _ in built]
    stamp_changes(rows, write=Write.RESTORE, claim=claim_change_seqs(user.pk, len(rows)), now=timezone.now())
    model.objects.bulk_create(rows, batch_size=2000)
