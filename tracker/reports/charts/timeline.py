"""The charts over time: episodes per week, the calendar of days, and the time of day by weekday."""

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator

from diary.formatting import day_text
from tracker.analysis.aggregates import week_start
from tracker.analysis.findings import Findings
from tracker.reports import drawing
from tracker.reports.charts.base import ACCENT, BAR, WEEKDAY_LABELS, Chart, ChartInput, chart_of
from tracker.reports.drawing import Layout

# Episodes per week


def _weeks(data: ChartInput) -> list[tuple[date, int]]:
    first = date.fromisoformat(data.aggregates["first_week"])
    return [(first + timedelta(weeks=i), n) for i, n in enumerate(data.aggregates["weeks"])]


def per_week_chart(data: ChartInput, layout: Layout = drawing.WIDE) -> Chart:
    weeks = _weeks(data)
    trend = data.findings["trend"]
    recent_from = data.end - timedelta(days=trend["recent_days"] - 1)
    figure, axes = drawing.new_figure(height=2.4, width=layout.width)
    xs = list(range(len(weeks)))
    colours = [ACCENT if week + timedelta(days=6) >= recent_from else BAR for week, _ in weeks]
    axes.bar(xs, [n for _, n in weeks], color=colours, width=0.8)
    if trend["direction"] != "not_enough_data":
        # The trend compares episodes per day of the last four weeks with the days before:
        # drawn as those two averages, in episodes per week, over the weeks they cover.
        earlier = 7 * trend["earlier_episodes"] / max(trend["earlier_days"], 1)
        recent = 7 * trend["recent_episodes"] / max(trend["recent_days"], 1)
        split = next((i for i, c in enumerate(colours) if c == ACCENT), len(weeks))
        axes.plot([-0.5, split - 0.5], [earlier, earlier], color="#222222", linewidth=1.2, linestyle="--")
        axes.plot([split - 0.5, len(weeks) - 0.5], [recent, recent], color="#222222", linewidth=1.2)
    _date_ticks(axes, [week for week, _ in weeks], layout)
    axes.yaxis.set_major_locator(drawing.whole_counts())
    axes.tick_params(axis="y", labelsize=layout.label)
    axes.set_ylabel("episodes per week", fontsize=layout.label)
    axes.set_xlim(-0.6, len(weeks) - 0.4)
    caption = _trend_caption(data.findings)
    if data.aggregates["weeks_cut"]:
        caption += f" The last {len(weeks)} weeks are shown."
    rows = tuple((week.isoformat(), str(n)) for week, n in weeks)
    return chart_of("per_week", "Episodes per week", caption, figure, (("Week starting", "Episodes"), rows), layout)


def _trend_caption(findings: Findings) -> str:
    trend = findings["trend"]
    base = "Bars: episodes in each week (Monday to Sunday); the last four weeks in red."
    if trend["direction"] == "not_enough_data":
        return f"{base} No trend is given: {trend['reason'][0].lower()}{trend['reason'][1:]}"
    return (
        f"{base} Lines: the average per week before (dashed) and during the last four weeks, "
        f"{trend['rate_ratio']:.1f} times as many in the last four (between {trend['ci_low']:.1f} and "
        f"{trend['ci_high']:.1f} times)."
    )


def _date_ticks(axes: Axes, weeks: Sequence[date], layout: Layout) -> None:
    """At most `layout.dates` labels, whatever the period's length (a phone's without the year)."""
    step = max(1, math.ceil(len(weeks) / layout.dates))
    positions = list(range(0, len(weeks), step))
    axes.xaxis.set_major_locator(FixedLocator(positions))
    shape = "%-d %b" if layout.narrow else "%-d %b %y"
    axes.set_xticklabels([weeks[i].strftime(shape) for i in positions], fontsize=layout.tick)


# Calendar

NARROW_WEEKS = 12  # a phone's calendar: the last twelve weeks, in squares it can show


def calendar_chart(data: ChartInput, layout: Layout = drawing.WIDE) -> Chart:
    """One square per day, a column per week, shaded by the day's episodes."""
    date_from = date.fromisoformat(data.aggregates["calendar_from"])
    per_day = {date_from + timedelta(days=i): n for i, n in enumerate(data.aggregates["days"])}
    first = week_start(date_from)
    note = ""
    if layout.narrow and (data.end - first).days // 7 + 1 > NARROW_WEEKS:
        first = week_start(data.end) - timedelta(weeks=NARROW_WEEKS - 1)
        note = f"On a small screen the picture shows the last {NARROW_WEEKS} weeks; the table has every day."
    figure, mesh = _calendar_figure(per_day, first, data.end, layout)
    busiest = max(per_day.values(), default=0)
    _colour_bar(figure, figure.axes[0], mesh, layout)
    days_with = sum(1 for n in per_day.values() if n)
    caption = (
        f"One square per day; the darker, the more episodes. {days_with} of {len(per_day)} days from "
        f"{day_text(date_from)} to {day_text(data.end)} had at least one episode (the busiest {busiest})."
    )
    rows = tuple((day.isoformat(), str(n)) for day, n in per_day.items() if n)
    return chart_of("calendar", "Days with twitching", caption, figure, (("Date", "Episodes"), rows), layout, note)


