"""What a treatment did: the rate after it started against before it, and every reason it could
not be said."""

from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from diary.plain import Diary, Episode, Treatment
from tests.tracker.analysis.analysis_data import START, at, episode
from tracker.analysis.treatments import (
    LEFT_OUT_DAYS,
    MIN_AFTER_DAYS,
    MIN_BEFORE_DAYS,
    OBSERVATIONAL,
    SAME_TIME,
    WINDOW_DAYS,
    treatment_effects,
)

DAYS = 120


def day(n: int) -> date:
    return START + timedelta(days=n)


def steady(per_day_before: int, per_day_after: int, switch: int, days: int = DAYS) -> list[Episode]:
    """`per_day_before` episodes a day until day `switch`, then `per_day_after`, at spread hours."""
    episodes = []
    for d in range(days):
        for k in range(per_day_before if d < switch else per_day_after):
            episodes.append(episode(len(episodes), at(d, 8 + 3 * k)))
    return episodes


def noisy(seed: int, rate_before: float, rate_after: float, switch: int, days: int = DAYS) -> list[Episode]:
    return drawn(seed, [rate_before if d < switch else rate_after for d in range(days)])


def drawn(seed: int, rates: list[float]) -> list[Episode]:
    """Poisson counts around each day's rate, at spread hours."""
    counts = np.random.default_rng(seed).poisson(rates)
    days = [d for d, n in enumerate(counts) for _ in range(n)]
    return [episode(n, at(d, 8 + n % 14)) for n, d in enumerate(days)]


def treated(episodes: list[Episode], *treatments: Treatment, days: int = DAYS) -> Diary:
    return Diary(episodes, (), START, START + timedelta(days=days - 1), treatments=treatments)


def magnesium(started: int, stopped: int | None = None, name: str = "Magnesium", tid: str = "t1") -> Treatment:
    return Treatment(tid, name, "supplement", day(started), day(stopped) if stopped is not None else None)


def one(diary: Diary) -> Any:
    [found] = treatment_effects(diary)
    return found


def test_it_finds_a_halving_after_the_start_with_its_interval_and_caveats() -> None:
    found = one(treated(noisy(1, 4.0, 2.0, 60), magnesium(60)))
    assert found["status"] == "ok"
    assert found["treatment_id"] == "t1"
    assert found["name"] == "Magnesium"
    assert found["started_on"] == day(60).isoformat()
    assert found["stopped_on"] is None
    assert found["before_days"] == WINDOW_DAYS
    assert found["after_days"] == WINDOW_DAYS
    assert found["model_days"] == found["before_days"] + found["after_days"]
    assert found["rate_before"] == pytest.approx(28, rel=0.2)  # episodes a week
    assert found["rate_after"] == pytest.approx(14, rel=0.2)
    assert found["ci_low"] < found["rate_ratio"] < found["ci_high"] < 1
    assert found["ci_low"] < 0.5 < found["ci_high"]
    assert found["significant"] is True
    assert found["caveats"][:2] == [OBSERVATIONAL, SAME_TIME]
    assert found["caveats"][2].startswith(f"The {LEFT_OUT_DAYS} days before it started (17 Jul 2026 to 30 Jul 2026)")
    assert found["caveats"][3].startswith(
        f"Compares its first {WINDOW_DAYS} days (31 Jul 2026 to 3 Sep 2026) with the {WINDOW_DAYS} days before "
        "those left out (12 Jun 2026 to 16 Jul 2026)"
    )


def test_it_calls_no_effect_when_the_rate_does_not_change() -> None:
    found = one(treated(noisy(2, 3.0, 3.0, 60), magnesium(60)))
    assert found["status"] == "ok"
    assert found["ci_low"] < 1 < found["ci_high"]
    assert found["significant"] is False


def test_the_busy_weeks_just_before_the_start_are_not_the_baseline() -> None:
    # About 2 a day, 8 a day in the two weeks before the start, then 2 a day again: nothing
    # changed but the spell, which the comparison leaves out.
    rates = [8.0 if 60 - LEFT_OUT_DAYS <= d < 60 else 2.0 for d in range(DAYS)]
    found = one(treated(drawn(6, rates), magnesium(60)))
    assert found["ci_low"] < 1 < found["ci_high"]
    assert found["significant"] is False
    assert found["before_days"] == WINDOW_DAYS
    assert found["rate_before"] == pytest.approx(14, rel=0.2)


def test_only_the_weeks_around_the_start_are_compared() -> None:
    # 4 a day, then 2 a day from the start for six weeks, then 4 again: what came long before and
    # long after is not part of the comparison.
    days = 200
    rates = [2.0 if 80 <= d < 80 + WINDOW_DAYS else 4.0 for d in range(days)]
    found = one(treated(drawn(8, rates), magnesium(80), days=days))
    assert (found["before_days"], found["after_days"]) == (WINDOW_DAYS, WINDOW_DAYS)
    assert found["model_days"] == 2 * WINDOW_DAYS
    assert found["rate_after"] == pytest.approx(14, rel=0.2)
    assert found["ci_low"] < 0.5 < found["ci_high"] < 1


