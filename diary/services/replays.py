"""A create sent again: a client that chose the episode's id may send the same create twice (a
retry after a lost answer, a double tap, two tabs). The one decision on what is stored under that
id, for the API's POST, the logging page and sync's push."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from diary.models import (
    Episode,
    profile_zone,
)

from .episode_input import EpisodeInput, utc_offset_minutes_at
from .episodes import IdTaken, WrittenEpisode, episode_create_from, episode_input, normalized


def episode_matches(episode: Episode, data: EpisodeInput, zone: ZoneInfo) -> bool:
    """Whether `data` describes exactly the stored episode: a replayed create is recognised by
    this. Expects the episode's locations, triggers and symptoms prefetched."""
    offset = data.utc_offset_minutes
    if offset is None and isinstance(data.started_at, datetime):
        offset = utc_offset_minutes_at(data.started_at, zone)
    stored = replace(episode_input(episode), source=data.source)
    return normalized(stored) == normalized(replace(data, utc_offset_minutes=offset, id=episode.id))


class Replay(Enum):
    """What a create with a client's id means, given what is stored under that id."""

    NEW = "new"  # nothing is: create it
    SAME = "same"  # the user's live episode with this content: answer it, write nothing
    DIFFERENT = "different"  # the user's live episode with other content
    DELETED = "deleted"  # the user's episode, deleted: a replay does not bring it back
    NOT_YOURS = "not_yours"  # another user's episode: say only that the id is in use


def replay_outcome(stored: Episode | None, data: EpisodeInput, *, user: User, zone: ZoneInfo) -> Replay:
    """The one decision on a create whose id may exist, for the API's POST and sync's push
    alike. Expects `stored` with its children prefetched."""
    if stored is None:
        return Replay.NEW
    if stored.user_id != user.pk:
        return Replay.NOT_YOURS
    if stored.deleted_at is not None:
        return Replay.DELETED
    return Replay.SAME if episode_matches(stored, data, zone) else Replay.DIFFERENT


@dataclass(frozen=True)
class Replayed:
    """What a create whose id was taken met under that id (episode_replay)."""

    outcome: Replay
    episode: Episode | None  # the user's stored episode (children prefetched), if any

    @property
    def same(self) -> Episode | None:
        """The stored episode when the create was the same one again, to answer as created;
        None when it is refused, for the reason `outcome` gives."""
        return self.episode if self.outcome is Replay.SAME else None


def episode_replay(*, user: User, data: EpisodeInput) -> Replayed:
    """Answer a create whose id was taken (episode_create_from raised IdTaken): reads what is
    stored under the id and decides with replay_outcome. Writes nothing."""
    if data.id is None:  # a create without an id cannot have been taken
        raise ValueError("episode_replay() needs the id of the create it answers.")
    # With its owner's profile, no query more: replay_outcome uses the zone only when the
    # owner is `user`, and then that profile is the user's.
    stored = (
        Episode.objects.filter(pk=data.id)
        .select_related("user__diary_profile")
        .prefetch_related("locations__region", "triggers", "symptoms")
        .first()
    )
    owner = getattr(stored.user, "diary_profile", None) if stored is not None else None
    outcome = replay_outcome(stored, data, user=user, zone=profile_zone(owner))
    return Replayed(outcome, stored if outcome is not Replay.NOT_YOURS else None)


def episode_create_or_replay(*, user: User, data: EpisodeInput) -> WrittenEpisode | Replayed:
    """Create one episode, or answer a create sent again: the one way the API's POST and the
    logging page create (sync's push decides a batch with the same replay_outcome). When an
    episode already has `data.id` (a retry, a double tap, or its twin committed a moment ago),
    nothing is written and the answer says what is stored there: the same episode, which the
    caller answers as created (Replayed.same), or why the create is refused. Raises
    ValidationError with field errors, unless the id was taken: a retry comes first."""
    try:
        return episode_create_from(user=user, data=data)
    except IdTaken:
        return episode_replay(user=user, data=data)
