"""Reads of diary data that views, tasks and the admin share."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db.models import CharField, F, QuerySet, Value
from django.shortcuts import get_object_or_404

from diary.models import CheckIn, Episode, EpisodeLocation, Profile
from diary.services import EpisodeChildren


def episode_list(*, user: User) -> QuerySet[Episode]:
    """A user's live episodes, newest first. A page of them, with its locations, regions,
    triggers and symptoms, costs five queries however many rows and tags it holds."""
    return (
        Episode.live.filter(user=user)
        .order_by("-started_at", "-id")
        .prefetch_related("locations__region", "triggers", "symptoms")
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


def checkin_list(*, user: User) -> QuerySet[CheckIn]:
    return CheckIn.live.filter(user=user).order_by("-date")


def checkin_get(*, user: User, day: date) -> CheckIn:
    return get_object_or_404(checkin_list(user=user), date=day)


def user_zone(user: User) -> ZoneInfo:
    """The user's time zone (UTC until the profile says otherwise)."""
    profile = Profile.objects.filter(user=user).only("time_zone").first()
    return profile.zone if profile else ZoneInfo("UTC")
