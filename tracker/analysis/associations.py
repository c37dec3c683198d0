"""Which daily factors go with more twitching? From the check-ins: the episode rate on days
with a factor against days without it, the same day (lag 0) and the day after (lag 1).

Only check-in days count: a day without a check-in says nothing about what happened that day.
Every comparison needs MIN_DAYS days in each group, else it says "not enough data yet". The
p-values of all factors and lags are corrected together (Benjamini-Yekutieli: the tests share
days and the factors go together, e.g. short sleep and caffeine, so the correction must hold
under dependence), and only q < Q_THRESHOLD is called significant.
"""

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from scipy import stats

from .data import CheckIn, Diary
from .findings import Association, AssociationDays, AssociationNotEnoughData, AssociationTested
from .stats import TOO_LOPSIDED, RateRatio, compare_day_counts, rounded

MIN_DAYS = 14
Q_THRESHOLD = 0.1
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
    per_day = Counter(e.local_date.toordinal() for e in diary.episodes)
    checkins = {c.day.toordinal(): c for c in diary.checkins if diary.start <= c.day <= diary.end}
    compared = [_compare(factor, lag, checkins, per_day, min_days) for factor in factors for lag in lags]
    p_values = [c.p_value for c in compared if isinstance(c, _Rated)]
    q_values: Iterator[float] = iter(stats.false_discovery_control(p_values, method="by") if p_values else [])
    return [c.finding(next(q_values)) if isinstance(c, _Rated) else c for c in compared]


@dataclass(frozen=True)
class _Rated:
    """A comparison with a rate ratio, waiting for its q-value: the p-values of all factors and
    lags are corrected together."""

    days: AssociationDays
    ratio: RateRatio

    @property
    def p_value(self) -> float:
        return rounded(self.ratio.p_value, 6)

    def finding(self, q_value: float) -> AssociationTested:
        return {
            **self.days,
            "rate_ratio": rounded(self.ratio.ratio),
            "ci_low": rounded(self.ratio.ci_low),
            "ci_high": rounded(self.ratio.ci_high),
            "q_value": rounded(q_value, 4),
            "significant": bool(q_value < Q_THRESHOLD),
            "status": "ok",
            "p_value": self.p_value,
        }


def _compare(
    factor: Factor, lag: int, checkins: dict[int, CheckIn], per_day: Counter[int], min_days: int
) -> AssociationNotEnoughData | _Rated:
    exposed: list[int] = []
    unexposed: list[int] = []
    for day in checkins:  # the outcome day: the user checked in, so its count is known
        source = checkins.get(day - lag)
        flag = factor.exposed(source) if source is not None else None
        if flag is not None:
            (exposed if flag else unexposed).append(per_day[day])
    days: AssociationDays = {
        "factor": factor.name,
        "label": factor.label,
        "lag_days": lag,
        "exposed_days": len(exposed),
        "unexposed_days": len(unexposed),
        "exposed_episodes": sum(exposed),
        "unexposed_episodes": sum(unexposed),
    }
    if len(exposed) < min_days or len(unexposed) < min_days:
        return _not_enough_data(days, f"Not enough data yet: needs {min_days} days each way.")
    result = compare_day_counts(exposed, unexposed)
    if result is None:
        any_episodes = days["exposed_episodes"] or days["unexposed_episodes"]
        return _not_enough_data(days, TOO_LOPSIDED if any_episodes else "No episodes on these days yet.")
    return _Rated(days, result)


def _not_enough_data(days: AssociationDays, reason: str) -> AssociationNotEnoughData:
    return {
        **days,
        "rate_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "q_value": None,
        "significant": False,
        "status": "not_enough_data",
        "reason": reason,
    }
