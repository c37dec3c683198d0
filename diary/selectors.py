"""Reads of diary data that views, tasks and the admin share."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from diary.models import CheckIn, Episode, Profile


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
    return get_object_or_404(episode_list(user=user), pk=id)


def checkin_list(*, user: User) -> QuerySet[CheckIn]:
    return CheckIn.live.filter(user=user).order_by("-date")


def checkin_get(*, user: User, day: date) -> CheckIn:
    return get_object_or_404(checkin_list(user=user), date=day)


def user_zone(user: User) -> ZoneInfo:
    """The user's time zone (UTC until the profile says otherwise)."""
    profile = Profile.objects.filter(user=user).only("time_zone").first()
    return profile.zone if profile else ZoneInfo("UTC")
