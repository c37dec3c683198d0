"""The associations adjusted for each other, what they say when they cannot be adjusted, and the
one meaning of "significant"."""

import json
import math
import random
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diary.plain import CheckIn, Episode
from tracker.analysis.associations import FALSE_DISCOVERY_RATE, associations, method
from tracker.analysis.findings import Association, AssociationTested
from tracker.analysis.stats import LogRateRatio, false_discoveries

from .analysis_data import START, at, diary, episode
from .simulation import SCENARIOS

Day = Callable[[int, random.Random], CheckIn]


def world(days: int, checkin: Day, rate: Callable[[CheckIn], float], seed: int = 1) -> list[Association]:
    """A diary of `days` days with a check-in from `checkin` every day and a Poisson count of
    episodes at `rate` of that day's check-in."""
    rng = random.Random(seed)
    checkins = [checkin(d, rng) for d in range(days)]
    episodes: list[Episode] = []
    for d, c in enumerate(checkins):
        episodes += [episode(len(episodes), at(d, 9 + k)) for k in range(_poisson(rng, rate(c)))]
    return associations(diary(episodes, checkins, days=days))


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, math.exp(-mean), rng.random()
    while product > threshold:
        count, product = count + 1, product * rng.random()
    return count


def by_factor(found: list[Association]) -> dict[tuple[str, int], Association]:
    return {(a["factor"], a["lag_days"]): a for a in found}


def ok_entry(a: Association) -> AssociationTested:
    assert a["status"] == "ok", a.get("reason")
    return a


def sleep_and_coffee(d: int, rng: random.Random) -> CheckIn:
    """Short sleep on a third of the days; coffee mostly follows it."""
    short = rng.random() < 0.35
    coffee = rng.random() < (0.85 if short else 0.1)
    return CheckIn(
        day=START + timedelta(days=d),
        caffeine_cups=4 if coffee else 1,
        sleep_hours=5.0 if short else 7.5,
        stress=rng.randint(1, 10),
    )


def test_it_takes_short_sleep_into_account_before_blaming_caffeine() -> None:
    found = by_factor(world(300, sleep_and_coffee, lambda c: 3.0 if c.sleep_hours == 5.0 else 1.0))
    caffeine, sleep = ok_entry(found[("caffeine", 0)]), ok_entry(found[("short_sleep", 0)])
    alone = caffeine["unadjusted"]
    assert alone is not None
    # Alone, coffee days look like twitching days; once sleep is in the model, they do not.
    assert alone["rate_ratio"] > 1.8
    assert alone["ci_low"] > 1
    assert 0.7 < caffeine["rate_ratio"] < 1.4
    assert caffeine["significant"] is False
    assert caffeine["ci_low"] < 1 < caffeine["ci_high"]
    assert sleep["significant"] is True
    assert sleep["ci_low"] < 3.0 < sleep["ci_high"]
    assert sleep["model_days"] == 299  # the first day has no day before for the lag-1 factors


def test_it_says_why_a_factor_recorded_on_few_days_is_not_adjusted() -> None:
    def sometimes_alcohol(d: int, rng: random.Random) -> CheckIn:
        day = sleep_and_coffee(d, rng)
        # Alcohol recorded on one day in three: enough to compare alone, not to join the model.
        return replace(day, **{"alcohol_units": rng.choice([0.0, 3.0]) if d % 3 == 0 else None})

    found = by_factor(world(300, sometimes_alcohol, lambda c: 1.5))
    alcohol = found[("alcohol", 0)]
    assert alcohol["status"] == "not_enough_data"
    assert alcohol["reason"].startswith("Recorded on 100 of 300 check-in days")
    assert alcohol["unadjusted"] is not None  # still compared alone
    assert found[("caffeine", 0)]["status"] == "ok"  # and the others keep all their days
    assert ok_entry(found[("caffeine", 0)])["model_days"] == 299


def test_it_will_not_split_two_factors_that_always_go_together() -> None:
    def stress_with_sleep(d: int, rng: random.Random) -> CheckIn:
        day = sleep_and_coffee(d, rng)
        return replace(day, **{"stress": 9 if day.sleep_hours == 5.0 else 2})

    found = by_factor(world(200, stress_with_sleep, lambda c: 1.0))
    for factor in ("short_sleep", "high_stress"):
        for lag in (0, 1):
            entry = found[(factor, lag)]
            assert entry["status"] == "not_enough_data"
            assert "cannot tell the two apart" in entry["reason"]
            assert entry["unadjusted"] is not None
    assert "less than 6 hours of sleep" in found[("high_stress", 0)]["reason"]
    assert found[("caffeine", 0)]["status"] == "ok"  # adjusted for the pair all the same


