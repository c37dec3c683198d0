"""Seeded diaries whose truth is known, for checking the statistics of tracker/analysis/.

Pure: a seed gives the same diary on every machine (numpy's default_rng), with no database and
no Django. Each scenario is a function `(seed) -> Simulated`; `Simulated.planted` holds the truth
a scenario needs to be checked against.

How a diary is drawn (`draw_design`): 90 to 365 days, a check-in on every day but a share of
missing ones (none in half the diaries, up to 10% in the rest), a Poisson count of episodes per
day around a base rate of 0.3 to 3, times spread over the waking hours 06:00-24:00. The seed,
not the generator, decides two things, so that every run of N diaries holds each kind in equal
numbers: odd seeds are overdispersed (day rates gamma-mixed, or flare days with a burst of extra
episodes), and seeds 2 and 3 modulo 4 are clustered (a day's episodes near one time of that day).
Real diaries are both; a test that only holds on plain Poisson days would mislead on them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from diary.plain import CheckIn, Diary, Episode

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Overdispersion = Literal["none", "gamma", "flares"]

FACTORS = ("caffeine", "short_sleep", "high_stress", "exercise", "alcohol")
LAGS = (0, 1)
WAKING = (6.0, 24.0)  # hours of the day when episodes happen
EVENING = 18.0
EARLIEST_START = date(2024, 1, 1)


@dataclass(frozen=True)
class Design:
    """What kind of diary a seed draws, whatever the scenario."""

    days: int
    base_rate: float  # episodes per day before any effect
    overdispersion: Overdispersion
    clustered: bool
    missing_share: float  # the share of days without a check-in
    prevalences: dict[str, float]  # factor: the share of days exposed

    @property
    def group(self) -> str:
        """The kind of diary, for rates broken down by kind."""
        spread = "overdispersed" if self.overdispersion != "none" else "poisson"
        return f"{spread}, {'clustered' if self.clustered else 'spread'}"


@dataclass(frozen=True)
class Planted:
    """The one factor that acts: it multiplies the rate of the day (lag 0) or the day after (lag
    1) by `ratio`."""

    factor: str
    lag: int
    ratio: float


@dataclass(frozen=True)
class Simulated:
    diary: Diary
    design: Design
    planted: Planted | None = None


def draw_design(rng: np.random.Generator, seed: int) -> Design:
    overdispersed, clustered = seed % 2 == 1, seed // 2 % 2 == 1
    overdispersion: Overdispersion = "none"
    if overdispersed:
        overdispersion = "gamma" if rng.random() < 0.5 else "flares"
    return Design(
        days=int(rng.integers(90, 366)),
        base_rate=float(rng.uniform(0.3, 3.0)),
        overdispersion=overdispersion,
        clustered=clustered,
        missing_share=float(rng.uniform(0.0, 0.1)) if rng.random() < 0.5 else 0.0,
        prevalences={factor: float(rng.uniform(0.2, 0.5)) for factor in FACTORS},
    )


# Scenarios


def null(seed: int) -> Simulated:
    """Nothing acts: no factor, no time of day, no weekday."""
    rng = np.random.default_rng(seed)
    design = draw_design(rng, seed)
    exposures = draw_exposures(rng, design)
    return Simulated(build(rng, design, exposures, np.ones(design.days)), design)


def planted(seed: int) -> Simulated:
    """One factor, chosen at random, multiplies the rate by 2 to 4 at lag 0 or 1."""
    rng = np.random.default_rng(seed)
    design = draw_design(rng, seed)
    exposures = draw_exposures(rng, design)
    truth = Planted(factor=str(rng.choice(FACTORS)), lag=int(rng.choice(LAGS)), ratio=float(rng.uniform(2.0, 4.0)))
    effect = np.where(lagged(exposures[truth.factor], truth.lag), truth.ratio, 1.0)
    return Simulated(build(rng, design, exposures, effect), design, truth)


CONFOUNDED_RATIO = 2.0
CAFFEINE_GIVEN_SHORT_SLEEP = 0.8
CAFFEINE_GIVEN_ENOUGH_SLEEP = 0.15


def confounded(seed: int) -> Simulated:
    """Short sleep doubles the rate the same day; caffeine has no effect but follows short sleep,
    so that caffeine alone looks like it acts."""
    rng = np.random.default_rng(seed)
    design = draw_design(rng, seed)
    exposures = draw_exposures(rng, design)
    short = exposures["short_sleep"]
    share = np.where(short, CAFFEINE_GIVEN_SHORT_SLEEP, CAFFEINE_GIVEN_ENOUGH_SLEEP)
    exposures["caffeine"] = rng.random(short.size) < share
    effect = np.where(lagged(short, 0), CONFOUNDED_RATIO, 1.0)
    truth = Planted("short_sleep", 0, CONFOUNDED_RATIO)
    return Simulated(build(rng, design, exposures, effect), design, truth)


# An evening hour against an hour of 06:00-18:00: 60% of the episodes fall in the evening, against
# an even 33%. Weaker peaks are found less often, and not for want of a better test: a clustered
# diary of 90 days at 0.3 episodes a day holds some 25 days that each say "evening" or not, and
# 25 such days tell 50% (twice as likely) from 33% about one time in three at the 2.5% level.
EVENING_WEIGHT = 3.0


def evening(seed: int) -> Simulated:
    """Episodes three times as likely in an hour of 18:00-24:00 as in one of 06:00-18:00 (60% of
    them in the evening); no factor acts."""
    rng = np.random.default_rng(seed)
    design = draw_design(rng, seed)
    exposures = draw_exposures(rng, design)
    return Simulated(build(rng, design, exposures, np.ones(design.days), EVENING_WEIGHT), design)


SPELL_MEMORY = 0.9  # how much of yesterday's log rate carries into today
SPELL_SPREAD = 1.0  # the log rate's standard deviation: from a third to three times the base rate
FACTOR_STAY = 0.7  # the chance a factor keeps yesterday's state rather than being drawn afresh


def spells(seed: int) -> Simulated:
    """Nothing acts, but the twitching runs in spells of days (a log rate that drifts, AR(1))
    and so do the factors (each keeps yesterday's state with probability FACTOR_STAY): days that
    repeat their neighbours, as in a stressful week with a flare. Not one of the issue's
    scenarios; printed for information, since the model's independence of days fails here."""
    rng = np.random.default_rng(seed)
    design = draw_design(rng, seed)
    exposures = {factor: persistent(rng, design.days + 1, share) for factor, share in design.prevalences.items()}
    log_rate = np.empty(design.days)
    log_rate[0] = rng.normal(0.0, SPELL_SPREAD)
    steps = rng.normal(0.0, SPELL_SPREAD * np.sqrt(1 - SPELL_MEMORY**2), design.days)
    for day in range(1, design.days):
        log_rate[day] = SPELL_MEMORY * log_rate[day - 1] + steps[day]
    effect = np.exp(log_rate - SPELL_SPREAD**2 / 2)  # the base rate stays the mean rate
    return Simulated(build(rng, design, exposures, effect), design)


def persistent(rng: np.random.Generator, size: int, share: float) -> Bools:
    """A factor that keeps yesterday's state with probability FACTOR_STAY, else is drawn anew:
    exposed on `share` of the days in the long run."""
    drawn = rng.random(size) < share
    keep = rng.random(size) < FACTOR_STAY
    for day in range(1, size):
        if keep[day]:
            drawn[day] = drawn[day - 1]
    return drawn


SCENARIOS: dict[str, Callable[[int], Simulated]] = {
    "null": null,
    "planted": planted,
    "confounded": confounded,
    "evening": evening,
    "spells": spells,
}


# Exposures: one entry per day from the day before the diary starts, so that lag 1 acts on the
# first day too (the person had a day before the diary, only it was not recorded).


def draw_exposures(rng: np.random.Generator, design: Design) -> dict[str, Bools]:
    return {factor: rng.random(design.days + 1) < design.prevalences[factor] for factor in FACTORS}


def lagged(exposed: Bools, lag: int) -> Bools:
    """Exposure `lag` days before each day of the diary (the arrays start the day before)."""
    return exposed[1 - lag : exposed.size - lag]


# The diary


def build(
    rng: np.random.Generator,
    design: Design,
    exposures: dict[str, Bools],
    effect: Floats,
    evening_weight: float = 1.0,
) -> Diary:
    start = EARLIEST_START + timedelta(days=int(rng.integers(0, 366)))
    counts = rng.poisson(day_means(rng, design, effect))
    hours = episode_hours(rng, design, counts, evening_weight)
    episodes = make_episodes(start, counts, hours)
    checkins = make_checkins(rng, design, start, exposures, counts)
    return Diary(episodes=episodes, checkins=checkins, start=start, end=start + timedelta(days=design.days - 1))


def day_means(rng: np.random.Generator, design: Design, effect: Floats) -> Floats:
    """Each day's expected episodes. The overdispersion is drawn independently of any factor and
    scales with the effect, so that the factor's true rate ratio stays exactly `effect`."""
    if design.overdispersion == "gamma":
        shape = rng.uniform(1.0, 2.0)  # a day-to-day coefficient of variation of 0.7 to 1
        return effect * design.base_rate * rng.gamma(shape, 1.0 / shape, design.days)
    if design.overdispersion == "flares":
        flare = rng.random(design.days) < rng.uniform(0.02, 0.05)
        burst = rng.uniform(4.0, 12.0, design.days)  # extra episodes expected on a flare day
        return effect * (design.base_rate + flare * burst)
    return effect * design.base_rate


def episode_hours(rng: np.random.Generator, design: Design, counts: npt.NDArray[np.int64], weight: float) -> Floats:
    """Hours of the day (06:00 to 24:00) for every episode, day after day."""
    total = int(counts.sum())
    if not design.clustered:
        return waking_hours(rng, total, weight)
    # A day's episodes within about an hour of one time of that day. Reflected at the ends of the
    # waking hours: a reflected kernel is symmetric, so with uniform centres the hours stay
    # uniform overall, and only the clustering differs from a spread diary.
    centres = np.repeat(waking_hours(rng, counts.size, weight), counts)
    spread = rng.uniform(0.25, 1.0)
    return reflect(centres + rng.normal(0.0, spread, total), *WAKING)


def waking_hours(rng: np.random.Generator, size: int, evening_weight: float) -> Floats:
    low, high = WAKING
    evening_share = (high - EVENING) * evening_weight / ((EVENING - low) + (high - EVENING) * evening_weight)
    in_evening = rng.random(size) < evening_share
    return np.where(in_evening, rng.uniform(EVENING, high, size), rng.uniform(low, EVENING, size))


def reflect(values: Floats, low: float, high: float) -> Floats:
    width = high - low
    folded = np.mod(values - low, 2 * width)
    return low + np.where(folded > width, 2 * width - folded, folded)


def make_episodes(start: date, counts: npt.NDArray[np.int64], hours: Floats) -> list[Episode]:
    days = np.repeat(np.arange(counts.size), counts)
    hours = hours[np.lexsort((hours, days))]  # in time order, as the diary lists them
    # Whole seconds, never 24:00 itself, which is the next day.
    seconds = np.minimum((hours * 3600).astype(np.int64), 24 * 3600 - 1)
    midnight = datetime.combine(start, time())
    episodes = []
    for n, (day, second) in enumerate(zip(days.tolist(), seconds.tolist(), strict=True)):
        when = midnight + timedelta(days=day, seconds=second)
        episodes.append(Episode(f"sim-{n}", when, when.date(), 30, 3, "intermittent_bursts", (("eyelid", "left"),)))
    return episodes


# Check-ins: values drawn on the right side of each threshold in associations.FACTORS, so that
# what the analysis reads back is exactly the exposure drawn. Per factor: the check-in field, its
# precision (whole numbers, or tenths: an app takes "5.5 hours", not 5.4871), and the ranges (low
# included, high not) of an exposed and an unexposed day.


class Values(NamedTuple):
    field: str
    per_unit: int  # 1: whole numbers; 10: tenths
    exposed: tuple[float, float]
    unexposed: tuple[float, float]


VALUES = {
    "caffeine": Values("caffeine_cups", 1, (3, 7), (0, 3)),
    "short_sleep": Values("sleep_hours", 10, (4, 6), (6, 9.5)),
    "high_stress": Values("stress", 1, (7, 11), (0, 7)),
    "exercise": Values("exercise_minutes", 1, (30, 91), (0, 30)),
    "alcohol": Values("alcohol_units", 10, (2, 6), (0, 2)),
}


def field_values(rng: np.random.Generator, exposed: Bools, values: Values) -> list[float]:
    size = exposed.size
    drawn = np.where(exposed, rng.uniform(*values.exposed, size), rng.uniform(*values.unexposed, size))
    # Rounded down, so that 5.97 hours stays below 6. Multiplied, not divided by 0.1: 6.0 / 0.1
    # is 59.99999999999999, which would floor to 5.9.
    units = np.floor(drawn * values.per_unit)
    return list(units.astype(int).tolist() if values.per_unit == 1 else (units / values.per_unit).tolist())


def make_checkins(
    rng: np.random.Generator, design: Design, start: date, exposures: dict[str, Bools], counts: npt.NDArray[np.int64]
) -> list[CheckIn]:
    values: dict[str, list[Any]] = {
        spec.field: field_values(rng, lagged(exposures[factor], 0), spec) for factor, spec in VALUES.items()
    }
    values["twitching_today"] = (counts > 0).tolist()
    missing = (rng.random(design.days) < design.missing_share).tolist()
    return [
        CheckIn(start + timedelta(days=day), **{field: column[day] for field, column in values.items()})
        for day in range(design.days)
        if not missing[day]
    ]
