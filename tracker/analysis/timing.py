"""When, on the user's own clock: time of day and weekday. A peak is named only when a test
says the episodes are not spread evenly."""

from collections import Counter
from datetime import timedelta
from typing import Any

from scipy import stats

from .data import Diary

PARTS = (("night", 0, 6), ("morning", 6, 12), ("afternoon", 12, 18), ("evening", 18, 24))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_EPISODES = 20
ALPHA = 0.05


def timing(diary: Diary) -> dict[str, Any]:
    hours = Counter(e.local_start.hour for e in diary.episodes)
    weekdays = Counter(e.local_start.weekday() for e in diary.episodes)
    parts = {name: sum(hours[h] for h in range(low, high)) for name, low, high in PARTS}
    # Weekdays are not equally common in every window: expect each in proportion to its days.
    weekday_days = Counter((diary.start + timedelta(days=i)).weekday() for i in range(diary.days))
    return {
        "by_hour": {str(h): hours[h] for h in range(24)},
        "time_of_day": _peak(parts, dict.fromkeys(parts, 1.0)),
        "weekday": _peak(
            {WEEKDAYS[d]: weekdays[d] for d in range(7)}, {WEEKDAYS[d]: float(weekday_days[d]) for d in range(7)}
        ),
    }


def _peak(counts: dict[str, int], weights: dict[str, float]) -> dict[str, Any]:
    total = sum(counts.values())
    result: dict[str, Any] = {"counts": counts, "peak": None}
    if total < MIN_EPISODES:
        return {**result, "reason": f"Needs at least {MIN_EPISODES} episodes to look for a peak."}
    weight_sum = sum(weights.values())
    expected = [total * weights[name] / weight_sum for name in counts]
    test = stats.chisquare(list(counts.values()), expected)
    p_value = float(test.pvalue)
    result["p_value"] = round(p_value, 4)
    if p_value < ALPHA:
        excess = {name: counts[name] / e for name, e in zip(counts, expected, strict=True) if e > 0}
        result["peak"] = max(excess, key=lambda name: excess[name])
    else:
        result["reason"] = "Spread evenly as far as the data can tell."
    return result
