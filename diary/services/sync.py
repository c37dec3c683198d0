"""Offline sync: apply a phone's batch of changes, and list what changed since a cursor.

Each pushed record carries the version the phone's edit was based on (absent for a record the
phone created). The rules, per record:

- a valid new record is created; a record whose content equals the stored one is `unchanged`
  (which is what makes a replayed batch change nothing);
- an edit based on the stored version applies (`updated`), one based on an older version is a
  `conflict` and answers the server's record, so nothing is overwritten;
- a deleted record stays deleted: an edit of a tombstone is a `conflict`;
- a phone that never heard back about its create (version absent) is treated as based on
  version 1, the version its own create produced;
- except for a check-in's content: its key is its day, which the web page and every phone
  share, so a day that holds another content may not be this phone's create at all. Sent
  without a version, it is a `conflict` (a phone's own unanswered create, edited since, is
  then one too: the person keeps one side, instead of another device's day being replaced).

All of a batch is read in a few queries, decided in memory, and written in a few more: the
cost does not grow with the batch.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from diary.models import CheckIn, Episode, Profile

from .checkins import CHECKIN_FIELDS, CheckInInput, checkin_errors, checkin_matches, checkin_values
from .episode_input import EpisodeInput, ReferenceCodes, episode_errors
from .episodes import EpisodeChildren, EpisodeRows, episode_rows, episode_to_rewrite, new_episode, rewrite_episodes
from .records import STAMPED_FIELDS, Claim, Write, claim_change_seqs, lock_profile, stamp_changes
from .replays import Replay, replay_outcome

Status = Literal["created", "updated", "unchanged", "conflict", "invalid"]
CHILDREN = ("locations__region", "triggers", "symptoms")


@dataclass(frozen=True)
class EpisodeChange:
    id: uuid.UUID
    data: EpisodeInput | None  # None for a delete
    base_version: int | None
    delete: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)  # found while parsing


@dataclass(frozen=True)
class CheckInChange:
    date: date
    values: CheckInInput  # empty for a delete
    base_version: int | None
    delete: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


Record = TypeVar("Record", Episode, CheckIn)


@dataclass
class ItemResult(Generic[Record]):
    status: Status
    record: Record | None = None  # the stored episode or check-in after the push, if there is one
    errors: dict[str, list[str]] = field(default_factory=dict)
    # For an episode this push wrote: its locations and codes as written, so that answering
    # needs no read-back. None when `record` came from the database with them prefetched.
    children: EpisodeChildren | None = None


@dataclass
class SyncResults:
    episodes: list[ItemResult[Episode]]
    checkins: list[ItemResult[CheckIn]]


def _id_in_use() -> ItemResult[Episode]:
    return ItemResult("invalid", errors={"id": ["This id is already in use."]})


def _duplicate_result(kind: str) -> ItemResult[Record]:
    return ItemResult("invalid", errors={kind: ["Appears more than once in this batch."]})


# --- Episodes -----------------------------------------------------------------------------


@dataclass
class _EpisodePlan:
    zone: ZoneInfo
    creates: list[EpisodeInput] = field(default_factory=list)
    updates: list[tuple[Episode, EpisodeInput]] = field(default_factory=list)
    deletes: list[Episode] = field(default_factory=list)


def _decide_episode(
    change: EpisodeChange, stored: Episode | None, user: User, codes: ReferenceCodes, now: datetime, plan: _EpisodePlan
) -> ItemResult[Episode]:
    """The item's result; what must be written goes into `plan`."""
    if change.errors:
        return ItemResult("invalid", errors=change.errors)
    if stored is not None and stored.user_id != user.pk:
        return _id_in_use()
    base = change.base_version if change.base_version is not None else 1
    if change.delete:
        if stored is None or stored.deleted_at is not None:
            return ItemResult("unchanged", stored)
        if base != stored.version:
            return ItemResult("conflict", stored)
        plan.deletes.append(stored)
        return ItemResult("updated", stored)  # the tombstone: _write_episodes updates it in place
    assert change.data is not None
    problems = episode_errors(change.data, codes, now=now)
    if problems:
        return ItemResult("invalid", errors=dict(problems.errors))
    outcome = replay_outcome(stored, change.data, user=user, zone=plan.zone)
    if outcome is Replay.NEW:
        plan.creates.append(change.data)
        return ItemResult("created")
    assert stored is not None  # NOT_YOURS was answered above, before a delete could apply
    if outcome is Replay.DELETED:
        return ItemResult("conflict", stored)
    if outcome is Replay.SAME:
        return ItemResult("unchanged", stored)
    if base != stored.version:
        return ItemResult("conflict", stored)
    plan.updates.append((stored, change.data))  # DIFFERENT, based on the stored version: an edit
    return ItemResult("updated")


