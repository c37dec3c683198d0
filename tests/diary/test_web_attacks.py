"""The diary's pages attacked from outside: hostile numbers, replays, a clock going back an
hour. Each answers a clear 4xx or does what was meant, never a 500, and writes nothing else."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diary.models import MAX_DURATION_SECONDS, CheckIn, Episode
from diary.services import profile_update
from tests.diary.test_checkin_pages import filled
from tests.diary.test_log_pages import LOG, only_episode, valid_form
from tests.factories import EpisodeFactory, make_checkin

UTC = ZoneInfo("UTC")


@pytest.fixture
def in_paris(alice: User) -> User:
    profile_update(user=alice, time_zone="Europe/Paris")
    return alice


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e309", "-1e309", "Infinity"])
def test_it_refuses_a_duration_that_is_not_a_finite_number(
    alice_web: Client, in_paris: User, frozen_now: datetime, value: str
) -> None:
    response = alice_web.post(LOG, valid_form(duration_value=value))
    assert response.status_code == 400
    assert response.context["form"].errors["duration"]
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    ("value", "unit"), [(str(MAX_DURATION_SECONDS + 1), "seconds"), ("1000000", "seconds"), ("1e300", "hours")]
)
def test_it_refuses_a_duration_over_the_limit_instead_of_shortening_it(
    alice_web: Client, in_paris: User, frozen_now: datetime, value: str, unit: str
) -> None:
    response = alice_web.post(LOG, valid_form(duration_value=value, duration_unit=unit))
    assert response.status_code == 400
    assert response.context["form"].errors["duration"]
    assert not Episode.objects.exists()


@pytest.mark.parametrize(("version", "status"), [("²", 302), ("9" * 5000, 302), ("abc", 302), ("٣", 409)])
def test_it_reads_a_forged_check_in_version_as_none_without_failing(
    alice_web: Client, alice: User, frozen_now: datetime, version: str, status: int
) -> None:
    """A version that is not one the page wrote counts as none (as the form says), whatever
    Python's str.isdigit thinks of superscripts or how many digits there are; a number in
    another script is a number (int() reads it), here a stale one."""
    make_checkin(alice, frozen_now.date(), stress=3)
    response = alice_web.post("/checkin/", filled(version=version, stress="5"))
    assert response.status_code == status
    assert CheckIn.objects.get(user=alice).stress == (5 if status == 302 else 3)


def test_it_ends_an_episode_still_going_once(alice_web: Client, in_paris: User, frozen_now: datetime) -> None:
    """A double tap on "It stopped now", or the browser resending it later, changes nothing more."""
    alice_web.post(LOG, valid_form(duration="ongoing", started_at="2026-11-20T12:55"))
    episode = only_episode(in_paris)
    end = reverse("episode-end", args=[episode.pk])
    with time_machine.travel(frozen_now + timedelta(minutes=10), tick=False):
        assert alice_web.post(end).status_code == 302
    with time_machine.travel(frozen_now + timedelta(hours=3), tick=False):
        again = alice_web.post(end)
    assert again.status_code == 302
    assert again["Location"] == reverse("episode-detail", args=[episode.pk])
    episode.refresh_from_db()
    assert (episode.duration_seconds, episode.version) == (900, 2)


def test_it_does_not_end_an_episode_that_was_not_still_going(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    """A forged or stale "It stopped now" on a finished episode would stretch its duration to
    now (days, for an old one): it writes nothing."""
    episode = EpisodeFactory(user=alice, duration_seconds=30)
    response = alice_web.post(reverse("episode-end", args=[episode.pk]))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.duration_seconds, episode.version) == (30, 1)


def test_it_logs_now_at_now_in_the_hour_the_clocks_go_back(alice_web: Client, in_paris: User) -> None:
    """25 October 2026 in Paris: 02:30 happens twice. Logged by the form's own "now" during
    the second one (01:30 UTC), the episode starts then, not an hour earlier."""
    now = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        page = alice_web.get(LOG).content.decode()
        assert 'value="2026-10-25T02:30"' in page
        response = alice_web.post(LOG, valid_form(started_at="2026-10-25T02:30", duration="5"))
    assert response.status_code == 302
    episode = only_episode(in_paris)
    assert (episode.started_at, episode.utc_offset_minutes) == (now, 60)


def test_it_reads_the_first_of_the_repeated_hour_when_the_second_is_still_to_come(
    alice_web: Client, in_paris: User
) -> None:
    """During the first 02:30 (00:30 UTC), 02:30 can only be that one: the second is ahead."""
    now = datetime(2026, 10, 25, 0, 40, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        response = alice_web.post(LOG, valid_form(started_at="2026-10-25T02:30", duration="5"))
    assert response.status_code == 302
    episode = only_episode(in_paris)
    assert (episode.started_at, episode.utc_offset_minutes) == (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 120)


def test_an_edit_keeps_the_second_of_the_repeated_hour(alice_web: Client, alice: User) -> None:
    profile_update(user=alice, time_zone="Europe/Paris")
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    with time_machine.travel(second + timedelta(hours=1), tick=False):
        episode = EpisodeFactory(user=alice, started_at=second)
        response = alice_web.post(
            reverse("episode-edit", args=[episode.pk]),
            valid_form(started_at="2026-10-25T02:30", version="1", intensity="7", locations=["eyelid:left"]),
        )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.started_at, episode.intensity) == (second, 7)
