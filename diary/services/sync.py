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
- except for the content of a record keyed by its day (a check-in, a function check): the
  day is one the web page and every phone share, so a day that holds another content may not
  be this phone's create at all. Sent without a version, it is a `conflict` (a phone's own
  unanswered create, edited since, is then one too: the person keeps one side, instead of
  another device's day being replaced);
- a treatment or an investigation that duplicates another of the user's (as stored, or as
  the batch leaves them) is `invalid`, with the field error a single write gets.

All of a batch is read in a few queries, decided in memory, and written in a few more: the
cost does not grow with the batch.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from diary.models import CheckIn, Episode, FunctionCheck, Investigation, Profile, SyncedRecord, Treatment

from .clinical import INVESTIGATIONS, TREATMENTS
from .episode_input import EpisodeInput, ReferenceCodes, episode_errors
from .episodes import EpisodeChildren, EpisodeRows, episode_rows, episode_to_rewrite, new_episode, rewrite_episodes
from .records import STAMPED_FIELDS, Write, claim_change_seqs, lock_profile
from .replays import Replay, replay_outcome
from .sync_kinds import (
    CHECKINS,
    FUNCTION_CHECKS,
    CheckInChange,
    FunctionCheckChange,
    ItemResult,
    RecordChange,
    apply_dated,
    apply_records,
    duplicate_result,
    id_in_use,
    insert_new,
    stamp_in_order,
)

CHILDREN = ("locations__region", "triggers", "symptoms")

__all__ = [
    "CheckInChange",
    "EpisodeChange",
    "FunctionCheckChange",
    "ItemResult",
    "RecordChange",
    "SyncResults",
    "sync_apply",
    "sync_changes",
]


@dataclass(frozen=True)
class EpisodeChange:
    id: uuid.UUID
    data: EpisodeInput | None  # None for a delete
    base_version: int | None
    delete: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)  # found while parsing


@dataclass
class SyncResults:
    episodes: list[ItemResult[Episode]]
    checkins: list[ItemResult[CheckIn]]
    treatments: list[ItemResult[Treatment]] = field(default_factory=list)
    investigations: list[ItemResult[Investigation]] = field(default_factory=list)
    function_checks: list[ItemResult[FunctionCheck]] = field(default_factory=list)


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
        return id_in_use()
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
    stamp_in_order(claim, now, (created, Write.CREATE), (updated, Write.EDIT), (plan.deletes, Write.DELETE))
    taken = insert_new(Episode, created)
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
            results.append(duplicate_result("id"))
            continue
        seen.add(change.id)
        results.append(_decide_episode(change, stored.get(change.id), user, codes, now, plan))
    written, taken = _write_episodes(user, plan, codes, now)
    for index, (change, result) in enumerate(zip(changes, results, strict=True)):
        if change.id in taken and result.status == "created":
            results[index] = id_in_use()
        elif change.id in written and result.status in ("created", "updated"):
            result.record, result.children = written[change.id]
    return results


@transaction.atomic
def sync_apply(
    *,
    user: User,
    episodes: Sequence[EpisodeChange],
    checkins: Sequence[CheckInChange],
    treatments: Sequence[RecordChange] = (),
    investigations: Sequence[RecordChange] = (),
    function_checks: Sequence[FunctionCheckChange] = (),
) -> SyncResults:
    """Apply one pushed batch. Valid items apply; every item gets its own result."""
    profile = lock_profile(user)
    now = timezone.now()
    return SyncResults(
        episodes=_apply_episodes(user, profile, episodes, now),
        checkins=apply_dated(CHECKINS, user, profile, checkins, now),
        treatments=apply_records(TREATMENTS, user, profile, treatments, now),
        investigations=apply_records(INVESTIGATIONS, user, profile, investigations, now),
        function_checks=apply_dated(FUNCTION_CHECKS, user, profile, function_checks, now),
    )


@dataclass
class Changes:
    episodes: list[Episode]
    checkins: list[CheckIn]
    cursor: int
    has_more: bool
    treatments: list[Treatment] = field(default_factory=list)
    investigations: list[Investigation] = field(default_factory=list)
    function_checks: list[FunctionCheck] = field(default_factory=list)


def sync_changes(*, user: User, since: int, limit: int) -> Changes:
    """What changed after change number `since`, tombstones included, oldest change first, at
    most `limit` records of all kinds together; `cursor` is where the next pull starts. Each
    kind is read up to `limit + 1` (a query per kind, whatever the limit), then merged."""
    kinds: list[list[SyncedRecord]] = [
        list(
            Episode.objects.filter(user=user, change_seq__gt=since)
            .order_by("change_seq")
            .prefetch_related(*CHILDREN)[: limit + 1]
        ),
        *(
            list(model.objects.filter(user=user, change_seq__gt=since).order_by("change_seq")[: limit + 1])
            for model in (CheckIn, Treatment, Investigation, FunctionCheck)
        ),
    ]
    merged = sorted((record for records in kinds for record in records), key=lambda record: record.change_seq)
    page = merged[:limit]
    cursor = page[-1].change_seq if page else since
    return Changes(
        episodes=[r for r in page if isinstance(r, Episode)],
        checkins=[r for r in page if isinstance(r, CheckIn)],
        treatments=[r for r in page if isinstance(r, Treatment)],
        investigations=[r for r in page if isinstance(r, Investigation)],
        function_checks=[r for r in page if isinstance(r, FunctionCheck)],
        cursor=cursor,
        has_more=len(merged) > limit,
    )
