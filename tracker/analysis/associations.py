"""Which daily factors go with more twitching? From the check-ins: the episode rate on days with a
factor against days without it, the same day (lag 0) and the day after (lag 1), each factor
adjusted for the others (`adjusted`), with the factor alone beside it.

Only check-in days count: a day without a check-in says nothing about what happened that day.
A factor needs MIN_DAYS days each way, else it says "not enough data yet".

One meaning of "significant": every factor and lag with enough data is one test of a family, and
significant means a Benjamini-Yekutieli q-value below FALSE_DISCOVERY_RATE (it holds however the
tests depend on each other, and factors do go together: short sleep and caffeine). Each interval
is built at the level that agrees with it (`stats.false_discoveries`), so a rate ratio is
significant exactly when its interval excludes 1. The factor alone is shown beside it with a
plain 95% interval, for comparison only: it is never called significant.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from diary.plain import CheckIn, Diary

from .adjusted import TREND_BEND_DAYS, Column, adjusted_log_ratios
from .findings import (
    Association,
    AssociationDays,
    AssociationMethod,
    AssociationNotEnoughData,
    AssociationTested,
    Unadjusted,
)
from .stats import TOO_LOPSIDED, Discovery, LogRateRatio, RateRatio, compare_day_counts, false_discoveries, rounded

MIN_DAYS = 14
FALSE_DISCOVERY_RATE = 0.05
LAGS = (0, 1)


@dataclass(frozen=True)
class Factor:
    name: str
    label: str
    exposed: Callable[[CheckIn], bool | None]  # None: not recorded that day


def _at_least(field: str, threshold: float) -> Callable[[CheckIn], bool | None]:
    def exposed(checkin: CheckIn) -> bool | None:
        value = getattr(checkin, field)
        return None if value is None else value >= threshold

    return exposed


def _below(field: str, threshold: float) -> Callable[[CheckIn], bool | None]:
    def exposed(checkin: CheckIn) -> bool | None:
        value = getattr(checkin, field)
        return None if value is None else value < threshold

    return exposed


FACTORS = (
    Factor("caffeine", "3 or more cups of caffeine", _at_least("caffeine_cups", 3)),
    Factor("short_sleep", "less than 6 hours of sleep", _below("sleep_hours", 6)),
    Factor("high_stress", "stress 7 or more out of 10", _at_least("stress", 7)),
    Factor("exercise", "30 minutes of exercise or more", _at_least("exercise_minutes", 30)),
    Factor("alcohol", "2 units of alcohol or more", _at_least("alcohol_units", 2)),
)


def associations(
    diary: Diary, factors: Sequence[Factor] = FACTORS, lags: Sequence[int] = LAGS, min_days: int = MIN_DAYS
) -> list[Association]:
    # Days as ordinals: "the day before" date.min is no date, but it is an ordinal (0) that no
    # check-in has, where `day - timedelta(days=1)` would raise OverflowError.
    per_day = diary.episodes_per_day
    checkins = {c.day.toordinal(): c for c in diary.checkins if diary.start <= c.day <= diary.end}
    days = np.array(sorted(checkins), dtype=np.int64)  # the outcome days: their counts are known
    counts = np.array([per_day[int(day)] for day in days], dtype=float)
    pairs = [(factor, lag) for factor in factors for lag in lags]
    columns = [_column(factor, lag, days, checkins) for factor, lag in pairs]
    alone = [_alone(column, counts, min_days) for column in columns]
    compared = [i for i, result in enumerate(alone) if isinstance(result, RateRatio)]
    model = adjusted_log_ratios(days, counts, columns, compared, min_days)
    adjusted = _family([model.fitted.get(i) for i in compared], compared)
    findings: list[Association] = []
    for i, ((factor, lag), column) in enumerate(zip(pairs, columns, strict=True)):
        days_of = _days(factor, lag, column, counts)
        found_alone = alone[i]
        if isinstance(found_alone, str):
            findings.append(_not_enough_data(days_of, found_alone, None))
        else:
            reason = model.reasons.get(i, TOO_LOPSIDED)
            findings.append(_finding(days_of, found_alone, adjusted.get(i), model.days, reason))
    return findings


def _family(members: Sequence[LogRateRatio | None], indexes: Sequence[int]) -> dict[int, Discovery]:
    """The family's discoveries by column index; a member with no estimate has none."""
    found = false_discoveries(members, FALSE_DISCOVERY_RATE)
    return {i: discovery for i, discovery in zip(indexes, found, strict=True) if discovery is not None}


