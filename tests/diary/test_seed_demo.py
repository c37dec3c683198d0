import itertools
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from diary.models import CheckIn, Episode, FunctionCheck, Investigation, Treatment

ARGS = ["--days", "60", "--end-date", "2026-11-10", "--seed", "3", "--verbosity", "0"]


def diary_of(username: str) -> list[Any]:
    episodes = Episode.objects.filter(user__username=username).order_by("started_at", "id")
    rows: list[Any] = [
        (
            e.id,
            e.started_at,
            e.utc_offset_minutes,
            e.duration_seconds,
            e.intensity,
            e.pattern,
            e.notes,
            e.source,
            sorted((loc.region.code, loc.side) for loc in e.locations.all()),
            sorted(t.code for t in e.triggers.all()),
            sorted(s.code for s in e.symptoms.all()),
        )
        for e in episodes.prefetch_related("locations__region", "triggers", "symptoms")
    ]
    checkins = CheckIn.objects.filter(user__username=username).order_by("date")
    rows += list(checkins.values_list("date", "caffeine_cups", "sleep_hours", "stress", "twitching_today"))
    return rows


def test_it_writes_the_same_diary_every_time(db: None, frozen_now: datetime) -> None:
    call_command("seed_demo", "--user", "alice", *ARGS)
    first = diary_of("alice")
    call_command("seed_demo", "--user", "alice", "--replace", *ARGS)
    assert diary_of("alice") == first
    assert len(first) > 60


def test_another_seed_writes_another_diary(db: None, frozen_now: datetime) -> None:
    call_command("seed_demo", "--user", "alice", *ARGS)
    call_command("seed_demo", "--user", "bob", *ARGS[:-4], "--seed", "4", "--verbosity", "0")
    assert [row[1] for row in diary_of("alice")] != [row[1] for row in diary_of("bob")]


def test_it_tells_the_story_the_analysis_should_find(db: None, frozen_now: datetime) -> None:
    call_command("seed_demo", "--user", "alice", "--days", "365", "--end-date", "2026-11-10", "--verbosity", "0")
    checkins = {c.date: c for c in CheckIn.objects.filter(user__username="alice")}
    assert 0.75 < len(checkins) / 365 < 0.95  # check-ins on most days, not all
    eyelid_by_day: dict[date, int] = {}
    for episode in Episode.objects.filter(user__username="alice", locations__region__code="eyelid"):
        eyelid_by_day[episode.local_date] = eyelid_by_day.get(episode.local_date, 0) + 1
        assert 18 <= episode.local_started_at.hour <= 22  # evening twitches
    high = [eyelid_by_day.get(d, 0) for d, c in checkins.items() if (c.caffeine_cups or 0) >= 4]
    low = [eyelid_by_day.get(d, 0) for d, c in checkins.items() if (c.caffeine_cups or 0) < 4 and c.sleep_hours >= 6]
    assert sum(high) / len(high) > 3 * sum(low) / len(low)
    calf = Episode.objects.filter(user__username="alice", locations__region__code="calf")
    assert calf.filter(triggers__code="exercise").count() > 0.8 * calf.count()


def test_it_writes_exactly_the_episodes_asked_for_and_none_in_the_future(db: None, frozen_now: datetime) -> None:
    call_command("seed_demo", "--user", "alice", "--days", "30", "--episodes", "500", "--verbosity", "0")
    assert Episode.objects.count() == 500
    assert not Episode.objects.filter(started_at__gt=frozen_now).exists()


def test_it_creates_a_user_who_can_sign_in_and_leaves_an_existing_one_alone(
    db: None, frozen_now: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("seed_demo", "--user", "demo", "--password", "demo", "--staff", "--if-missing", *ARGS)
    assert "Demo login: user 'demo', password 'demo'" in capsys.readouterr().out
    demo = User.objects.get(username="demo")
    assert demo.check_password("demo")
    assert demo.is_staff
    count = Episode.objects.count()
    call_command("seed_demo", "--user", "demo", "--password", "demo", "--if-missing", *ARGS)
    assert "already exists" in capsys.readouterr().out
    assert Episode.objects.count() == count


def test_it_will_not_overwrite_a_diary_unless_asked(db: None, frozen_now: datetime) -> None:
    call_command("seed_demo", "--user", "alice", *ARGS)
    with pytest.raises(CommandError, match="--replace"):
        call_command("seed_demo", "--user", "alice", *ARGS)


def test_it_refuses_an_unknown_zone_before_writing(db: None) -> None:
    with pytest.raises(CommandError, match="IANA"):
        call_command("seed_demo", "--user", "alice", "--time-zone", "Nowhere/Land", *ARGS)
    assert not User.objects.filter(username="alice").exists()


def test_it_writes_what_was_tried_the_tests_and_a_weekly_check(db: None, frozen_now: datetime) -> None:
    call_command("seed_demo", "--user", "alice", "--days", "120", "--verbosity", "0")
    treatment = Treatment.live.get(user__username="alice")
    assert (treatment.kind, treatment.stopped_on) == ("supplement", None)
    assert Investigation.live.get(user__username="alice").kind == "blood"
    checks = list(FunctionCheck.live.filter(user__username="alice").order_by("date"))
    assert len(checks) == 17  # one a week over 120 days
    assert all(check.weakness is False and check.swallowing is False for check in checks)
    assert {(b.date - a.date).days for a, b in itertools.pairwise(checks)} == {7}
