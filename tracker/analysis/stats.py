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


@dataclass(frozen=True)
class LogRateRatio:
    """An estimated log rate ratio and its standard error. `df` is the residual degrees of
    freedom when the dispersion was estimated from a model's days (Student's t), None for the
    large-sample normal approximation."""

    estimate: float
    se: float
    df: float | None = None

    @property
    def p_value(self) -> float:
        """Two-sided, against a rate ratio of 1."""
        z = abs(self.estimate) / self.se
        return float(2 * (stats.norm.sf(z) if self.df is None else stats.t.sf(z, self.df)))

    def critical(self, tail: float) -> float:
        """The multiple of the standard error that leaves `tail` outside on each side."""
        return float(stats.norm.isf(tail) if self.df is None else stats.t.isf(tail, self.df))

    def rate_ratio(self, tail: float = 0.025) -> RateRatio | None:
        """The ratio with its interval at the 1 - 2 * tail level; None when the interval's ends
        exceed any float, which no number can state."""
        half_width = self.critical(tail) * self.se
        if abs(self.estimate) + half_width > LARGEST_EXPONENT:
            return None
        return RateRatio(
            ratio=math.exp(self.estimate),
            ci_low=math.exp(self.estimate - half_width),
            ci_high=math.exp(self.estimate + half_width),
            p_value=self.p_value,
        )


def compare_day_counts(exposed: Sequence[int], unexposed: Sequence[int]) -> RateRatio | None:
    """Episodes per day on `exposed` days against `unexposed` days, as a rate ratio with a 95%
    interval and a two-sided p-value. None when there is nothing to compare (see
    `log_rate_ratio`) or the interval's upper end exceeds any float (tens of thousands of
    episodes on one day)."""
    log_ratio = log_rate_ratio(exposed, unexposed)
    return None if log_ratio is None else log_ratio.rate_ratio()


def log_rate_ratio(exposed: Sequence[int], unexposed: Sequence[int]) -> LogRateRatio | None:
    """The log rate ratio of episodes per day, `exposed` days against `unexposed` days. None
    when there is nothing to compare: a group without days, or no episode in either group.

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
    return LogRateRatio(
        estimate=math.log((ea / a.size) / (eb / b.size)),
        se=math.sqrt(dispersion * (1 / ea + 1 / eb)),
    )


def _pearson(counts: np.ndarray, mean: float) -> float:
    return float(((counts - mean) ** 2).sum() / mean) if mean > 0 else 0.0


def rounded(value: float, digits: int = 3) -> float:
    return round(float(value), digits)


@dataclass(frozen=True)
class Discovery:
    """One rate ratio of a family tested together: its q-value and its interval at the level
    that agrees with it (`level`, e.g. 0.998)."""

    q_value: float
    level: float
    ratio: RateRatio | None  # None when the interval's ends exceed any float


def false_discoveries(family: Sequence[LogRateRatio | None], rate: float) -> list[Discovery | None]:
    """Benjamini-Yekutieli q-values for a family of rate ratios, and intervals that agree with
    them: false-coverage-rate adjusted intervals (Benjamini and Yekutieli, 2005). With R of the m
    ratios significant (q < rate), each significant one gets an interval at the 1 - R * rate /
    (m * c) level, c = 1 + 1/2 + ... + 1/m, and each other one at 1 - (R + 1) * rate / (m * c).
    The procedure's step-up rule puts every significant p-value below R * rate / (m * c) and every
    other at or above (R + 1) * rate / (m * c), so a ratio is significant exactly when its interval
    excludes 1 (up to floating-point rounding at the boundary itself). Both the rate and the
    coverage hold however the tests depend on each other.

    A member that could not be estimated (None) still counts in m, with a p-value of 1: leaving
    it out would make the others' correction lighter than the family they were tested in."""
    m = len(family)
    if m == 0:
        return []
    p_values = [1.0 if member is None else member.p_value for member in family]
    q_values = stats.false_discovery_control(p_values, method="by")
    significant = int((q_values < rate).sum())
    harmonic = sum(1 / i for i in range(1, m + 1))
    found: list[Discovery | None] = []
    for member, q_value in zip(family, q_values, strict=True):
        if member is None:
            found.append(None)
            continue
        share = (significant if q_value < rate else significant + 1) * rate / (m * harmonic)
        found.append(Discovery(float(q_value), 1 - share, member.rate_ratio(share / 2)))
    return found
