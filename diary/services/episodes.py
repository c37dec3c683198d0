"""Writing episodes: create, bulk create, update, end, delete, restore. The one way to write an episode.

An episode may be still going (`ongoing`): it then has no duration, never a made-up one, until it
ends. Ending it "now" (episode_end, or an edit that sets `ongoing` false without a duration)
gives it the time from its start until now, at least a second. One that started longer ago than
an episode can last (MAX_DURATION_SECONDS) is not ended so: that duration would be as made up as
a capped one, so the person is asked for the duration instead. It stays still going meanwhile,
however old: nothing ends an episode but the person."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from diary.models import (
    MAX_DURATION_SECONDS,
    Episode,
    EpisodeLocation,
    EpisodeSource,
)

from .episode_input import (
    EpisodeInput,
    LocationInput,
    ReferenceCodes,
    dedupe,
    episode_errors,
    utc_offset_minutes_at,
)
from .records import (
    STAMPED_FIELDS,
    FieldErrors,
    Write,
    check_version,
    claim_change_seqs,
    lock_profile,
    soft_delete,
    stamp_changes,
)


class IdTaken(Exception):
    def __init__(self, ids: set[uuid.UUID]) -> None:
        super().__init__(f"Episode id(s) already taken: {', '.join(map(str, sorted(ids)))}")
        self.ids = ids


@dataclass(frozen=True)
class EpisodeChildren:
    """An episode's locations and codes as the API shows them, known without a query when
    the service has just written them."""

    locations: list[tuple[str, str]]  # (region code, side)
    triggers: list[str]
    symptoms: list[str]

    @classmethod
    def of(cls, data: EpisodeInput) -> "EpisodeChildren":
        return cls(
            locations=[(loc.region, loc.side) for loc in data.locations],
            triggers=sorted(set(data.triggers)),
            symptoms=sorted(set(data.symptoms)),
        )


@dataclass
class EpisodeRows:
    """The unsaved child rows of a batch of valid episodes (see `episode_rows`)."""

    locations: list[EpisodeLocation] = field(default_factory=list)
    triggers: list[Any] = field(default_factory=list)
    symptoms: list[Any] = field(default_factory=list)

    def insert(self, batch_size: int = 2000) -> None:
        EpisodeLocation.objects.bulk_create(self.locations, batch_size=batch_size)
        Episode.triggers.through.objects.bulk_create(self.triggers, batch_size=batch_size)
        Episode.symptoms.through.objects.bulk_create(self.symptoms, batch_size=batch_size)

    def drop(self, ids: set[uuid.UUID]) -> None:
        """Forget the child rows of these episodes (they will not be written)."""
        self.locations = [row for row in self.locations if row.episode_id not in ids]
        self.triggers = [row for row in self.triggers if row.episode_id not in ids]
        self.symptoms = [row for row in self.symptoms if row.episode_id not in ids]


def episode_rows(
    episode: Episode, data: EpisodeInput, *, codes: ReferenceCodes, zone: ZoneInfo, rows: EpisodeRows
) -> None:
    """Give `episode` (new, or stored and being rewritten) the content of `data`, which is
    valid, and add its child rows to `rows`. Its bookkeeping is stamp_changes()'s."""
    offset = data.utc_offset_minutes
    episode.started_at = data.started_at
    episode.utc_offset_minutes = utc_offset_minutes_at(data.started_at, zone) if offset is None else offset
    episode.ongoing = data.ongoing
    episode.duration_seconds = data.duration_seconds
    episode.intensity = data.intensity
    episode.pattern = data.pattern
    episode.notes = data.notes
    rows.locations += [
        EpisodeLocation(episode=episode, region=codes.regions[loc.region], side=loc.side) for loc in data.locations
    ]
    rows.triggers += [
        Episode.triggers.through(episode_id=episode.id, trigger_id=codes.triggers[code])
        for code in dedupe(data.triggers)
    ]
    rows.symptoms += [
        Episode.symptoms.through(episode_id=episode.id, symptom_id=codes.symptoms[code])
        for code in dedupe(data.symptoms)
    ]


def new_episode(user: User, data: EpisodeInput) -> Episode:
    """An unsaved episode with the identity of `data`; episode_rows() gives it its content."""
    return Episode(id=data.id or uuid.uuid4(), user=user, source=data.source)


def episode_to_rewrite(stored: Episode) -> Episode:
    """A fresh instance of a stored episode, for episode_rows() to give a new content: the
    stored one may hold its old locations and codes prefetched, which would answer stale."""
    return Episode(
        id=stored.id,
        user_id=stored.user_id,
        source=stored.source,
        created_at=stored.created_at,
        version=stored.version,
        change_seq=stored.change_seq,
    )


# What an edit rewrites: the episode's content and the bookkeeping every change carries.
EPISODE_REWRITE_FIELDS = [
    "started_at",
    "utc_offset_minutes",
    "ongoing",
    "duration_seconds",
    "intensity",
    "pattern",
    "notes",
    "version",
    "change_seq",
    "updated_at",
]


