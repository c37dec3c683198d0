"""Reads of diary data that views, tasks and the admin share."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from diary.models import CheckIn, Episode


def episode_list(*, user: User) -> QuerySet[Episode]:
    """A user's live episodes, newest first. A page of them, with its locations, regions,
    triggers and symptoms, costs five queries however many rows and tags it holds."""
    return (
        Episode.live.filter(user=user)
        .order_by("-started_at", "-id")
        .prefetch_related("locations__region", "triggers", "symptoms")
    )


def checkin_list(*, user: User) -> QuerySet[CheckIn]:
    return CheckIn.live.filter(user=user).order_by("-date")
