"""Is it getting more or less frequent? The last four weeks against the weeks before."""

from collections import Counter
from datetime import timedelta
from typing import Any

from .data import Diary
from .stats import compare_day_counts, rounded

RECENT_DAYS = 28
MIN_DAYS_EACH = 14
MIN_EPISODES = 10


def trend(diary: Diary) -> dict[str, Any]:
    per_day = Counter(e.local_date for e in diary.episodes)
    first_active = min(per_day, default=diary.end)
    start = max(diary.start, first_active)
    split = diary.end - timedelta(days=RECENT_DAYS - 1)
    recent_days = [diary.end - timedelta(days=i) for i in range(RECENT_DAYS) if diary.end - timedelta(days=i) >= start]
    earlier_days = [start + timedelta(days=i) for i in range((split - start).days)]
    base = {
        "recent_days": len(recent_days),
        "earlier_days": len(earlier_days),
        "recent_episodes": sum(per_day[d] for d in recent_days),
        "earlier_episodes": sum(per_day[d] for d in earlier_days),
    }
    if len(recent_days) < MIN_DAYS_EACH or len(earlier_days) < MIN_DAYS_EACH:
        return {
            **base,
            "direction": "not_enough_data",
            "reason": f"Needs {MIN_DAYS_EACH} days before the last 4 weeks.",
        }
    if base["recent_episodes"] + base["earlier_episodes"] < MIN_EPISODES:
        return {**base, "direction": "not_enough_data", "reason": f"Needs at least {MIN_EPISODES} episodes."}
    result = compare_day_counts([per_day[d] for d in recent_days], [per_day[d] for d in earlier_days])
    assert result is not None  # there are episodes
    if result.ci_low > 1:
        direction = "more_frequent"
    elif result.ci_high < 1:
        direction = "less_frequent"
    else:
        direction = "stable"  # the data cannot tell a change from chance
    return {
        **base,
        "direction": direction,
        "rate_ratio": rounded(result.ratio),
        "ci_low": rounded(result.ci_low),
        "ci_high": rounded(result.ci_high),
        "p_value": rounded(result.p_value, 4),
    }
