"""The associations and timing peaks on simulated diaries whose truth is known (simulation.py):
how often they find what is not there, and find what is.

SIMULATION_DIARIES (default 200) diaries per scenario, seeds 0 to N-1, half of them
overdispersed. Each scenario is generated and analysed once for the module; every test prints
its rates, with an exact 95% interval and the rate by kind of diary, even under `pytest -q`.
"""

import os
from collections import Counter
from datetime import date
from functools import cache

import numpy as np
import pytest

from diary.plain import CheckIn, Episode
from tracker.analysis.associations import FACTORS

from .simulation import (
    CAFFEINE_GIVEN_ENOUGH_SLEEP,
    CAFFEINE_GIVEN_SHORT_SLEEP,
    EVENING,
    EVENING_WEIGHT,
    SCENARIOS,
    WAKING,
    Simulated,
    null,
)
from .simulation_rates import Rate, rates

DIARIES = int(os.environ.get("SIMULATION_DIARIES", "200"))


@cache
def scenario_rates(scenario: str) -> dict[str, Rate]:
    return rates(scenario, DIARIES)


def shown(capsys: pytest.CaptureFixture[str], scenario: str, *keys: str) -> list[Rate]:
    """The scenario's rates for `keys`, printed past pytest's capture."""
    found = [scenario_rates(scenario)[key] for key in keys]
    with capsys.disabled():
        print("", *(line for rate in found for line in rate.lines()), sep="\n")
    return found


def verdict(rate: Rate) -> None:
    """Fail with the rate's own line: its repr says nothing a reader needs."""
    if not rate.ok:
        pytest.fail(rate.lines()[0], pytrace=False)


# The promises


def test_it_rarely_calls_an_association_significant_when_no_factor_acts(capsys: pytest.CaptureFixture[str]) -> None:
    (rate,) = shown(capsys, "null", "association")
    verdict(rate)


def test_it_rarely_names_a_time_of_day_peak_when_there_is_none(capsys: pytest.CaptureFixture[str]) -> None:
    (rate,) = shown(capsys, "null", "time_of_day")
    verdict(rate)


def test_it_rarely_names_a_weekday_peak_when_there_is_none(capsys: pytest.CaptureFixture[str]) -> None:
    (rate,) = shown(capsys, "null", "weekday")
    verdict(rate)


def test_it_estimates_a_planted_factor_and_its_interval_covers_the_true_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Both: an analysis could keep its coverage by refusing the hard diaries.
    estimated, covered, _, _ = shown(capsys, "planted", "estimated", "covered", "covered_95", "found")
    verdict(estimated)
    verdict(covered)


def test_it_does_not_blame_caffeine_for_what_short_sleep_does(capsys: pytest.CaptureFixture[str]) -> None:
    caffeine, _ = shown(capsys, "confounded", "caffeine", "sleep")
    verdict(caffeine)


def test_it_names_a_planted_evening_peak(capsys: pytest.CaptureFixture[str]) -> None:
    evening, _ = shown(capsys, "evening", "evening", "other")
    verdict(evening)


# The generators themselves: the promises above mean something only if the diaries are what
# they claim to be.


def test_the_same_seed_draws_the_same_diary() -> None:
    assert null(7) == null(7)
    assert null(7).diary != null(8).diary


def test_half_the_diaries_are_overdispersed_and_half_clustered() -> None:
    kinds = Counter(null(seed).design.group for seed in range(8))
    assert len(kinds) == 4
    assert set(kinds.values()) == {2}


def test_the_check_ins_show_each_factor_on_its_drawn_share_of_days() -> None:
    sims = [null(seed) for seed in range(20)]
    for factor in FACTORS:
        exposed = sum(bool(factor.exposed(c)) for sim in sims for c in sim.diary.checkins)
        expected = sum(sim.design.prevalences[factor.name] * len(sim.diary.checkins) for sim in sims)
        assert exposed == pytest.approx(expected, rel=0.05), factor.name


def test_caffeine_follows_short_sleep_in_the_confounded_diaries() -> None:
    days = [c for seed in range(20) for c in SCENARIOS["confounded"](seed).diary.checkins]
    short = [c for c in days if c.sleep_hours is not None and c.sleep_hours < 6]
    enough = [c for c in days if c.sleep_hours is not None and c.sleep_hours >= 6]
    assert share_with_caffeine(short) == pytest.approx(CAFFEINE_GIVEN_SHORT_SLEEP, abs=0.03)
    assert share_with_caffeine(enough) == pytest.approx(CAFFEINE_GIVEN_ENOUGH_SLEEP, abs=0.03)


def share_with_caffeine(days: list[CheckIn]) -> float:
    return sum(c.caffeine_cups is not None and c.caffeine_cups >= 3 for c in days) / len(days)


def test_clustered_diaries_keep_the_hours_even_and_the_evening_ones_raise_the_evening() -> None:
    clustered = [null(seed) for seed in range(2, 80, 4)]
    assert all(sim.design.clustered for sim in clustered)
    assert evening_share(clustered) == pytest.approx(1 / 3, abs=0.03)
    assert within_day_spread(clustered) < 1.5 < 4 < within_day_spread([null(seed) for seed in range(0, 80, 4)])
    # Three times as likely per hour: 6 hours x 3 against 12 hours x 1, 60% of the episodes.
    assert EVENING_WEIGHT == 3
    assert evening_share([SCENARIOS["evening"](seed) for seed in range(0, 80, 2)]) == pytest.approx(0.6, abs=0.03)


def evening_share(sims: list[Simulated]) -> float:
    """The share of episodes in 18:00-24:00, pooled; every episode is within waking hours."""
    hours = np.array([hour(e) for sim in sims for e in sim.diary.episodes])
    assert ((hours >= WAKING[0]) & (hours < WAKING[1])).all()
    return float((hours >= EVENING).mean())


def within_day_spread(sims: list[Simulated]) -> float:
    """The median standard deviation of a day's episode hours, over days with 3 or more."""
    days: dict[tuple[int, date], list[float]] = {}
    for n, sim in enumerate(sims):
        for e in sim.diary.episodes:
            days.setdefault((n, e.local_date), []).append(hour(e))
    return float(np.median([np.std(hours) for hours in days.values() if len(hours) >= 3]))


def hour(episode: Episode) -> float:
    return episode.local_start.hour + episode.local_start.minute / 60


def test_it_prints_how_often_an_association_is_called_where_days_come_in_spells(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Information, not a promise: the model takes days as independent once trend and weekday are
    # allowed for, and widens its intervals for spells; this shows how far that goes.
    (rate,) = shown(capsys, "spells", "association")
    assert sum(rate.counted.values()) == DIARIES