def _write_episodes(
    user: User, plan: _EpisodePlan, codes: ReferenceCodes, now: datetime
) -> tuple[dict[uuid.UUID, tuple[Episode, EpisodeChildren]], set[uuid.UUID]]:
    """Write the plan; answer the created and updated episodes as written, by id, and the ids
    of new episodes that another user's concurrent write took first (not written)."""
    writes = len(plan.creates) + len(plan.updates) + len(plan.deletes)
    if not writes:
        return {}, set()
    claim, rows = claim_change_seqs(user.pk, writes), EpisodeRows()
    created = [new_episode(user, data) for data in plan.creates]
    updated = [episode_to_rewrite(stored) for stored, _ in plan.updates]
    contents = [*plan.creates, *(data for _, data in plan.updates)]
    written = {}
    for episode, data in zip([*created, *updated], contents, strict=True):
        episode_rows(episode, data, codes=codes, zone=claim.zone, rows=rows)
        written[episode.id] = (episode, EpisodeChildren.of(data))
    _stamp_in_order(claim, now, (created, Write.CREATE), (updated, Write.EDIT), (plan.deletes, Write.DELETE))
    taken = _insert_new_episodes(created)
    if taken:
        rows.drop(taken)
        for episode_id in taken:
            del written[episode_id]
    if updated:
        rewrite_episodes(updated)
    if plan.deletes:
        Episode.objects.bulk_update(plan.deletes, STAMPED_FIELDS)
    rows.insert()
    return written, taken


def _stamp_in_order(claim: Claim, now: datetime, *groups: tuple[Sequence[Any], Write]) -> None:
    """Stamp each group of records with the next of the claimed change numbers, in order."""
    offset = 0
    for records, write in groups:
        stamp_changes(records, write=write, claim=claim, offset=offset, now=now)
        offset += len(records)


