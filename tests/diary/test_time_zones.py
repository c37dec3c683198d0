"""Local dates and offsets for users far from UTC, on both sides of a DST change.

Pacific/Auckland leaves DST (+13 -> +12) on 2026-04-05 at 03:00 local.
America/Los_Angeles leaves DST (-07 -> -08) on 2026-11-01 at 02:00 local.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from diary.models import Profile
from diary.services import LocationInput, checkin_upsert, episode_create, profile_update

UTC = ZoneInfo("UTC")


def log_at(user: User, instant: datetime) -> tuple[int, date, str]:
    episode = episode_create(
        user=user,
        started_at=instant,
        duration_seconds=20,
        locations=[LocationInput("eyelid", "right")],
        intensity=3,
        pattern="single_twitch",
    )
    return episode.utc_offset_minutes, episode.local_date, f"{episode.local_started_at:%H:%M}"


@pytest.mark.parametrize(
    ("zone", "instant", "offset", "local_date", "local_time"),
    [
        # Auckland, DST: 21:00 local on Saturday 4 April is 08:00 UTC that day.
        ("Pacific/Auckland", datetime(2026, 4, 4, 8, 0, tzinfo=UTC), 13 * 60, date(2026, 4, 4), "21:00"),
        # Auckland, standard time: 21:00 local on Sunday 5 April is 09:00 UTC.
        ("Pacific/Auckland", datetime(2026, 4, 5, 9, 0, tzinfo=UTC), 12 * 60, date(2026, 4, 5), "21:00"),
        # Auckland: 07:30 local on 6 April is still 5 April in UTC.
        ("Pacific/Auckland", datetime(2026, 4, 5, 19, 30, tzinfo=UTC), 12 * 60, date(2026, 4, 6), "07:30"),
        # Los Angeles, DST: 22:00 local on 31 October is 05:00 UTC on 1 November.
        ("America/Los_Angeles", datetime(2026, 11, 1, 5, 0, tzinfo=UTC), -7 * 60, date(2026, 10, 31), "22:00"),
        # Los Angeles, standard time: 22:00 local on 1 November is 06:00 UTC on 2 November.
        ("America/Los_Angeles", datetime(2026, 11, 2, 6, 0, tzinfo=UTC), -8 * 60, date(2026, 11, 1), "22:00"),
    ],
)
def test_it_records_the_offset_and_local_date_of_the_users_zone(
    alice: User, frozen_now: datetime, zone: str, instant: datetime, offset: int, local_date: date, local_time: str
) -> None:
    profile_update(user=alice, time_zone=zone)
    assert log_at(alice, instant) == (offset, local_date, local_time)


def test_an_offset_written_by_the_phone_wins_over_the_profile_zone(alice: User, frozen_now: datetime) -> None:
    profile_update(user=alice, time_zone="America/Los_Angeles")
    # Travelling in Tokyo: the phone writes its own clock's offset.
    in_tokyo = datetime(2026, 11, 10, 21, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert log_at(alice, in_tokyo) == (9 * 60, date(2026, 11, 10), "21:00")


def test_two_users_far_apart_get_their_own_local_dates_for_one_instant(alice: User, bob: User) -> None:
    profile_update(user=alice, time_zone="Pacific/Auckland")
    profile_update(user=bob, time_zone="America/Los_Angeles")
    instant = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)  # Auckland: 2 Nov 09:00; LA: 1 Nov 12:00
    with time_machine.travel(instant, tick=False):
        assert log_at(alice, instant)[1:] == (date(2026, 11, 2), "09:00")
        assert log_at(bob, instant)[1:] == (date(2026, 11, 1), "12:00")
        assert Profile.objects.get(user=alice).local_today() == date(2026, 11, 2)
        assert Profile.objects.get(user=bob).local_today() == date(2026, 11, 1)


def test_a_checkin_for_the_users_tomorrow_follows_the_users_zone(alice: User) -> None:
    profile_update(user=alice, time_zone="Pacific/Auckland")
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False):  # Auckland: 21 Nov 01:00
        checkin_upsert(user=alice, date=date(2026, 11, 22), stress=2)  # the user's tomorrow: fine
        with pytest.raises(ValidationError):
            checkin_upsert(user=alice, date=date(2026, 11, 23), stress=2)


@pytest.mark.parametrize("bad_zone", ["Mars/Olympus_Mons", "utc+2", "", "Europe/Paris "])
def test_it_refuses_a_zone_that_is_not_iana(alice: User, bad_zone: str) -> None:
    with pytest.raises(ValidationError) as raised:
        profile_update(user=alice, time_zone=bad_zone)
    assert "IANA" in raised.value.message_dict["time_zone"][0]
    assert not Profile.objects.exists()