def test_it_says_when_the_weekday_determines_a_factor_or_its_days_have_no_episode() -> None:
    def exercise_on_mondays(d: int, rng: random.Random) -> CheckIn:
        return replace(sleep_and_coffee(d, rng), **{"exercise_minutes": 60 if d % 7 == 0 else 0})

    found = by_factor(world(200, exercise_on_mondays, lambda c: 2.0))
    exercise = found[("exercise", 0)]
    assert exercise["status"] == "not_enough_data"
    # Always on the same weekday: the weekday already says all that it can.
    assert "the weekday and the trend determine it" in exercise["reason"]
    nothing_on_exercise_days = by_factor(
        world(
            200,
            lambda d, r: replace(sleep_and_coffee(d, r), **{"exercise_minutes": r.choice([0, 60])}),
            lambda c: 0.0 if c.exercise_minutes else 2.0,
        )
    )[("exercise", 0)]
    assert nothing_on_exercise_days["status"] == "not_enough_data"
    assert nothing_on_exercise_days["reason"] == "No episode on the days with it among those the adjusted model uses."


def test_it_needs_enough_days_for_the_size_of_the_model() -> None:
    def half_and_half(d: int, rng: random.Random) -> CheckIn:
        return CheckIn(
            day=START + timedelta(days=d),
            caffeine_cups=4 if d // 2 % 2 else 0,  # two days on, two off: apart from the day before
            sleep_hours=5.0 if d * 3 % 11 < 5 else 8.0,  # apart from the day before and from coffee
        )

    # 41 days with a day before: enough for each factor alone (14 days each way), not for a model
    # of 12 coefficients (intercept, trend, 6 weekdays, 2 factors x 2 lags) and 30 days more.
    found = world(42, half_and_half, lambda c: 2.0)
    too_few = re.compile(r"The adjusted model needs (\d+) check-in days with every factor recorded; there are 41\.")
    for entry in found[:4]:
        assert entry["status"] == "not_enough_data"
        said = too_few.fullmatch(entry["reason"])
        assert said is not None, entry["reason"]
        assert int(said[1]) == 42
        assert entry["unadjusted"] is not None


@pytest.mark.parametrize("scenario", ["null", "planted", "confounded"])
def test_significant_means_the_interval_excludes_1_and_q_below_the_rate(scenario: str) -> None:
    for seed in range(40):
        found = associations(SCENARIOS[scenario](seed).diary)
        for entry in found:
            if entry["unadjusted"] is not None:
                assert entry["unadjusted"]["interval_level"] == 0.95  # for comparison: a plain interval
            if entry["status"] != "ok":
                continue
            excludes_1 = entry["ci_low"] > 1 or entry["ci_high"] < 1
            assert excludes_1 == (entry["q_value"] < FALSE_DISCOVERY_RATE) == entry["significant"], (seed, entry)
            assert entry["ci_low"] <= entry["rate_ratio"] <= entry["ci_high"]
            assert 0.95 <= entry["interval_level"] < 1


def test_the_method_states_the_rule_and_counts_the_tests() -> None:
    found = world(300, sleep_and_coffee, lambda c: 1.0)
    stated = method(found)
    assert stated["tests"] == sum(1 for a in found if a["unadjusted"] is not None) == 6  # 3 factors x 2 lags
    assert stated["threshold"] == 0.05
    assert "Benjamini-Yekutieli" in stated["correction"]
    assert "excludes 1" in stated["significant"]
    assert stated["adjustment"][0].startswith("every other factor")


def test_false_discovery_intervals_agree_with_the_q_values() -> None:
    # Estimates one standard error apart: some significant, some not, one missing.
    family: list[LogRateRatio | None] = [LogRateRatio(z * 0.1, 0.1, None) for z in (0.2, 1.5, 2.9, 3.4, 4.5, 6.0)]
    found = false_discoveries([*family, None], FALSE_DISCOVERY_RATE)
    assert found[-1] is None
    significant = [d for d in found if d is not None and d.q_value < FALSE_DISCOVERY_RATE]
    assert len(significant) == 4
    for discovery in found[:-1]:
        assert discovery is not None
        assert discovery.ratio is not None
        excludes_1 = discovery.ratio.ci_low > 1 or discovery.ratio.ci_high < 1
        assert excludes_1 == (discovery.q_value < FALSE_DISCOVERY_RATE)
    # With 4 of 7 significant: those at 1 - 0.05 * 4 / (7 * c), the others at 1 - 0.05 * 5 / (7 * c).
    harmonic = sum(1 / i for i in range(1, 8))
    assert significant[0].level == pytest.approx(1 - 0.05 * 4 / (7 * harmonic))
    assert found[0] is not None
    assert found[0].level == pytest.approx(1 - 0.05 * 5 / (7 * harmonic))


