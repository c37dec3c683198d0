"""Comparing event rates between two groups of days, with the uncertainty behind the number."""

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))
# The largest x for which math.exp(x) is a float; beyond it math.exp raises OverflowError.
LARGEST_EXPONENT = math.log(sys.float_info.max)
# What a finding says when compare_day_counts has episodes but cannot put a number on them.
TOO_LOPSIDED = "The episodes crowd too few days to put a number on this."


@dataclass(frozen=True)
class RateRatio:
    ratio: float
    ci_low: float
    ci_high: float
    p_value: float


def compare_day_counts(exposed: Sequence[int], unexposed: Sequence[int]) -> RateRatio | None:
    """Episodes per day on `exposed` days against `unexposed` days, as a rate ratio with a 95%
    interval and a two-sided p-value. None when there is nothing to compare: a group without
    days, no episode in either group, or counts so lopsided that the interval's upper end
    exceeds any float (tens of thousands of episodes on one day), which no number can state.

    Quasi-Poisson: twitches cluster within days, so the Pearson dispersion of the day counts
    (never below 1) widens the interval; a plain Poisson test would call chance clusters real.
    A group with no episode gets half an episode, so that the ratio and interval stay finite.
    """
    a, b = np.asarray(exposed, dtype=float), np.asarray(unexposed, dtype=float)
    events_a, events_b = a.sum(), b.sum()
    if a.size == 0 or b.size == 0 or events_a + events_b == 0:
        return None
    mean_a, mean_b = events_a / a.size, events_b / b.size
    pearson = _pearson(a, mean_a) + _pearson(b, mean_b)
    dispersion = max(1.0, pearson / max(a.size + b.size - 2, 1))
    ea, eb = max(events_a, 0.5), max(events_b, 0.5)
    log_ratio = math.log((ea / a.size) / (eb / b.size))
    se = math.sqrt(dispersion * (1 / ea + 1 / eb))
    if abs(log_ratio) + Z95 * se > LARGEST_EXPONENT:
        return None
    p_value = float(2 * stats.norm.sf(abs(log_ratio) / se))
    return RateRatio(
        ratio=math.exp(log_ratio),
        ci_low=math.exp(log_ratio - Z95 * se),
        ci_high=math.exp(log_ratio + Z95 * se),
        p_value=p_value,
    )


def _pearson(counts: np.ndarray, mean: float) -> float:
    return float(((counts - mean) ** 2).sum() / mean) if mean > 0 else 0.0


def rounded(value: float, digits: int = 3) -> float:
    return round(float(value), digits)
