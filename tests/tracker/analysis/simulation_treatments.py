"""Seeded diaries with a treatment whose truth is known, for checking tracker/analysis/treatments.py.

Drawn as in simulation.py (its `draw_design`, `day_means`, `episode_hours`, `make_episodes`: the
same mix of Poisson, gamma-mixed and flare days, clustered or spread), over 60 to 365 days, with
a slow drift the person does not control: a log rate that moves over the months (a straight
trend of up to a halving or doubling a year) and wanders in spells of weeks (an AR(1) whose
memory is a month). No check-ins: the treatment's effect does not read them.

The person starts the treatment the day after the diary's busiest week (the seven days with the
most episodes), the worst case for regression to the mean, among the weeks that leave the
analysis its minimum days on both sides. In `treatment_null` it does nothing; in
`treatment_halved` every episode after the start is kept with probability one half (thinning:
whatever the day's mean, its rate is exactly halved).
"""

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import timedelta

import numpy as np

from diary.plain import Diary, Treatment
from tracker.analysis.treatments import LEFT_OUT_DAYS, MIN_AFTER_DAYS, MIN_BEFORE_DAYS

from .simulation import (
    EARLIEST_START,
    Design,
    Floats,
    Planted,
    Simulated,
    day_means,
    draw_design,
    episode_hours,
    make_episodes,
)

MIN_DAYS, MAX_DAYS = 60, 365
DRIFT_PER_YEAR = np.log(2)  # the straight trend's slope is drawn up to this, either way
DRIFT_MEMORY = 0.97  # how much of yesterday's wander carries into today: spells of about a month
DRIFT_SPREAD = 0.15  # the wander's standard deviation on the log scale: the rate moves by about 15% over weeks
HALVED = 0.5
WEEK = 7


@dataclass(frozen=True)
class TreatmentDesign(Design):
    """A design whose kind, for the rates printed by kind, is its length: how long a diary is
    decides more than its spread whether an effect can be found."""

    @property
    def group(self) -> str:
        low = max(low for low in LENGTHS if low <= self.days)
        high = min((high - 1 for high in LENGTHS if high > self.days), default=MAX_DAYS)
        return f"{low}-{high} days"


LENGTHS = (MIN_DAYS, 120, 240)  # the lengths the rates are broken down by: 60-119, 120-239, 240-365 days


def treatment_null(seed: int) -> Simulated:
    """A treatment that does nothing, started right after the busiest week."""
    return _simulated(seed, 1.0)


def treatment_halved(seed: int) -> Simulated:
    """A treatment that halves the rate from the day it starts, started right after the busiest week."""
    return _simulated(seed, HALVED)


SCENARIOS: dict[str, Callable[[int], Simulated]] = {
    "treatment_null": treatment_null,
    "treatment_halved": treatment_halved,
}


def _simulated(seed: int, ratio: float) -> Simulated:
    # Seeds of their own: not the same diaries as simulation.py's scenarios draw.
    rng = np.random.default_rng([seed, 20261208])
    drawn = replace(draw_design(rng, seed), days=int(rng.integers(MIN_DAYS, MAX_DAYS + 1)))
    design = TreatmentDesign(**{f.name: getattr(drawn, f.name) for f in fields(drawn)})
    first = EARLIEST_START + timedelta(days=int(rng.integers(0, 366)))
    counts = rng.poisson(day_means(rng, design, drift(rng, design.days)))
    start = after_busiest_week(counts)  # the same diary and start whatever the ratio: drawn before it acts
    if ratio != 1.0:
        counts[start:] = rng.binomial(counts[start:], ratio)
    episodes = make_episodes(first, counts, episode_hours(rng, design, counts, 1.0))
    treatment = Treatment("sim-treatment", "Magnesium", "supplement", first + timedelta(days=start))
    diary = Diary(episodes, (), first, first + timedelta(days=design.days - 1), treatments=(treatment,))
    return Simulated(diary, design, Planted("treatment", 0, ratio))


def drift(rng: np.random.Generator, days: int) -> Floats:
    """Each day's multiplier of the base rate: a straight trend on the log scale and a slow
    wander, centred so that the base rate stays the diary's typical rate."""
    slope = rng.uniform(-DRIFT_PER_YEAR, DRIFT_PER_YEAR)
    wander = np.empty(days)
    wander[0] = rng.normal(0.0, DRIFT_SPREAD)
    steps = rng.normal(0.0, DRIFT_SPREAD * np.sqrt(1 - DRIFT_MEMORY**2), days)
    for day in range(1, days):
        wander[day] = DRIFT_MEMORY * wander[day - 1] + steps[day]
    log_rate = slope * (np.arange(days) - days / 2) / 365.25 + wander
    return np.exp(log_rate - log_rate.mean())


def after_busiest_week(counts: np.ndarray) -> int:
    """The day after the busiest seven days, among the starts that leave the analysis its
    minimum days each side (the earliest such week when several tie)."""
    earliest, latest = MIN_BEFORE_DAYS + LEFT_OUT_DAYS, len(counts) - MIN_AFTER_DAYS
    weeks = np.convolve(counts, np.ones(WEEK, dtype=int), mode="valid")  # weeks[d]: days d to d + 6
    starts = np.arange(earliest, latest + 1)
    return int(starts[np.argmax(weeks[starts - WEEK])])