def test_an_interval_end_just_past_1_keeps_the_digits_that_show_it() -> None:
    from tracker.analysis.associations import _bound

    assert _bound(1.0004) == 1.0004
    assert _bound(0.99996) == 0.99996
    assert _bound(1.2345) == 1.234 or _bound(1.2345) == 1.235
    assert _bound(1.0) == 1.0
    assert _bound(0.04996, 4, 0.05) == 0.04996


@st.composite
def long_diaries(draw: st.DrawFn) -> list[Association]:
    """Diaries long enough for the model, with hostile shapes: fields missing on some days or
    always, a value that never changes, days with no episode or tens of thousands."""
    days = draw(st.integers(60, 200))
    values = {
        "caffeine_cups": st.none() | st.sampled_from([0, 4]),
        "sleep_hours": st.sampled_from([None, 5.0, 8.0]),
        "stress": st.just(8) | st.sampled_from([None, 2, 9]),
        "exercise_minutes": st.sampled_from([0, 60]),
        "alcohol_units": st.none(),
    }
    fields = {name: draw(st.lists(strategy, min_size=days, max_size=days)) for name, strategy in values.items()}
    checkins = [
        CheckIn(day=START + timedelta(days=d), **{name: column[d] for name, column in fields.items()})
        for d in range(days)
    ]
    counts = draw(st.lists(st.sampled_from([0, 0, 1, 2, 3, 40, 20_000]), min_size=days, max_size=days))
    # One episode repeated n times: the associations read only its day, and building 20,000
    # distinct ones for each example would be most of the test's time.
    episodes = [e for d, n in enumerate(counts) for e in [episode(d, at(d, 9))] * n]
    return associations(diary(episodes, checkins, days=days))


@settings(max_examples=40, derandomize=True, deadline=None, database=None)
@given(long_diaries())
def test_it_answers_any_long_diary_with_numbers_or_reasons_never_nan(found: list[Association]) -> None:
    json.dumps(found, allow_nan=False)
    for entry in found:
        if entry["status"] == "ok":
            assert entry["ci_low"] <= entry["rate_ratio"] <= entry["ci_high"]
            assert entry["significant"] == (entry["ci_low"] > 1 or entry["ci_high"] < 1)
        else:
            assert entry["reason"]
            assert entry["significant"] is False


@pytest.mark.parametrize("quiet", ["the last 120 days", "the first 120 days"])
def test_it_still_adjusts_when_the_twitching_stopped_months_ago_or_started_late(quiet: str) -> None:
    # Check-ins on every day of a year; episodes on only part of it. The trend cannot send the
    # quiet months' rate to zero (its bends stay where there are episodes), so the model fits.
    quiet_days = range(245, 365) if quiet.startswith("the last") else range(120)
    found = world(365, sleep_and_coffee, lambda c: 0.0 if (c.day - START).days in quiet_days else 2.0)
    logged = [a for a in found if a["factor"] in ("caffeine", "short_sleep", "high_stress")]
    assert {a["status"] for a in logged} == {"ok"}, {a.get("reason") for a in logged}
    assert not any(a["significant"] for a in logged)


def test_days_in_spells_widen_the_interval_and_independent_days_do_not() -> None:
    from tracker.analysis.spells import spell_inflation

    rng = random.Random(2)
    days = np.arange(1, 366)
    spells = np.repeat([rng.random() < 0.5 for _ in range(37)], 10)[:365].astype(float)
    coins = np.array([rng.random() < 0.5 for _ in range(365)], dtype=float)
    design = np.column_stack([np.ones(365), spells, coins])
    weights = np.full(365, 2.0)
    in_spells = np.repeat([rng.gauss(0, 1) for _ in range(37)], 10)[:365]
    independent = np.array([rng.gauss(0, 1) for _ in range(365)])
    inflation = spell_inflation(days, design, weights, in_spells)
    assert inflation[1] > 3  # a factor in spells, residuals in the same spells: far fewer days than it seems
    assert inflation[2] < 1.3  # a factor that changes daily is estimated from day-to-day changes
    assert spell_inflation(days, design, weights, independent)[1] < 1.3  # twitching without spells
