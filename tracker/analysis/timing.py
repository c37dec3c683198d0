"""When, on the user's own clock: time of day and weekday. A peak is named only when a test finds
one; otherwise the finding says the episodes are spread evenly as far as the data can tell, with
the counts.

Both tests work on days, not on single episodes: twitches cluster (a bad day has six, often
close together), and a test that counts each episode as independent finds peaks in noise.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date

import numpy as np
from scipy import stats

from diary.plain import Diary, Episode

from .data import ordinal_weekday
from .findings import TimeOfDayPeak, Timing, WeekdayPeak

PARTS = (("night", 0, 6), ("morning", 6, 12), ("afternoon", 12, 18), ("evening", 18, 24))
# The hours a person is taken to be awake: the night is empty because people sleep, so counting
# it against an even share would find a "peak" in any diary.
WAKING = ("morning", "afternoon", "evening")
WINDOW = {"start": "06:00", "end": "24:00"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_EPISODES = 20
MIN_DAYS = 10  # days with an episode in the waking hours, for the time of day
MIN_WEEKS = 4  # for the weekday: each weekday seen at least this often
# The two timing tests share the summary's 5% (Bonferroni), as the associations share theirs: in a
# diary with no pattern, the chance that either names a peak stays at most 5%.
ALPHA = 0.05 / 2
EVEN = "Spread evenly as far as the data can tell."
TIED = "Not spread evenly, but no single part of the day stands out."

TIME_OF_DAY_TEST = (
    "The episodes between 06:00 and midnight (the hours taken as waking; night-time episodes are counted, not "
    "compared) against an even share for morning, afternoon and evening, tested on each day's shares (Hotelling's "
    "T-squared), so that a day with many episodes counts as one day, not as many independent episodes. A peak "
    f"is named when p < {ALPHA} (the two timing tests share 5%)."
)
WEEKDAY_TEST = (
    "The episodes per day on each weekday, from the first episode on, in a quasi-Poisson F-test on the daily "
    "counts (busy days count as days, not as many independent episodes). A peak is named when p < "
    f"{ALPHA} (the two timing tests share 5%)."
)


def timing(diary: Diary) -> Timing:
    hours = Counter(e.local_start.hour for e in diary.episodes)
    return {
        "by_hour": {str(h): hours[h] for h in range(24)},
        "time_of_day": time_of_day(diary.episodes, hours),
        "weekday": weekday(diary),
    }


def days_per_weekday(start: date, days: int) -> list[int]:
    """How many of `days` days from `start` fall on each weekday (Monday first). Counted, not
    walked: a period may span centuries, and stepping a date past date.max would raise."""
    weeks, extra = divmod(days, 7)
    return [weeks + ((weekday - start.weekday()) % 7 < extra) for weekday in range(7)]


def time_of_day(episodes: Sequence[Episode], hours: Counter[int]) -> TimeOfDayPeak:
    counts = {name: sum(hours[h] for h in range(low, high)) for name, low, high in PARTS}
    inside = sum(counts[name] for name in WAKING)
    per_day = _waking_counts_per_day(episodes)
    result: TimeOfDayPeak = {
        "counts": counts,
        "peak": None,
        "test": TIME_OF_DAY_TEST,
        "days": len(per_day),
        "window": {"start": WINDOW["start"], "end": WINDOW["end"]},
        "outside_window": counts["night"],
        "shares": {name: round(counts[name] / inside, 3) if inside else 0.0 for name in WAKING},
    }
    if inside < MIN_EPISODES or len(per_day) < MIN_DAYS:
        reason = f"Needs at least {MIN_EPISODES} episodes on {MIN_DAYS} days between 06:00 and midnight."
        return {**result, "reason": reason}
    shares = np.array(per_day, dtype=float)
    shares /= shares.sum(axis=1, keepdims=True)
    day_shares = dict(zip(WAKING, (round(float(share), 3) for share in shares.mean(axis=0)), strict=True))
    result["day_shares"] = day_shares
    p_value = _even_share_p_value(shares)
    result["p_value"] = round(p_value, 4)
    # The peak is the part the test found: the largest share of the average day (a few busy
    # evenings can hold most episodes while most days twitch in the morning). A tie names none.
    ranked = sorted(WAKING, key=lambda name: day_shares[name], reverse=True)
    if p_value >= ALPHA or day_shares[ranked[0]] == day_shares[ranked[1]]:
        return {**result, "reason": EVEN if p_value >= ALPHA else TIED}
    return {**result, "peak": ranked[0]}


def _waking_counts_per_day(episodes: Sequence[Episode]) -> list[list[int]]:
    """For each day with an episode in the waking hours: its episodes in each waking part."""
    days: dict[date, list[int]] = {}
    for episode in episodes:
        part = episode.local_start.hour // 6 - 1  # morning 0, afternoon 1, evening 2; night -1
        if part >= 0:
            days.setdefault(episode.local_date, [0, 0, 0])[part] += 1
    return list(days.values())


def _even_share_p_value(shares: np.ndarray) -> float:
    """Does each waking part hold a third of the episodes? Each day gives its departure from an
    even split (its share of episodes in each part minus a third), and Hotelling's T-squared asks
    whether those departures average zero. The days are the independent units, each weighing
    the same, so a cluster of episodes counts as the one day it came from (a bad evening with six
    twitches is one evening). Two of the three parts suffice: the third follows."""
    departures = (shares - 1 / 3)[:, :2]
    days, mean = len(departures), departures.mean(axis=0)
    covariance = np.cov(departures, rowvar=False)
    if np.linalg.matrix_rank(covariance) < 2:
        # Every day splits the same way: an uneven split that never varies is a peak, an even one is not.
        return 0.0 if np.abs(mean).max() > 1e-9 else 1.0
    t_squared = days * float(mean @ np.linalg.solve(covariance, mean))
    f_value = (days - 2) / (2 * (days - 1)) * t_squared
    return float(stats.f.sf(f_value, 2, days - 2))


def weekday(diary: Diary) -> WeekdayPeak:
    per_day = diary.episodes_per_day
    start, end = diary.start.toordinal(), diary.end.toordinal()
    first = min((day for day in per_day if start <= day <= end), default=end)  # from the first episode on
    days = end - first + 1
    day_counts = days_per_weekday(date.fromordinal(first), days)
    totals, squares = [0] * 7, [0] * 7
    for day, n in per_day.items():
        if first <= day <= end:
            totals[ordinal_weekday(day)] += n
            squares[ordinal_weekday(day)] += n * n
    result: WeekdayPeak = {
        "counts": {WEEKDAYS[d]: totals[d] for d in range(7)},
        "peak": None,
        "test": WEEKDAY_TEST,
        "days": days,
        "days_per_weekday": {WEEKDAYS[d]: day_counts[d] for d in range(7)},
        "per_day": {WEEKDAYS[d]: round(totals[d] / day_counts[d], 3) if day_counts[d] else 0.0 for d in range(7)},
    }
    if sum(totals) < MIN_EPISODES or days < 7 * MIN_WEEKS:
        reason = f"Needs at least {MIN_EPISODES} episodes over {MIN_WEEKS} weeks from the first one."
        return {**result, "reason": reason}
    p_value = _weekday_p_value(totals, squares, day_counts)
    result["p_value"] = round(p_value, 4)
    if p_value >= ALPHA:
        return {**result, "reason": EVEN}
    return {**result, "peak": WEEKDAYS[max(range(7), key=lambda d: totals[d] / day_counts[d])]}


def _weekday_p_value(totals: list[int], squares: list[int], day_counts: list[int]) -> float:
    """Quasi-Poisson F-test of one rate per weekday against one rate for all days, from sums
    alone (a year of days needs no array). The dispersion is the Pearson statistic of the
    weekday model over its residual degrees of freedom, never below 1."""
    n, total = sum(day_counts), sum(totals)
    overall = total / n
    deviance, pearson = 0.0, 0.0
    for y, y2, days in zip(totals, squares, day_counts, strict=True):
        if y:  # a weekday without episodes adds nothing to either sum
            mean = y / days
            deviance += 2 * y * np.log(mean / overall)
            pearson += (y2 - days * mean * mean) / mean
    dispersion = max(1.0, pearson / (n - 7))
    return float(stats.f.sf(deviance / 6 / dispersion, 6, n - 7))