def _insert_new_episodes(episodes: list[Episode]) -> set[uuid.UUID]:
    """Insert new episodes; answer the ids that were taken meanwhile, which are left out.

    The batch was read under this user's lock, but another user's push may insert one of the
    same ids at the same moment (PostgreSQL then makes this insert wait for it and fail). A
    savepoint keeps the failure from spoiling the batch: the taken ids are read back (their
    rows are committed by now) and the rest is inserted again."""
    try:
        with transaction.atomic():
            Episode.objects.bulk_create(episodes)
    except IntegrityError:
        ids = [episode.id for episode in episodes]
        taken = set(Episode.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if not taken:
            raise  # not a race for an id: a real fault
        return taken | _insert_new_episodes([e for e in episodes if e.id not in taken])
    return set()


def _apply_episodes(
    user: User, profile: Profile, changes: Sequence[EpisodeChange], now: datetime
) -> list[ItemResult[Episode]]:
    if not changes:
        return []
    codes = ReferenceCodes.load()
    ids = {change.id for change in changes}
    stored = {e.id: e for e in Episode.objects.filter(pk__in=ids).prefetch_related(*CHILDREN)}
    plan, results, seen = _EpisodePlan(profile.zone), [], set()
    for change in changes:
        if change.id in seen:
            results.append(_duplicate_result("id"))
            continue
        seen.add(change.id)
        results.append(_decide_episode(change, stored.get(change.id), user, codes, now, plan))
    written, taken = _write_episodes(user, plan, codes, now)
    for index, (change, result) in enumerate(zip(changes, results, strict=True)):
        if change.id in taken and result.status == "created":
            results[index] = _id_in_use()
        elif change.id in written and result.status in ("created", "updated"):
            result.record, result.children = written[change.id]
    return results


# --- Check-ins ----------------------------------------------------------------------------


def _decide_checkin(
    change: CheckInChange, stored: CheckIn | None, local_today: date
) -> tuple[ItemResult[CheckIn], str]:
    """The result, and what to write: "", "create", "update" or "delete"."""
    if change.errors:
        return ItemResult("invalid", errors=change.errors), ""
    base = change.base_version if change.base_version is not None else 1
    if change.delete:
        if stored is None or stored.deleted_at is not None:
            return ItemResult("unchanged", stored), ""
        return (ItemResult("conflict", stored), "") if base != stored.version else (ItemResult("updated"), "delete")
    problems = checkin_errors(day=change.date, local_today=local_today, values=change.values)
    if problems:
        return ItemResult("invalid", errors=dict(problems.errors)), ""
    if stored is None:
        return ItemResult("created"), "create"
    if checkin_matches(stored, checkin_values(change.values)):
        return ItemResult("unchanged", stored), ""
    if change.base_version != stored.version:  # absent included: see the module's docstring
        return ItemResult("conflict", stored), ""
    return ItemResult("updated"), "update"


def _apply_checkins(
    user: User, profile: Profile, changes: Sequence[CheckInChange], now: datetime
) -> list[ItemResult[CheckIn]]:
    if not changes:
        return []
    stored = {c.date: c for c in CheckIn.objects.filter(user=user, date__in={c.date for c in changes})}
    local_today = profile.local_today()
    results: list[ItemResult[CheckIn]] = []
    creates: list[CheckIn] = []
    changed: list[CheckIn] = []
    deletes: list[CheckIn] = []
    seen: set[date] = set()
    for change in changes:
        if change.date in seen:
            results.append(_duplicate_result("date"))
            continue
        seen.add(change.date)
        result, action = _decide_checkin(change, stored.get(change.date), local_today)
        if action == "create":
            row = CheckIn(user=user, date=change.date, **checkin_values(change.values))
            creates.append(row)
        elif action in ("update", "delete"):
            row = stored[change.date]
            if action == "update":
                for name, value in checkin_values(change.values).items():
                    setattr(row, name, value)
            (changed if action == "update" else deletes).append(row)
        if action:
            result.record = row
        results.append(result)
    if creates or changed or deletes:
        claim = claim_change_seqs(user.pk, len(creates) + len(changed) + len(deletes))
        _stamp_in_order(claim, now, (creates, Write.CREATE), (changed, Write.EDIT), (deletes, Write.DELETE))
        CheckIn.objects.bulk_create(creates)
        CheckIn.objects.bulk_update([*changed, *deletes], [*CHECKIN_FIELDS, *STAMPED_FIELDS])
    return results


@transaction.atomic
def sync_apply(*, user: User, episodes: Sequence[EpisodeChange], checkins: Sequence[CheckInChange]) -> SyncResults:
    """Apply one pushed batch. Valid items apply; every item gets its own result."""
    profile = lock_profile(user)
    now = timezone.now()
    return SyncResults(
        episodes=_apply_episodes(user, profile, episodes, now),
        checkins=_apply_checkins(user, profile, checkins, now),
    )


@dataclass
class Changes:
    episodes: list[Episode]
    checkins: list[CheckIn]
    cursor: int
    has_more: bool


def sync_changes(*, user: User, since: int, limit: int) -> Changes:
    """What changed after change number `since`, tombstones included, oldest change first, at
    most `limit` records; `cursor` is where the next pull starts."""
    episodes = list(
        Episode.objects.filter(user=user, change_seq__gt=since)
        .order_by("change_seq")
        .prefetch_related(*CHILDREN)[: limit + 1]
    )
    checkins = list(CheckIn.objects.filter(user=user, change_seq__gt=since).order_by("change_seq")[: limit + 1])
    merged = sorted([*episodes, *checkins], key=lambda record: record.change_seq)
    page = merged[:limit]
    cursor = page[-1].change_seq if page else since
    return Changes(
        episodes=[r for r in page if isinstance(r, Episode)],
        checkins=[r for r in page if isinstance(r, CheckIn)],
        cursor=cursor,
        has_more=len(merged) > limit,
    )
