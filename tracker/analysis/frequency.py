"""How often, how long, how strong."""

from collections import Counter
from datetime import date

import numpy as np

from diary.plain import Diary

from .findings import BusiestDay, Frequency, Spread


def frequency(diary: Diary) -> Frequency:
    episodes = diary.episodes
    per_day = diary.episodes_per_day
    weeks = max(diary.days / 7, 1 / 7)
    # An episode still going counts as an episode everywhere, but has no duration yet: the
    # durations are those of the episodes that ended, and `still_going` says how many did not.
    ended = [e.duration_seconds for e in episodes if e.duration_seconds is not None]
    durations = np.fromiter(ended, dtype=float, count=len(ended))
    intensities = np.fromiter((e.intensity for e in episodes), dtype=float, count=len(episodes))
    return {
        "episodes": len(episodes),
        "days": diary.days,
        "days_covered": diary.days,
        "days_with_twitching": len(per_day),
        "share_of_days_with_twitching": round(len(per_day) / diary.days, 3),
        "per_day": round(len(episodes) / diary.days, 3),
        "per_week": round(len(episodes) / weeks, 2),
        "busiest_day": _busiest(per_day),
        "duration_seconds": _spread(durations),
        "still_going": len(episodes) - len(ended),
        "intensity": {**_spread(intensities), "counts": _counts(intensities)},
        "patterns": dict(Counter(e.pattern for e in episodes if e.pattern is not None).most_common()),
        "patterns_not_recorded": sum(1 for e in episodes if e.pattern is None),
    }


def _busiest(per_day: Counter[int]) -> BusiestDay | None:
    if not per_day:
        return None
    day, count = max(per_day.items(), key=lambda item: (item[1], item[0]))
    return {"date": date.fromordinal(day).isoformat(), "episodes": count}


def _spread(values: np.ndarray) -> Spread:
    if values.size == 0:
        return {"median": None, "mean": None, "p90": None, "max": None}
    return {
        "median": round(float(np.median(values)), 1),
        "mean": round(float(values.mean()), 1),
        "p90": round(float(np.percentile(values, 90)), 1),
        "max": round(float(values.max()), 1),
    }


def _counts(intensities: np.ndarray) -> dict[str, int]:
    levels = np.bincount(intensities.astype(int), minlength=11)[1:11] if intensities.size else np.zeros(10, int)
    return {str(level): int(count) for level, count in enumerate(levels, start=1)}
