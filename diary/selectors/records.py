"""A user's records as they are stored: what the account's export writes (tracker.account.export,
which shows each as the API does), what a report's FHIR Bundle reads of the treatments, tests and
function checks, and what the account's erasure looks for in the admin's log.

Streamed: the episodes are read in chunks as the caller writes them out, and their locations,
trigger and symptom codes by three queries over the whole diary (or range), joined in a dict,
so 100,000 episodes cost their rows and nothing quadratic."""

import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet

from diary.models import CheckIn, Episode, EpisodeLocation, FunctionCheck, Investigation, Treatment
from diary.selectors.read import utc_bounds
from diary.services import EpisodeChildren

CHUNK = 2000


def account_episodes(*, user: User) -> Iterator[tuple[Episode, EpisodeChildren]]:
    """Every episode of the user, tombstones included, oldest first, each with its locations (in
    the order logged) and its codes (sorted). The children are read now, the episodes as they
    are iterated: four queries."""
    children = _children(EpisodeLocation.objects.filter(episode__user=user), {"episode__user": user})
    return _with_children(Episode.objects.filter(user=user), children)


def range_episodes(
    *, user: User, date_from: date, date_to: date, ids: set[str]
) -> Iterator[tuple[Episode, EpisodeChildren]]:
    """The user's live episodes of `ids` (a report's: it has decided which local dates are in),
    oldest first, with their children: read within UTC bounds a little wider than the range
    (any offset), four queries."""
    bounds = utc_bounds(date_from, date_to)
    live = {"episode__user": user, "episode__deleted_at": None, **{f"episode__{k}": v for k, v in bounds.items()}}
    children = _children(EpisodeLocation.objects.filter(**live), live)
    return (
        (episode, known)
        for episode, known in _with_children(Episode.live.filter(user=user, **bounds), children)
        if str(episode.id) in ids
    )


def account_checkins(*, user: User) -> Iterator[CheckIn]:
    """Every check-in of the user, tombstones included, oldest first."""
    return CheckIn.objects.filter(user=user).order_by("date").iterator(chunk_size=CHUNK)


def range_checkins(*, user: User, date_from: date, date_to: date) -> Iterator[CheckIn]:
    """The user's live check-ins from `date_from` to `date_to` (both included), oldest first."""
    checkins = CheckIn.live.filter(user=user, date__gte=date_from, date__lte=date_to)
    return checkins.order_by("date").iterator(chunk_size=CHUNK)


def account_treatments(*, user: User) -> Iterator[Treatment]:
    """Every treatment of the user, tombstones included, oldest first."""
    return Treatment.objects.filter(user=user).order_by("started_on", "id").iterator(chunk_size=CHUNK)


def account_investigations(*, user: User) -> Iterator[Investigation]:
    """Every investigation (test done) of the user, tombstones included, oldest first."""
    return Investigation.objects.filter(user=user).order_by("done_on", "id").iterator(chunk_size=CHUNK)


def account_function_checks(*, user: User) -> Iterator[FunctionCheck]:
    """Every weekly function check of the user, tombstones included, oldest first."""
    return FunctionCheck.objects.filter(user=user).order_by("date").iterator(chunk_size=CHUNK)


def range_treatments(*, user_id: int, date_from: date, date_to: date) -> Iterator[Treatment]:
    """The user's live treatments that overlap [date_from, date_to] (local dates, both included):
    started by the range's end, and still going or stopped within or after it. Oldest first."""
    overlapping = Treatment.live.filter(user_id=user_id, started_on__lte=date_to).exclude(stopped_on__lt=date_from)
    return overlapping.order_by("started_on", "id").iterator(chunk_size=CHUNK)


def range_investigations(*, user_id: int, date_from: date, date_to: date) -> Iterator[Investigation]:
    """The user's live investigations done from `date_from` to `date_to` (both included)."""
    done = Investigation.live.filter(user_id=user_id, done_on__gte=date_from, done_on__lte=date_to)
    return done.order_by("done_on", "id").iterator(chunk_size=CHUNK)


def range_function_checks(*, user_id: int, date_from: date, date_to: date) -> Iterator[FunctionCheck]:
    """The user's live function checks from `date_from` to `date_to` (both included)."""
    checks = FunctionCheck.live.filter(user_id=user_id, date__gte=date_from, date__lte=date_to)
    return checks.order_by("date").iterator(chunk_size=CHUNK)


# Every model of a user's diary records, as record_ids answers them.
RECORD_MODELS: tuple[type[Model], ...] = (Episode, CheckIn, Treatment, Investigation, FunctionCheck)


def record_ids(*, user: User) -> dict[type[Model], set[str]]:
    """The ids of every record of the user (episodes, check-ins, treatments, investigations and
    function checks), tombstones included, by model, as text (as the admin's log names an
    object): one query a model."""
    return {
        model: {str(pk) for pk in model._default_manager.filter(user=user).values_list("pk", flat=True)}
        for model in RECORD_MODELS
    }


Children = tuple[dict[int, list[tuple[str, str]]], dict[int, list[str]], dict[int, list[str]]]


def _children(locations: QuerySet[EpisodeLocation], through_filter: dict[str, Any]) -> Children:
    """Every episode's locations (in their stored order), trigger and symptom codes, by the
    episode id's integer: three queries for the whole diary."""
    by_location: dict[int, list[tuple[str, str]]] = {}
    for episode_id, region, side in locations.order_by("id").values_list("episode_id", "region__code", "side"):
        by_location.setdefault(episode_id.int, []).append((region, side))
    return (
        by_location,
        _codes(Episode.triggers.through.objects.filter(**through_filter).values_list("episode_id", "trigger__code")),
        _codes(Episode.symptoms.through.objects.filter(**through_filter).values_list("episode_id", "symptom__code")),
    )


def _codes(rows: Iterable[tuple[uuid.UUID, str]]) -> dict[int, list[str]]:
    by_episode: dict[int, list[str]] = {}
    for episode_id, code in rows:
        by_episode.setdefault(episode_id.int, []).append(code)
    return by_episode


def _with_children(episodes: QuerySet[Episode], children: Children) -> Iterator[tuple[Episode, EpisodeChildren]]:
    locations, triggers, symptoms = children
    for episode in episodes.order_by("started_at", "id").iterator(chunk_size=CHUNK):
        key = episode.id.int
        yield (
            episode,
            EpisodeChildren(
                locations=locations.get(key, []),
                triggers=sorted(triggers.get(key, [])),
                symptoms=sorted(symptoms.get(key, [])),
            ),
        )
