"""Comparing event rates between two groups of days, with the uncertainty behind the number."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class RateRatio:
    ratio: float
    ci_low: float
    ci_high: float
    p_value: float


def compare_day_counts(exposed: Sequence[int], unexposed: Sequence[int]) -> RateRatio | None:
    """Episodes per day on `exposed` days against `unexposed` days, as a rate ratio with a 95%
    interval and a two-sided p-value. None when neither group had an episode.

    Quasi-Poisson: twitches cluster within days, so the Pearson dispersion of the day counts
    (never below 1) widens the interval; a plain Poisson test would call chance clusters real.
    A group with no episode gets half an episode, so that the ratio and interval stay finite.
    """
    a, b = np.asarray(exposed, dtype=float), np.asarray(unexposed, dtype=float)
    events_a, events_b = a.sum(), b.sum()
    if events_a + events_b == 0:
        return None
    mean_a, mean_b = events_a / a.size, events_b / b.size
    pearson = _pearson(a, mean_a) + _pearson(b, mean_b)
    dispersion = max(1.0, pearson / max(a.size + b.size - 2, 1))
    ea, eb = max(events_a, 0.5), max(events_b, 0.5)
    log_ratio = math.log((ea / a.size) / (eb / b.size))
    se = math.sqrt(dispersion * (1 / ea + 1 / eb))
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
