"""A small diary for the report tests: alice in Paris with episodes on both sides of the range's
edges (local dates, not UTC ones, decide), a red-flag symptom, a hostile note, and check-ins."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from diary.models import Episode
from diary.services import LocationInput, profile_update
from tests.factories import EpisodeFactory, make_checkin
from tracker.analysis.findings import AssociationTested

PARIS = ZoneInfo("Europe/Paris")
FROM, TO = date(2026, 11, 1), date(2026, 11, 14)
FULL_FROM, FULL_TO = date(2026, 9, 1), date(2026, 11, 30)  # full_diary's three months


@pytest.fixture
def diary(alice: User) -> list[Episode]:
    """Four episodes inside the range (local dates), one before and one after it."""
    profile_update(user=alice, time_zone="Europe/Paris")
    starts = [
        datetime(2026, 10, 31, 23, 30, tzinfo=PARIS),  # the day before: out
        datetime(2026, 11, 1, 0, 30, tzinfo=PARIS),  # 23:30 UTC on 31 October: in
        datetime(2026, 11, 7, 9, 15, tzinfo=PARIS),
        datetime(2026, 11, 14, 23, 59, tzinfo=PARIS),  # the last day: in
        datetime(2026, 11, 15, 0, 1, tzinfo=PARIS),  # the day after: out
    ]
    episodes = [EpisodeFactory(user=alice, started_at=start, utc_offset_minutes=60) for start in starts]
    busy = EpisodeFactory(
        user=alice,
        started_at=datetime(2026, 11, 5, 20, 0, tzinfo=PARIS),
        utc_offset_minutes=60,
        locations=[LocationInput("calf", "left"), LocationInput("thigh", "right")],
        triggers=["caffeine", "exercise"],
        symptoms=["weakness"],
        intensity=7,
        pattern="continuous_rippling",
        duration_seconds=600,
        notes='=HYPERLINK("http://evil.example","click")',
    )
    make_checkin(alice, date(2026, 11, 2), notes="slept badly")
    make_checkin(alice, date(2026, 11, 20))
    return [*episodes[:2], busy, *episodes[2:]]


def significant_caffeine(*, lag_days: int) -> AssociationTested:
    """A significant association as the analysis states one, to plant in a report's findings."""
    return {
        "factor": "caffeine",
        "label": "3 or more cups of caffeine",
        "lag_days": lag_days,
        "exposed_days": 40,
        "unexposed_days": 60,
        "exposed_episodes": 120,
        "unexposed_episodes": 90,
        "rate_ratio": 1.654,
        "ci_low": 1.203,
        "ci_high": 2.272,
        "q_value": 0.001,
        "significant": True,
        "status": "ok",
        "p_value": 0.0001,
        "unadjusted": None,
        "model_days": 100,
        "interval_level": 0.9965,
    }


@pytest.fixture
def still_going(alice: User, diary: list[Episode]) -> Episode:
    """An episode of the range still going: logged at 07:30 in Paris on 10 November, never ended."""
    started_at = datetime(2026, 11, 10, 7, 30, tzinfo=PARIS)
    return EpisodeFactory(user=alice, started_at=started_at, utc_offset_minutes=60, ongoing=True, duration_seconds=None)


@pytest.fixture
def full_diary(alice: User) -> User:
    """Three months of the demo diary (treatments, tests, weekly checks), a chosen name, a date
    of birth and an onset, a red-flag symptom and a place new in the last weeks."""
    call_command("seed_demo", user="alice", days=91, end_date=FULL_TO, time_zone="Europe/Paris", verbosity=0)
    profile_update(
        user=alice, display_name="Anna Example", date_of_birth=date(1985, 3, 3), twitching_since=date(2026, 6, 15)
    )
    EpisodeFactory(
        user=alice,
        started_at=datetime(2026, 11, 20, 18, 0, tzinfo=PARIS),
        utc_offset_minutes=60,
        locations=[LocationInput("tongue", "midline")],
        symptoms=["weakness"],
    )
    return alice