def test_a_treatment_started_before_the_diary_began_has_no_before() -> None:
    for started in (-30, 0):
        found = one(treated(steady(2, 2, 0), magnesium(started)))
        assert found["status"] == "not_enough_data"
        assert found["reason"].startswith("Started before the diary began")
        assert found["rate_ratio"] is found["ci_low"] is found["ci_high"] is None
        assert found["significant"] is False
        assert found["caveats"] == []


def test_a_treatment_starting_after_the_period_is_not_compared() -> None:
    found = one(treated(steady(2, 2, 0), magnesium(DAYS + 5)))
    assert found["reason"] == f"Starts after the last day of the period ({day(DAYS - 1).day} Sep 2026)."
    assert found["after_days"] == 0
    assert found["rate_after"] is None


@pytest.mark.parametrize(
    ("started", "days", "before", "after"),
    [
        (LEFT_OUT_DAYS + MIN_BEFORE_DAYS - 1, 90, MIN_BEFORE_DAYS - 1, WINDOW_DAYS),
        (60, 60 + MIN_AFTER_DAYS - 1, WINDOW_DAYS, MIN_AFTER_DAYS - 1),
    ],
)
def test_it_needs_its_minimum_of_days_on_each_side(started: int, days: int, before: int, after: int) -> None:
    found = one(treated(steady(2, 2, 0, days), magnesium(started), days=days))
    assert found["status"] == "not_enough_data"
    assert (found["before_days"], found["after_days"]) == (before, after)
    assert found["reason"] == (
        f"Needs {MIN_BEFORE_DAYS} covered days before it (leaving out the {LEFT_OUT_DAYS} days just before it "
        f"started) and {MIN_AFTER_DAYS} after; has {before} and {after}."
    )


def test_the_first_days_it_can_be_compared_it_is() -> None:
    started = LEFT_OUT_DAYS + MIN_BEFORE_DAYS
    found = one(treated(noisy(3, 2.0, 2.0, 0, 90), magnesium(started), days=90))
    assert found["status"] == "ok"
    assert found["before_days"] == MIN_BEFORE_DAYS


def test_a_stopped_treatment_is_compared_until_it_stopped_and_the_days_since_are_left_out() -> None:
    # On it (days 50-79) the rate fell to a quarter; after it stopped, it went back up: no part of "after".
    rates = [4.0 if d < 50 or d >= 80 else 1.0 for d in range(DAYS)]
    found = one(treated(drawn(4, rates), magnesium(50, stopped=79)))
    assert found["stopped_on"] == day(79).isoformat()
    assert found["after_days"] == 30
    assert found["rate_ratio"] < 1
    assert found["significant"] is True
    assert "Stopped on 19 Aug 2026: the days since are left out." in found["caveats"]


def test_overlapping_treatments_name_each_other_and_others_do_not() -> None:
    treatments = (
        magnesium(40, stopped=70),
        magnesium(60, name="No caffeine", tid="t2"),
        magnesium(-200, stopped=-100, name="Long ago", tid="t3"),
    )
    found = treatment_effects(treated(noisy(5, 3.0, 3.0, 0), *treatments))
    assert [f["name"] for f in found] == ["Long ago", "Magnesium", "No caffeine"]  # by start
    by_name = {f["name"]: f for f in found}
    also = "Their effects cannot be told apart from this one's."
    assert f"Also taken during these days: No caffeine. {also}" in by_name["Magnesium"]["caveats"]
    assert f"Also taken during these days: Magnesium. {also}" in by_name["No caffeine"]["caveats"]
    assert not any("Long ago" in caveat for f in found for caveat in f["caveats"])


def test_no_episodes_at_all_is_said_so() -> None:
    found = one(treated([], magnesium(60)))
    assert found["reason"] == "No episodes on these days: there is no rate to compare."
    assert found["rate_before"] == found["rate_after"] == 0.0


def test_no_episode_on_one_side_is_said_rather_than_sent_to_zero() -> None:
    gone = one(treated(steady(2, 0, 60), magnesium(60)))
    assert gone["reason"] == (
        f"No episodes in the {WINDOW_DAYS} days on it, against {2 * WINDOW_DAYS} in the "
        f"{WINDOW_DAYS} days before: the model cannot put a number on a drop to none."
    )
    assert gone["rate_after"] == 0.0
    new = one(treated(steady(0, 2, 60), magnesium(60)))
    assert "the model cannot put a number on a rise from none" in new["reason"]


def test_a_diary_without_treatments_has_no_effects() -> None:
    assert treatment_effects(treated(steady(1, 1, 0))) == []


def test_the_model_needs_days_beyond_its_size() -> None:
    days = LEFT_OUT_DAYS + MIN_BEFORE_DAYS + MIN_AFTER_DAYS
    found = one(treated(noisy(7, 2.0, 2.0, 0, days), magnesium(LEFT_OUT_DAYS + MIN_BEFORE_DAYS), days=days))
    assert (found["before_days"], found["after_days"]) == (MIN_BEFORE_DAYS, MIN_AFTER_DAYS)
    assert found["reason"].startswith("The model needs ")
    assert found["reason"].endswith(f"covered days around it; there are {MIN_BEFORE_DAYS + MIN_AFTER_DAYS}.")
