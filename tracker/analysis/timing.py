"""When, on the user's own clock: time of day and weekday. A peak is named only when a test
says the episodes are not spread evenly."""

from collections import Counter
from datetime import date

from scipy import stats

from .data import Diary
from .findings import Peak, Timing

PARTS = (("night", 0, 6), ("morning", 6, 12), ("afternoon", 12, 18), ("evening", 18, 24))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_EPISODES = 20
ALPHA = 0.05


def timing(diary: Diary) -> Timing:
    hours = Counter(e.local_start.hour for e in diary.episodes)
    weekdays = Counter(e.local_start.weekday() for e in diary.episodes)
    parts = {name: sum(hours[h] for h in range(low, high)) for name, low, high in PARTS}
    # Weekdays are not equally common in every window: expect each in proportion to its days.
    weekday_days = days_per_weekday(diary.start, diary.days)
    return {
        "by_hour": {str(h): hours[h] for h in range(24)},
        "time_of_day": _peak(parts, dict.fromkeys(parts, 1.0), "parts of the day"),
        "weekday": _peak(
            {WEEKDAYS[d]: weekdays[d] for d in range(7)},
            {WEEKDAYS[d]: float(weekday_days[d]) for d in range(7)},
            "weekdays",
        ),
    }


def days_per_weekday(start: date, days: int) -> list[int]:
    """How many of `days` days from `start` fall on each weekday (Monday first). Counted, not
    walked: a period may span centuries, and stepping a date past date.max would raise."""
    weeks, extra = divmod(days, 7)
    return [weeks + ((weekday - start.weekday()) % 7 < extra) for weekday in range(7)]


def _peak(counts: dict[str, int], weights: dict[str, float], what: str) -> Peak:
    """Chi-square test of `counts` against expected shares in proportion to `weights`. A
    category with weight 0 (a weekday the period does not hold) cannot be tested: its expected
    count would be zero, and the statistic NaN or infinite. It is left out, and so are any
    episodes it holds (they lie outside the period)."""
    result: Peak = {"counts": counts, "peak": None}
    possible = {name: weight for name, weight in weights.items() if weight > 0}
    if len(possible) < 2:
        return {**result, "reason": f"Needs a period with at least two {what} to compare."}
    tested = {name: counts[name] for name in possible}
    total = sum(tested.values())
    if total < MIN_EPISODES:
        return {**result, "reason": f"Needs at least {MIN_EPISODES} episodes to look for a peak."}
    weight_sum = sum(possible.values())
    expected = {name: total * weight / weight_sum for name, weight in possible.items()}
    p_value = float(stats.chisquare(list(tested.values()), list(expected.values())).pvalue)
    result["p_value"] = round(p_value, 4)
    if p_value < ALPHA:
        result["peak"] = max(tested, key=lambda name: tested[name] / expected[name])
    else:
        result["reason"] = "Spread evenly as far as the data can tell."
    return result