def _calendar_figure(per_day: dict[date, int], first: date, end: date, layout: Layout) -> tuple[Figure, Any]:
    columns = (end - first).days // 7 + 1
    grid = [[math.nan] * columns for _ in range(7)]
    for day, count in per_day.items():
        if day >= first:
            grid[day.weekday()][(day - first).days // 7] = count
    # Squares of at most a third of an inch: a fortnight stays a small strip, a year fills the width.
    margin = 1.4 if not layout.narrow else 1.5
    cell = min((layout.width - margin) / columns, 0.33)
    figure, axes = drawing.new_figure(height=cell * 7 + 0.55, width=min(layout.width, cell * columns + margin))
    busiest = max(per_day.values(), default=0)
    mesh = axes.pcolormesh(_masked(grid), cmap="Blues", vmin=0, vmax=max(busiest, 1), edgecolors="white", linewidth=0.8)
    axes.invert_yaxis()
    axes.set_aspect("equal")
    axes.yaxis.set_major_locator(FixedLocator([0.5, 2.5, 4.5, 6.5]))
    axes.set_yticklabels(["Mon", "Wed", "Fri", "Sun"], fontsize=layout.tick)
    mondays = [first + timedelta(days=7 * c) for c in range(columns)]
    step = max(1, math.ceil(columns / (layout.dates if layout.narrow else 10)))
    axes.xaxis.set_major_locator(FixedLocator([c + 0.5 for c in range(0, columns, step)]))
    axes.set_xticklabels([mondays[c].strftime("%-d %b") for c in range(0, columns, step)], fontsize=layout.tick)
    axes.tick_params(length=0)
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    return figure, mesh


def _colour_bar(figure: Figure, axes: Axes, mesh: Any, layout: Layout) -> None:
    """The shades' key, ticked in whole episodes (drawing.whole_counts)."""
    colourbar = figure.colorbar(mesh, ax=axes, fraction=0.03 if not layout.narrow else 0.05, pad=0.015, aspect=8)
    if colourbar.solids is not None:  # else drawn as an SVG <image> with a transform, which fpdf2 cannot place
        colourbar.solids.set_rasterized(False)
    colourbar.locator = drawing.whole_counts()
    colourbar.set_label("episodes", fontsize=layout.tick)
    colourbar.ax.tick_params(labelsize=layout.tick)


def _masked(grid: list[list[float]]) -> np.ma.MaskedArray[Any, Any]:
    """Days outside the period stay blank rather than read as days without twitching."""
    return np.ma.masked_invalid(np.array(grid, dtype=float))


# Time of day by weekday


def time_of_day_chart(data: ChartInput, layout: Layout = drawing.WIDE) -> Chart:
    """A 7 x 24 heat map: a row per weekday, a column per hour the episodes started (a phone's
    hours ticked every six)."""
    grid = data.aggregates["weekday_hour"]
    figure, axes = drawing.new_figure(height=2.4, width=layout.width)
    mesh = axes.pcolormesh(np.array(grid, dtype=float), cmap="Blues", vmin=0, vmax=max(max(map(max, grid)), 1))
    mesh.set_edgecolor("white")
    mesh.set_linewidth(0.5 if not layout.narrow else 0.3)
    axes.invert_yaxis()
    axes.yaxis.set_major_locator(FixedLocator([i + 0.5 for i in range(7)]))
    axes.set_yticklabels(WEEKDAY_LABELS, fontsize=layout.tick)
    hours = range(0, 25, 6 if layout.narrow else 3)
    axes.xaxis.set_major_locator(FixedLocator(list(hours)))
    axes.set_xticklabels([f"{hour:02d}:00" for hour in hours], fontsize=layout.tick)
    axes.tick_params(length=0)
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    _colour_bar(figure, axes, mesh, layout)
    timing = data.findings["timing"]
    caption = "Episodes by weekday and the hour they started, in local time at the place they happened."
    peak, day = timing["time_of_day"]["peak"], timing["weekday"]["peak"]
    caption += f" The analysis found a peak in the {peak}." if peak else " The analysis found no peak in the day."
    caption += f" More episodes on {day.capitalize()}s." if day else ""
    rows = tuple(
        (f"{hour:02d}:00-{hour:02d}:59", *(str(grid[weekday][hour]) for weekday in range(7))) for hour in range(24)
    )
    table = (("Hour", *WEEKDAY_LABELS), rows)
    return chart_of("time_of_day", "Time of day by weekday", caption, figure, table, layout)
