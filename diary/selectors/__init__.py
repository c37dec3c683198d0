"""Reads of diary data that views, tasks and the admin share."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, F, Model, OuterRef, Q, QuerySet, Value
from django.shortcuts import get_object_or_404

from diary.models import (
    MAX_UTC_OFFSET_MINUTES,
    MIN_UTC_OFFSET_MINUTES,
    CheckIn,
    Episode,
    EpisodeLocation,
    Profile,
    profile_zone,
)
from diary.services import EpisodeChildren
from diary.services.episode_input import ReferenceCodes


@dataclass(frozen=True)
class EpisodeFilters:
    """Which of a user's episodes to list: local dates in the user's time zone (both inclusive),
    and reference codes an episode must carry. None is "any"."""

    date_from: date | None = None
    date_to: date | None = None
    region: str | None = None
    trigger: str | None = None
    symptom: str | None = None


def episode_list(*, user: User, filters: EpisodeFilters | None = None) -> QuerySet[Episode]:
    """A user's live episodes, newest first. A page of them, with its locations, regions,
    triggers and symptoms, costs five queries however many rows and tags it holds; filters add
    one query for the time zone (dates) and one for the reference version (codes: they are kept
    per process), whichever are given.

    An unknown code is a ValidationError naming its field (region, trigger, symptom), raised here
    rather than when the list is read, so that a form or the API answers it as a field error."""
    episodes = (
        Episode.live.filter(user=user)
        .order_by("-started_at", "-id")
        .prefetch_related("locations__region", "triggers", "symptoms")
    )
    if filters is None:
        return episodes
    carrying = _carrying(filters)  # first: an unknown code needs no time zone
    if filters.date_from is not None or filters.date_to is not None:
        start, end = local_day_bounds(filters.date_from, filters.date_to, user_zone(user))
        episodes = episodes.filter(started_at__gte=start) if start else episodes
        episodes = episodes.filter(started_at__lt=end) if end else episodes
    return episodes.filter(*carrying)


def local_day_bounds(first: date | None, last: date | None, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """The instants from the start of `first` to the end of `last`, both days in `zone`."""
    start = datetime.combine(first, time(0), tzinfo=zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone) if last else None
    return start, end


# Each code filter: the rows that tie an episode to a tag, and their column naming the tag.
_TAGS: dict[str, tuple[type[Model], str]] = {
    "region": (EpisodeLocation, "region_id"),
    "trigger": (Episode.triggers.through, "trigger_id"),
    "symptom": (Episode.symptoms.through, "symptom_id"),
}


def _carrying(filters: EpisodeFilters) -> list[Exists]:
    """A condition per code filter: the episode carries that tag. EXISTS rather than a join, so
    that an episode is listed once whatever it carries, and the page still walks the index
    episode_user_live_started newest first, probing each tag table's (episode, tag) index."""
    conditions = []
    for kind, tag_id in _tag_ids(filters).items():
        links, column = _TAGS[kind]
        conditions.append(Exists(links._default_manager.filter(Q(episode_id=OuterRef("pk")), **{column: tag_id})))
    return conditions


def _tag_ids(filters: EpisodeFilters) -> dict[str, int]:
    """The ids of the filters' codes by kind, from the codes the write path validates against
    (kept per process and reference version: the one query of the version). Unknown codes are
    a ValidationError with a message per field that lists the codes allowed there."""
    wanted = {"region": filters.region, "trigger": filters.trigger, "symptom": filters.symptom}
    given = {kind: code for kind, code in wanted.items() if code is not None}
    if not given:
        return {}
    codes = ReferenceCodes.load()
    known: dict[str, dict[str, int]] = {
        "region": {code: region.pk for code, region in codes.regions.items()},
        "trigger": codes.triggers,
        "symptom": codes.symptoms,
    }
    unknown = {kind: code for kind, code in given.items() if code not in known[kind]}
    if unknown:
        raise ValidationError(
            {
                kind: f"Unknown {kind} code {code!r}. Allowed: {', '.join(sorted(known[kind]))}."
                for kind, code in unknown.items()
            }
        )
    return {kind: known[kind][code] for kind, code in given.items()}


def ongoing_episodes(*, user: User) -> QuerySet[Episode]:
    """The user's live episodes still going, newest first (the index episode_user_ongoing holds
    just these), with what is needed to say since when."""
    return (
        Episode.live.filter(user=user, ongoing=True)
        .order_by("-started_at", "-id")
        .only("id", "user_id", "started_at", "utc_offset_minutes", "ongoing")
    )


def episode_get(*, user: User, id: Any) -> Episode:
    """One of the user's live episodes; anyone else's, or a deleted one, is a 404."""
    return get_object_or_404(Episode.live.filter(user=user), pk=id)


def episode_detail(*, user: User, id: Any) -> tuple[Episode, EpisodeChildren]:
    """One of the user's live episodes with its locations and codes: two queries."""
    episode = episode_get(user=user, id=id)
    return episode, episode_children(episode.pk)


