"""The database itself refuses out-of-bounds rows, even when a write bypasses the services."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from conditions.models import BodyRegion
from diary.models import CheckIn, Episode, EpisodeLocation

STARTED = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("UTC"))


def raw_episode(user: User, change_seq: int = 1, **overrides: Any) -> Episode:
    fields = {
        "user": user,
        "started_at": STARTED,
        "utc_offset_minutes": 0,
        "duration_seconds": 30,
        "intensity": 3,
        "pattern": "single_twitch",
        "change_seq": change_seq,
        **overrides,
    }
    return Episode.objects.create(**fields)


def raw_checkin(user: User, change_seq: int = 1, **overrides: Any) -> CheckIn:
    return CheckIn.objects.create(user=user, date=date(2026, 11, 2), change_seq=change_seq, **overrides)


@pytest.mark.parametrize(
    "overrides",
    [
        {"duration_seconds": 0},
        {"duration_seconds": 7 * 24 * 3600 + 1},
        {"intensity": 0},
        {"intensity": 11},
        {"pattern": "sneeze"},
        {"source": "fax"},
        {"utc_offset_minutes": 15 * 60},
        {"notes": "x" * 2001},
        {"version": 0},
        {"duration_seconds": None},  # ended, without a duration
        {"ongoing": True},  # still going, with a duration
        {"ongoing": True, "duration_seconds": 0},
    ],
)
def test_it_refuses_an_episode_out_of_bounds(alice: User, overrides: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_episode(alice, **overrides)
    assert not Episode.objects.exists()


def test_it_stores_an_episode_still_going_without_a_duration(alice: User) -> None:
    raw_episode(alice, ongoing=True, duration_seconds=None)
    assert Episode.objects.get().ended_at is None


def test_it_accepts_an_episode_at_the_bounds(alice: User) -> None:
    raw_episode(alice, duration_seconds=7 * 24 * 3600, intensity=10, notes="x" * 2000)
    raw_episode(alice, change_seq=2, duration_seconds=1, intensity=1, utc_offset_minutes=-12 * 60)
    assert Episode.objects.count() == 2


def test_it_refuses_two_changes_with_one_number(alice: User) -> None:
    raw_episode(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_episode(alice)


@pytest.mark.parametrize(
    "overrides",
    [
        {"stress": 11},
        {"sleep_hours": 24.5},
        {"sleep_hours": -1},
        {"caffeine_cups": 31},
        {"exercise_minutes": 24 * 60 + 1},
        {"alcohol_units": -0.5},
        {"notes": "x" * 2001},
    ],
)
def test_it_refuses_a_checkin_out_of_bounds(alice: User, overrides: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_checkin(alice, **overrides)
    assert not CheckIn.objects.exists()


def test_it_allows_one_checkin_per_user_and_date(alice: User, bob: User) -> None:
    raw_checkin(alice)
    raw_checkin(bob)  # another user, same date: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_checkin(alice, change_seq=2)


def test_it_allows_a_region_once_per_episode_with_a_known_side(alice: User) -> None:
    episode = raw_episode(alice)
    calf = BodyRegion.objects.get(code="calf")
    EpisodeLocation.objects.create(episode=episode, region=calf, side="left")
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeLocation.objects.create(episode=episode, region=calf, side="right")
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeLocation.objects.create(episode=episode, region=BodyRegion.objects.get(code="thigh"), side="up")
