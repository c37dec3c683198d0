"""Is it getting more or less frequent? The last four weeks against the weeks before."""

from collections import Counter

from diary.plain import Diary

from .findings import Direction, Trend, TrendDays
from .stats import TOO_LOPSIDED, compare_day_counts, rounded

RECENT_DAYS = 28
MIN_DAYS_EACH = 14
MIN_EPISODES = 10


def trend(diary: Diary) -> Trend:
    # Days as ordinals, so that "four weeks before" the first days of the calendar is a number
    # rather than an OverflowError; day counts are filled from the episodes' days, not by
    # walking a period that may span centuries.
    per_day = diary.episodes_per_day
    end = diary.end.toordinal()
    start = max(diary.start.toordinal(), min(per_day, default=end))  # from the first episode on
    split = max(end - RECENT_DAYS + 1, start)  # the first recent day
    recent, earlier = _counts(per_day, split, end + 1), _counts(per_day, start, split)
    base: TrendDays = {
        "recent_days": len(recent),
        "earlier_days": len(earlier),
        "recent_episodes": sum(recent),
        "earlier_episodes": sum(earlier),
    }
    if len(recent) < MIN_DAYS_EACH or len(earlier) < MIN_DAYS_EACH:
        return {
            **base,
            "direction": "not_enough_data",
            "reason": f"Needs {MIN_DAYS_EACH} days before the last 4 weeks.",
        }
    if base["recent_episodes"] + base["earlier_episodes"] < MIN_EPISODES:
        return {**base, "direction": "not_enough_data", "reason": f"Needs at least {MIN_EPISODES} episodes."}
    result = compare_day_counts(recent, earlier)
    if result is None:
        return {**base, "direction": "not_enough_data", "reason": TOO_LOPSIDED}
    return {
        **base,
        "direction": _direction(result.ci_low, result.ci_high),
        "rate_ratio": rounded(result.ratio),
        "ci_low": rounded(result.ci_low),
        "ci_high": rounded(result.ci_high),
        "p_value": rounded(result.p_value, 4),
    }


def _direction(ci_low: float, ci_high: float) -> Direction:
    if ci_low > 1:
        return "more_frequent"
    if ci_high < 1:
        return "less_frequent"
    return "stable"  # the data cannot tell a change from chance


def _counts(per_day: Counter[int], first: int, stop: int) -> list[int]:
    """Episodes on each day from ordinal `first` up to `stop` (excluded), zeros included."""
    counts = [0] * max(stop - first, 0)
    for day, n in per_day.items():
        if first <= day < stop:
            counts[day - first] = n
    return counts
