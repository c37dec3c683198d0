"""A diary cannot poison its own analysis: the diaries that used to fail get a summary."""

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User

from diary.models import CheckIn, Profile
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory, make_checkin
from tracker.models import AnalysisRun
from tracker.selectors import load_diary


def legacy_checkin(user: User, day: date, **values: Any) -> CheckIn:
    """A check-in stored before the API refused such dates: written directly, with the next
    change number, as the service of the time wrote it."""
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.last_change_seq += 1
    profile.save(update_fields=["last_change_seq"])
    return CheckIn.objects.create(user=user, date=day, change_seq=profile.last_change_seq, **values)


# --- The diaries of finding 7 ------------------------------------------------------------------


def test_it_gives_a_diary_of_22_episodes_in_one_day_a_ready_summary(
    alice: User, frozen_now: datetime, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(22):
            EpisodeFactory(user=alice, started_at=frozen_now - timedelta(minutes=10 * (i + 1)))
    answer = client_for(alice).get("/api/v1/summary/").json()
    assert (answer["status"], answer["stale"], answer["period"]["days"]) == ("ready", False, 1)
    weekday = answer["timing"]["weekday"]
    assert (weekday["peak"], weekday["counts"]["friday"]) == (None, 22)
    assert "p_value" not in weekday
    assert "at least two weekdays" in weekday["reason"]


def test_it_gives_a_diary_with_a_check_in_dated_year_one_a_ready_summary(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)  # 2 November 2026; nothing committed, so nothing analysed yet
    make_checkin(alice)
    legacy_checkin(alice, date(1, 1, 1), caffeine_cups=3, sleep_hours=4)
    answer = client_for(alice).get("/api/v1/summary/").json()  # the first look asks, and runs here
    assert (answer["status"], answer["stale"]) == ("ready", False)
    assert answer["period"] == {"start": "2026-11-02", "end": "2026-11-20", "days": 19}  # not from year 1
    assert AnalysisRun.objects.get(user=alice).outcome == "stored"


def test_it_reads_the_diary_from_1900_on(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    for day in (date(1, 1, 1), date(1899, 12, 31), date(1900, 1, 1)):
        legacy_checkin(alice, day, stress=5)
    diary = load_diary(user_id=alice.pk)
    assert [c.day for c in diary.checkins] == [date(1900, 1, 1)]
    assert diary.start == date(1900, 1, 1)
    assert load_diary(user_id=alice.pk, date_from=date(1, 1, 1)).start == date(1900, 1, 1)


def test_it_gives_a_range_reaching_both_ends_of_the_calendar_a_ready_summary(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    answer = client_for(alice).get("/api/v1/summary/", {"date_from": "0001-01-01", "date_to": "9999-12-31"}).json()
    assert answer["status"] == "ready"
    assert (answer["period"]["start"], answer["period"]["end"]) == ("1900-01-01", "9999-12-31")
    assert answer["frequency"]["episodes"] == 1