def method(findings: Sequence[Association]) -> AssociationMethod:
    """How `findings` were made, with the number of rate ratios tested together."""
    tests = sum(1 for finding in findings if finding["unadjusted"] is not None)
    rate = FALSE_DISCOVERY_RATE
    return {
        "model": "Quasi-Poisson regression of the episodes on each check-in day (Pearson dispersion, never below 1).",
        "adjustment": [
            "every other factor, the same day and the day before",
            f"a slow time trend (a line that may bend every {TREND_BEND_DAYS // 7} weeks)",
            "the weekday",
        ],
        "correction": (
            f"Benjamini-Yekutieli false discovery rate over the {tests} rate ratios tested together, which holds "
            "however the factors go together; the q-value is the corrected p-value."
        ),
        "threshold": rate,
        "intervals": (
            "Adjusted to agree with the q-values (Benjamini and Yekutieli's false-coverage-rate intervals): wider "
            "than plain 95% intervals, at the level each finding states, and wider again where the twitching and "
            "a factor run in spells of days. The factor alone is shown with a plain 95% interval, for comparison "
            "only: not adjusted for anything and never called significant."
        ),
        "significant": (
            f"A rate ratio is significant exactly when its interval excludes 1, which is when its q-value is below "
            f"{rate}. Of the rate ratios called significant, at most {rate:.0%} are expected to be false, and in a "
            f"diary where no factor acts the chance that any is called significant is at most {rate:.0%}. Both "
            "rest on the model: where the twitching and a factor both run in spells of days (a flare in a stressful "
            "week), the intervals are widened for it, but a false finding stays somewhat more likely."
        ),
        "tests": tests,
    }


def _column(factor: Factor, lag: int, days: np.ndarray, checkins: dict[int, CheckIn]) -> Column:
    sources = (checkins.get(int(day) - lag) for day in days)
    flags = [None if source is None else factor.exposed(source) for source in sources]
    label = f"{factor.label} (the day before)" if lag else factor.label
    recorded = np.array([flag is not None for flag in flags], dtype=bool)
    return Column(label=label, recorded=recorded, exposed=np.array([bool(flag) for flag in flags], dtype=bool))


def _alone(column: Column, counts: np.ndarray, min_days: int) -> RateRatio | str:
    """The factor compared alone (a plain 95% interval), or why it cannot be."""
    exposed, unexposed = counts[column.exposed], counts[column.recorded & ~column.exposed]
    if len(exposed) < min_days or len(unexposed) < min_days:
        return f"Not enough data yet: needs {min_days} days each way."
    result = compare_day_counts(exposed.tolist(), unexposed.tolist())
    if result is None:
        return TOO_LOPSIDED if exposed.any() or unexposed.any() else "No episodes on these days yet."
    return result


def _days(factor: Factor, lag: int, column: Column, counts: np.ndarray) -> AssociationDays:
    unexposed = column.recorded & ~column.exposed
    return {
        "factor": factor.name,
        "label": factor.label,
        "lag_days": lag,
        "exposed_days": int(column.exposed.sum()),
        "unexposed_days": int(unexposed.sum()),
        "exposed_episodes": int(counts[column.exposed].sum()),
        "unexposed_episodes": int(counts[unexposed].sum()),
    }


def _finding(
    days: AssociationDays, alone: RateRatio, adjusted: Discovery | None, model_days: int, reason: str
) -> Association:
    unadjusted = _unadjusted(alone)
    if adjusted is None or adjusted.ratio is None:
        return _not_enough_data(days, reason, unadjusted)
    ratio = adjusted.ratio
    finding: AssociationTested = {
        **days,
        "rate_ratio": rounded(ratio.ratio),
        "ci_low": _bound(ratio.ci_low),
        "ci_high": _bound(ratio.ci_high),
        "q_value": _bound(adjusted.q_value, 4, FALSE_DISCOVERY_RATE),
        "significant": bool(adjusted.q_value < FALSE_DISCOVERY_RATE),
        "status": "ok",
        "p_value": rounded(ratio.p_value, 6),
        "unadjusted": unadjusted,
        "model_days": model_days,
        "interval_level": _level(adjusted.level),
    }
    return finding


def _unadjusted(alone: RateRatio) -> Unadjusted:
    """The factor alone, with a plain 95% interval: for comparison only, never a finding (it
    leaves out the other factors, the trend and the weekday, and is not corrected)."""
    return {
        "rate_ratio": rounded(alone.ratio),
        "ci_low": rounded(alone.ci_low),
        "ci_high": rounded(alone.ci_high),
        "p_value": rounded(alone.p_value, 6),
        "interval_level": 0.95,
    }


def _level(level: float) -> float:
    """An interval's level, rounded down: 0.99834 shows as 0.9983, never as more than it is."""
    return math.floor(level * 10_000) / 10_000


def _bound(value: float, digits: int = 3, line: float = 1.0) -> float:
    """`value` rounded, with as many more digits as it takes to stay on its side of `line`: an
    interval's end at 1.0004 shown as 1.0 would seem to touch 1 while the finding is significant."""
    shown = round(value, digits)
    while shown == line and value != line and digits < 12:
        digits += 1
        shown = round(value, digits)
    return shown


def _not_enough_data(days: AssociationDays, reason: str, unadjusted: Unadjusted | None) -> AssociationNotEnoughData:
    return {
        **days,
        "rate_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "q_value": None,
        "significant": False,
        "status": "not_enough_data",
        "reason": reason,
        "unadjusted": unadjusted,
    }
