"""The small counts the charts are drawn from, computed from the diary the analysis has already
read: the dashboard stores them with the summary and draws from them, so that a page costs the
same whatever the size of the history; a report computes them from its own range. Pure, like
the rest of the analysis: no ORM, plain JSON out (stored as it is)."""

from datetime import date, timedelta
from typing import TypedDict

from diary.plain import Diary

# The per-week chart of a long diary keeps its last three years: older weeks would make the
# bars hairlines and the stored row grow with the history.
MAX_WEEKS = 156
CALENDAR_DAYS = 365


class ChartAggregates(TypedDict):
    first_week: str  # ISO date of the Monday starting `weeks[0]`
    weeks: list[int]  # episodes in each Monday-to-Sunday week, empty weeks included, to `end`
    weeks_cut: bool  # older weeks of the diary are left out (MAX_WEEKS)
    calendar_from: str  # ISO date of `days[0]`
    days: list[int]  # episodes on each local day from `calendar_from` to `end`
    weekday_hour: list[list[int]]  # 7 rows (Monday first) of 24 hours: episodes by local start
    start: str  # the diary's period, ISO dates, both included
    end: str


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def chart_aggregates(diary: Diary, *, calendar_days: int | None = CALENDAR_DAYS) -> ChartAggregates:
    """Counts over the diary's period; the calendar over its last `calendar_days` (the whole
    period with None). Local dates and hours: each episode's own wall-clock time, at the
    offset it was logged with."""
    per_day = diary.episodes_per_day
    last_week = week_start(diary.end)
    first_week = max(week_start(diary.start), last_week - timedelta(weeks=MAX_WEEKS - 1))
    weeks = [0] * ((last_week - first_week).days // 7 + 1)
    calendar_from = diary.start if calendar_days is None else max(diary.start, diary.end - timedelta(calendar_days - 1))
    days = [0] * ((diary.end - calendar_from).days + 1)
    first_week_ordinal, calendar_ordinal = first_week.toordinal(), calendar_from.toordinal()
    for ordinal, count in per_day.items():
        if ordinal >= first_week_ordinal:
            weeks[(ordinal - first_week_ordinal) // 7] += count
        if ordinal >= calendar_ordinal:
            days[ordinal - calendar_ordinal] += count
    grid = [[0] * 24 for _ in range(7)]
    for episode in diary.episodes:
        grid[episode.local_date.weekday()][episode.local_start.hour] += 1
    return {
        "first_week": first_week.isoformat(),
        "weeks": weeks,
        "weeks_cut": first_week > week_start(diary.start),
        "calendar_from": calendar_from.isoformat(),
        "days": days,
        "weekday_hour": grid,
        "start": diary.start.isoformat(),
        "end": diary.end.isoformat(),
    }
