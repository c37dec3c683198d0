"""Factories with fixed, boring defaults. Episodes and check-ins are made through the services,
as everything else makes them."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import User

from diary.models import CheckIn, Episode, Profile
from diary.services import EpisodeInput, LocationInput, checkin_upsert, episode_create, episodes_bulk_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class EpisodeFactory(factory.Factory):
    class Meta:
        model = Episode

    user = factory.SubFactory(UserFactory)
    started_at = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("UTC"))
    duration_seconds = 30
    locations = factory.LazyFunction(lambda: [LocationInput("eyelid", "left")])
    intensity = 3
    pattern = "intermittent_bursts"
    triggers: list[str] = []
    symptoms: list[str] = []
    notes = ""

    @classmethod
    def _create(cls, model_class: type[Episode], *args: Any, **kwargs: Any) -> Episode:
        return episode_create(**kwargs)


def make_checkin(user: User, day: date = date(2026, 11, 2), **values: Any) -> CheckIn:
    values = {"caffeine_cups": 2, "sleep_hours": 7.5, "stress": 3, **values}
    checkin, _ = checkin_upsert(user=user, date=day, **values)
    return checkin


def make_legacy_checkin(user: User, day: date, **values: Any) -> CheckIn:
    """A check-in stored before the API refused such dates (e.g. 0001-01-01): written directly,
    with the next change number, as the service of the time wrote it."""
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.last_change_seq += 1
    profile.save(update_fields=["last_change_seq"])
    return CheckIn.objects.create(user=user, date=day, change_seq=profile.last_change_seq, **values)


def write_history(
    user: User,
    count: int,
    *,
    latest: datetime,
    every: timedelta = timedelta(minutes=37),
    region: str = "eyelid",
    side: str = "left",
    **values: Any,
) -> None:
    """`count` alike episodes of `user`, one every `every` back from `latest`, written through the
    bulk service in batches: a history of 10,000 in a few seconds, for the tests that hold a
    page's queries to the same bound whatever the history's size."""
    items = [
        EpisodeInput(
            started_at=latest - every * n,
            duration_seconds=values.get("duration_seconds", 30),
            locations=[LocationInput(region, side)],
            intensity=values.get("intensity", 3),
            pattern=values.get("pattern", "intermittent_bursts"),
            triggers=values.get("triggers", ()),
        )
        for n in range(count)
    ]
    for first in range(0, count, 5000):
        episodes_bulk_create(user=user, items=items[first : first + 5000])