def episode_children(episode_id: Any) -> EpisodeChildren:
    """An episode's locations (in the order logged) and codes, in one query: the three child
    tables' rows as one UNION ALL, told apart by a kind column. (Prefetching them would cost
    four: locations, their regions, triggers, symptoms.)"""
    kind: CharField[str, str] = CharField()
    locations = EpisodeLocation.objects.filter(episode_id=episode_id).annotate(
        kind=Value("location", kind), code=F("region__code")
    )
    triggers = Episode.triggers.through.objects.filter(episode_id=episode_id).annotate(
        kind=Value("trigger", kind), code=F("trigger__code"), side=Value("", kind)
    )
    symptoms = Episode.symptoms.through.objects.filter(episode_id=episode_id).annotate(
        kind=Value("symptom", kind), code=F("symptom__code"), side=Value("", kind)
    )
    columns = ("kind", "code", "side", "id")
    rows = sorted(
        locations.order_by()
        .values_list(*columns)
        .union(triggers.order_by().values_list(*columns), symptoms.order_by().values_list(*columns), all=True),
        key=lambda row: (row[0], row[3]),
    )
    return EpisodeChildren(
        locations=[(code, side) for kind, code, side, _ in rows if kind == "location"],
        triggers=sorted(code for kind, code, _, _ in rows if kind == "trigger"),
        symptoms=sorted(code for kind, code, _, _ in rows if kind == "symptom"),
    )


@dataclass(frozen=True)
class CheckInFilters:
    """Which of a user's check-ins to list: dates from and to, both inclusive. None is "any"."""

    date_from: date | None = None
    date_to: date | None = None


def checkin_list(*, user: User, filters: CheckInFilters | None = None) -> QuerySet[CheckIn]:
    checkins = CheckIn.live.filter(user=user).order_by("-date")
    if filters is not None and filters.date_from is not None:
        checkins = checkins.filter(date__gte=filters.date_from)
    if filters is not None and filters.date_to is not None:
        checkins = checkins.filter(date__lte=filters.date_to)
    return checkins


def checkin_get(*, user: User, day: date) -> CheckIn:
    return get_object_or_404(checkin_list(user=user), date=day)


def user_zone(user: User) -> ZoneInfo:
    """The user's time zone (UTC until the profile says otherwise: profile_zone). One query."""
    return user_id_zone(user.pk)


def user_id_zone(user_id: int) -> ZoneInfo:
    """user_zone for a caller that holds the user's id (a task, say), not the user."""
    return profile_zone(Profile.objects.filter(pk=user_id).only("time_zone").first())


def episode_count_on(*, user: User, day: date) -> int:
    """How many live episodes the user logged on `day`, each episode's day being the one on its
    own clock (its logged offset), as the history groups them and the analysis counts days.
    One query: the instants that fall on `day` at some offset, then each one's own day."""
    start = datetime.combine(day, time(0), tzinfo=timezone(timedelta(minutes=MAX_UTC_OFFSET_MINUTES)))
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=timezone(timedelta(minutes=MIN_UTC_OFFSET_MINUTES)))
    near = Episode.live.filter(user=user, started_at__gte=start, started_at__lt=end).only(
        "started_at", "utc_offset_minutes"
    )
    return sum(1 for episode in near if episode.local_date == day)


# The logging forms offer the places of the latest episodes as one-tap chips: at most this many
# places, drawn from at most RECENT_EPISODES episodes.
RECENT_PLACES = 6
RECENT_EPISODES = 30


@dataclass(frozen=True)
class LastEpisode:
    """What "Same as last time" copies: the places, how long and how strong (not the rest)."""

    locations: list[tuple[str, str]]  # (region code, side)
    duration_seconds: int | None
    ongoing: bool
    intensity: int


@dataclass(frozen=True)
class RecentPlaces:
    locations: list[tuple[str, str]]  # (region code, side), the most recent first, no repeats
    last: LastEpisode | None


def recent_places(*, user: User) -> RecentPlaces:
    """The places of the user's latest live episodes, newest first, and the latest episode's
    own: one query over the locations of the last RECENT_EPISODES episodes."""
    latest = Episode.live.filter(user=user).order_by("-started_at", "-id").values("id")[:RECENT_EPISODES]
    rows = (
        EpisodeLocation.objects.filter(episode__in=latest)
        .order_by("-episode__started_at", "-episode_id", "region__code", "side")
        .values_list(
            "episode_id", "region__code", "side", "episode__duration_seconds", "episode__ongoing", "episode__intensity"
        )
    )
    places: list[tuple[str, str]] = []
    last: LastEpisode | None = None
    last_id = None
    for episode_id, region, side, seconds, ongoing, intensity in rows:
        if last is None:
            last, last_id = LastEpisode([], seconds, ongoing, intensity), episode_id
        if episode_id == last_id:
            last.locations.append((region, side))
        if (region, side) not in places:
            places.append((region, side))
    return RecentPlaces(places, last)