def rewrite_episodes(episodes: Sequence[Episode]) -> None:
    """Store the new content of existing episodes and drop their locations and tags, which the
    caller then inserts afresh (EpisodeRows.insert, one insert per table for a batch)."""
    Episode.objects.bulk_update(episodes, EPISODE_REWRITE_FIELDS)
    ids = [episode.id for episode in episodes]
    EpisodeLocation.objects.filter(episode_id__in=ids).delete()
    Episode.triggers.through.objects.filter(episode_id__in=ids).delete()
    Episode.symptoms.through.objects.filter(episode_id__in=ids).delete()


def taken_ids(ids: Iterable[uuid.UUID | None]) -> set[uuid.UUID]:
    """Which of these ids an episode (anyone's) already has."""
    wanted = [i for i in ids if i is not None]
    return set(Episode.objects.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()


@dataclass(frozen=True)
class WrittenEpisode:
    """An episode as a create stored it, with its children, to answer without reading back."""

    episode: Episode
    children: EpisodeChildren


def episodes_bulk_create(*, user: User, items: Sequence[EpisodeInput], batch_size: int = 2000) -> list[Episode]:
    """Create many episodes in a few queries. All or nothing: if any item is invalid, nothing
    is written and the ValidationError's fields are prefixed with the item's index. Raises
    IdTaken if an episode (anyone's) already has one of the ids, whether it was there before
    or a concurrent create committed it a moment ago."""
    return [written.episode for written in _create(user, items, batch_size)]


def _create(user: User, items: Sequence[EpisodeInput], batch_size: int = 2000) -> list[WrittenEpisode]:
    # No read of the ids beforehand: the insert finds a taken one, and only then (after the
    # rollback) is it worth a query to say which.
    try:
        return _insert_new(user, items, batch_size)
    except (IntegrityError, ValidationError):
        taken = taken_ids(item.id for item in items)
        if taken:  # a retried create: that comes first, whatever else is wrong with it
            raise IdTaken(taken) from None
        raise


@transaction.atomic
def _insert_new(user: User, items: Sequence[EpisodeInput], batch_size: int) -> list[WrittenEpisode]:
    now = timezone.now()
    codes = ReferenceCodes.load()
    errors = FieldErrors()
    for index, item in enumerate(items):
        for name, messages in episode_errors(item, codes, now=now).errors.items():
            for message in messages:
                errors.add(f"{index}.{name}", message)
    errors.raise_if_any()
    claim = claim_change_seqs(user.pk, len(items))
    episodes, rows = [new_episode(user, item) for item in items], EpisodeRows()
    for episode, item in zip(episodes, items, strict=True):
        episode_rows(episode, item, codes=codes, zone=claim.zone, rows=rows)
    stamp_changes(episodes, write=Write.CREATE, claim=claim, now=now)
    Episode.objects.bulk_create(episodes, batch_size=batch_size)
    rows.insert(batch_size)
    return [WrittenEpisode(e, EpisodeChildren.of(item)) for e, item in zip(episodes, items, strict=True)]


def episode_create(
    *,
    user: User,
    started_at: datetime,
    locations: Sequence[LocationInput],
    intensity: int,
    pattern: str | None = None,
    duration_seconds: int | None = None,
    ongoing: bool = False,
    triggers: Sequence[str] = (),
    symptoms: Sequence[str] = (),
    notes: str = "",
    utc_offset_minutes: int | None = None,
    id: uuid.UUID | None = None,
    source: str = EpisodeSource.WEB,
) -> Episode:
    data = EpisodeInput(
        started_at=started_at,
        duration_seconds=duration_seconds,
        ongoing=ongoing,
        locations=locations,
        intensity=intensity,
        pattern=pattern,
        triggers=triggers,
        symptoms=symptoms,
        notes=notes,
        utc_offset_minutes=utc_offset_minutes,
        id=id,
        source=source,
    )
    return episode_create_from(user=user, data=data).episode


def episode_create_from(*, user: User, data: EpisodeInput) -> WrittenEpisode:
    """Create one episode; answer it with its children as written. Raises ValidationError with
    field errors, or IdTaken if an episode already has `data.id` (a create sent again, which
    episode_create_or_replay answers). Costs the reference version's read, the change
    number's claim and one insert per table: no savepoint, no read-back."""
    try:
        [written] = _create(user, [data])
    except ValidationError as error:
        # A single create reports `started_at`, not the bulk form `0.started_at`.
        raise ValidationError({key.removeprefix("0."): value for key, value in error.message_dict.items()}) from None
    return written


def episode_input(episode: Episode) -> EpisodeInput:
    """The stored episode in input form, for merging a partial update into it."""
    return EpisodeInput(
        started_at=episode.started_at,
        duration_seconds=episode.duration_seconds,
        locations=[LocationInput(loc.region.code, loc.side) for loc in episode.locations.all()],
        intensity=episode.intensity,
        pattern=episode.pattern,
        triggers=[t.code for t in episode.triggers.all()],
        symptoms=[s.code for s in episode.symptoms.all()],
        notes=episode.notes,
        utc_offset_minutes=episode.utc_offset_minutes,
        id=episode.id,
        source=episode.source,
        ongoing=episode.ongoing,
    )


EDITABLE_FIELDS = frozenset(
    {
        "started_at",
        "ongoing",
        "duration_seconds",
        "locations",
        "intensity",
        "pattern",
        "triggers",
        "symptoms",
        "notes",
        "utc_offset_minutes",
    }
)


def normalized(data: EpisodeInput) -> EpisodeInput:
    """The same episode with its lists in a canonical order, for comparing content."""
    return replace(
        data,
        locations=sorted(data.locations, key=lambda loc: (loc.region, loc.side)),
        triggers=sorted(set(data.triggers)),
        symptoms=sorted(set(data.symptoms)),
    )


@transaction.atomic
def episode_update(*, episode: Episode, expected_version: int | None = None, **changes: Any) -> Episode:
    """Apply a partial edit. Raises StaleVersion if `expected_version` is not the stored one,
    Episode.DoesNotExist if the episode was deleted, ValidationError on bad input. An edit that
    changes nothing leaves the version as it was."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"episode_update() got unexpected fields: {', '.join(sorted(unknown))}")
    lock_profile(episode.user)  # the version is read, then written: no other write in between
    current = Episode.live.prefetch_related("locations__region", "triggers", "symptoms").get(pk=episode.pk)
    check_version(current=current.version, expected=expected_version)
    before = episode_input(current)
    if "started_at" in changes and "utc_offset_minutes" not in changes:
        changes["utc_offset_minutes"] = None  # re-derive it for the new start
    now = timezone.now()
    after = _with_end(before, replace(before, **changes), changes, now)
    codes = ReferenceCodes.load()
    episode_errors(after, codes, now=now).raise_if_any()
    if normalized(before) == normalized(after):
        return current
    claim = claim_change_seqs(current.user_id, 1)
    edited, rows = episode_to_rewrite(current), EpisodeRows()
    episode_rows(edited, after, codes=codes, zone=claim.zone, rows=rows)
    stamp_changes([edited], write=Write.EDIT, claim=claim, now=now)
    rewrite_episodes([edited])
    rows.insert()
    return edited


def _with_end(before: EpisodeInput, after: EpisodeInput, changes: dict[str, Any], now: datetime) -> EpisodeInput:
    """The edit's meaning for the duration when it changes `ongoing` and says no duration: an
    episode still going that ends lasted until now; one going again has no duration yet."""
    if "duration_seconds" in changes or after.ongoing is before.ongoing:
        return after
    if after.ongoing is True:
        return replace(after, duration_seconds=None)
    if after.ongoing is False and isinstance(after.started_at, datetime):
        return replace(after, duration_seconds=duration_until(after.started_at, now))
    return after


def duration_until(started_at: datetime, now: datetime) -> int:
    """How long an episode still going has lasted when it ends now: at least a second (a start
    the phone's fast clock put a moment ahead never makes it negative). Raises ValidationError
    when that is longer than an episode can last: a capped duration would be made up too."""
    seconds = max(1, int((now - started_at).total_seconds()))
    if seconds > MAX_DURATION_SECONDS:
        days = MAX_DURATION_SECONDS // (24 * 3600)
        raise ValidationError(
            {
                "duration_seconds": [
                    f"It started more than {days} days ago, longer than an episode can last: "
                    "say how long it lasted instead of ending it now."
                ]
            }
        )
    return seconds


def episode_end(*, episode: Episode, expected_version: int | None = None) -> Episode:
    """ "It stopped now": the episode still going lasted from its start until now. Ending one
    that has ended changes nothing (a second tap, a resent form): the first end stands. Raises
    what episode_update raises, and ValidationError when it started too long ago to end now
    (see duration_until)."""
    return episode_update(episode=episode, expected_version=expected_version, ongoing=False)


@transaction.atomic
def episode_delete(*, episode: Episode, expected_version: int | None = None) -> Episode:
    """Soft delete: the row stays as a tombstone that sync pulls report. Deleting a deleted
    episode changes nothing."""
    return soft_delete(episode, expected_version=expected_version)


@transaction.atomic
def episode_restore(*, user: User, episode_id: uuid.UUID) -> Episode:
    """Bring back one of the user's deleted episodes (the history's undo): an edit of the
    tombstone, so it takes a new version and change number and sync pulls report it live again.
    Restoring a live episode changes nothing. Raises Episode.DoesNotExist when the user has no
    episode with this id (someone else's is not theirs to restore)."""
    lock_profile(user)  # read, then written: no delete or edit of the user's in between
    current = Episode.objects.get(user=user, pk=episode_id)
    if current.deleted_at is None:
        return current
    stamp_changes([current], write=Write.EDIT, claim=claim_change_seqs(user.pk, 1), now=timezone.now())
    current.save(update_fields=STAMPED_FIELDS)
    return current
