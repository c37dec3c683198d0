"""The charts, drawn once as SVG: the PDF embeds them, the dashboard, the share page and the
admin inline them. One module, so that a doctor sees the same picture on paper and on screen.

Each chart is drawn from a small typed input (ChartInput: the counts of
tracker.analysis.aggregates, the findings, the names), built either from a report's diary
(report_charts) or from what a summary stored when the analysis ran (dashboard_charts): one
drawing code, and a dashboard that never reads the diary.

How a figure becomes SVG is tracker.reports.drawing's. Text is drawn as paths: the SVG then
needs no font where it is shown, and fpdf2 (which does not render SVG text) draws it as it
looks here. The chart's title and caption are also printed around the picture as text, which a
reader can search and select.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import matplotlib
import numpy as np
from django.utils.html import format_html
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from diary.body_outline import TITLE_HEIGHT, VIEWS, Shape, View, render_view, sides_drawn, view_title
from diary.formatting import day_text
from tracker.analysis.aggregates import ChartAggregates, chart_aggregates, week_start
from tracker.analysis.findings import AssociationTested, Findings
from tracker.reports import drawing
from tracker.reports.assembly import Names, ReportData

BAR = "#3b6ea5"
MUTED = "#9aa5b1"
ACCENT = "#c0392b"
WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Chart:
    key: str  # "per_week", "calendar", "time_of_day", "locations", "body", "associations"
    title: str
    caption: str  # one or two plain sentences shown under the chart
    svg: str  # one inline <svg role="img"> with <title> and <desc>, no prolog, no style, ids unique per chart
    headers: tuple[str, ...]  # the chart's data as a table (for screen readers)
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ChartInput:
    """What every chart is drawn from: a few hundred numbers, whatever the diary's size."""

    aggregates: ChartAggregates
    findings: Findings
    names: Names

    @property
    def end(self) -> date:
        return date.fromisoformat(self.aggregates["end"])


Builder = Callable[[ChartInput], "Chart | None"]


def report_charts(report: ReportData) -> list[Chart]:
    """The charts that have something to show: none for a period without episodes, and the
    forest plot only when at least one association could be tested. The calendar covers the
    report's whole period."""
    if not report.episodes:
        return []
    data = ChartInput(chart_aggregates(report.diary, calendar_days=None), report.findings, report.names)
    return _draw(data, (per_week_chart, calendar_chart, time_of_day_chart, locations_chart, associations_chart))


def dashboard_charts(data: ChartInput) -> list[Chart]:
    """The dashboard's charts, from a stored summary: the body outline in place of the bars."""
    if not data.findings["frequency"]["episodes"]:
        return []
    return _draw(data, (per_week_chart, calendar_chart, time_of_day_chart, body_chart, associations_chart))


def _draw(data: ChartInput, builders: Sequence[Builder]) -> list[Chart]:
    charts = []
    for build in builders:
        # rcParams are read as the artists are made (fonts, spines) and when saving (SVG text
        # as paths): the whole drawing happens inside the context, which restores them after.
        with matplotlib.rc_context(drawing.RC):
            chart = build(data)
        if chart is not None:
            charts.append(chart)
    return charts


# Episodes per week


def _weeks(data: ChartInput) -> list[tuple[date, int]]:
    first = date.fromisoformat(data.aggregates["first_week"])
    return [(first + timedelta(weeks=i), n) for i, n in enumerate(data.aggregates["weeks"])]


def per_week_chart(data: ChartInput) -> Chart:
    weeks = _weeks(data)
    trend = data.findings["trend"]
    recent_from = data.end - timedelta(days=trend["recent_days"] - 1)
    figure, axes = drawing.new_figure(height=2.4)
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
    _date_ticks(axes, [week for week, _ in weeks])
    axes.yaxis.set_major_locator(drawing.whole_counts())
    axes.set_ylabel("episodes per week")
    axes.set_xlim(-0.6, len(weeks) - 0.4)
    caption = _trend_caption(data.findings)
    if data.aggregates["weeks_cut"]:
        caption += f" The last {len(weeks)} weeks are shown."
    rows = tuple((week.isoformat(), str(n)) for week, n in weeks)
    return _chart("per_week", "Episodes per week", caption, figure, ("Week starting", "Episodes"), rows)


def _trend_caption(findings: Findings) -> str:
    trend = findings["trend"]
    base = "Bars: episodes in each week (Monday to Sunday); the last four weeks in red."
    if trend["direction"] == "not_enough_data":
        return f"{base} No trend is given: {trend['reason'][0].lower()}{trend['reason'][1:]}"
    return (
        f"{base} Lines: the average per week before (dashed) and during the last four weeks; "
        f"rate ratio {trend['rate_ratio']:.2f} (95% interval {trend['ci_low']:.2f} to {trend['ci_high']:.2f})."
    )


def _date_ticks(axes: Axes, weeks: Sequence[date]) -> None:
    """At most about ten labels, whatever the period's length."""
    step = max(1, math.ceil(len(weeks) / 10))
    positions = list(range(0, len(weeks), step))
    axes.xaxis.set_major_locator(FixedLocator(positions))
    axes.set_xticklabels([weeks[i].strftime("%-d %b %y") for i in positions], fontsize=7)


# Calendar


def calendar_chart(data: ChartInput) -> Chart:
    """One square per day, a column per week, shaded by the day's episodes."""
    date_from = date.fromisoformat(data.aggregates["calendar_from"])
    per_day = {date_from + timedelta(days=i): n for i, n in enumerate(data.aggregates["days"])}
    first = week_start(date_from)
    columns = (data.end - first).days // 7 + 1
    grid = [[math.nan] * columns for _ in range(7)]
    for day, count in per_day.items():
        grid[day.weekday()][(day - first).days // 7] = count
    # Squares of at most a third of an inch: a fortnight stays a small strip, a year fills the width.
    cell = min((drawing.WIDTH_INCHES - 1.4) / columns, 0.33)
    figure, axes = drawing.new_figure(height=cell * 7 + 0.55, width=min(drawing.WIDTH_INCHES, cell * columns + 1.4))
    busiest = max(per_day.values(), default=0)
    mesh = axes.pcolormesh(_masked(grid), cmap="Blues", vmin=0, vmax=max(busiest, 1), edgecolors="white", linewidth=0.8)
    axes.invert_yaxis()
    axes.set_aspect("equal")
    axes.yaxis.set_major_locator(FixedLocator([0.5, 2.5, 4.5, 6.5]))
    axes.set_yticklabels(["Mon", "Wed", "Fri", "Sun"], fontsize=7)
    mondays = [first + timedelta(days=7 * c) for c in range(columns)]
    step = max(1, math.ceil(columns / 10))
    axes.xaxis.set_major_locator(FixedLocator([c + 0.5 for c in range(0, columns, step)]))
    axes.set_xticklabels([mondays[c].strftime("%-d %b") for c in range(0, columns, step)], fontsize=7)
    axes.tick_params(length=0)
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    _colour_bar(figure, axes, mesh)
    days_with = sum(1 for n in per_day.values() if n)
    caption = (
        f"One square per day; the darker, the more episodes. {days_with} of {len(per_day)} days from "
        f"{day_text(date_from)} to {day_text(data.end)} had at least one episode (the busiest {busiest})."
    )
    rows = tuple((day.isoformat(), str(n)) for day, n in per_day.items() if n)
    return _chart("calendar", "Days with twitching", caption, figure, ("Date", "Episodes"), rows)


def _colour_bar(figure: Figure, axes: Axes, mesh: Any) -> None:
    colourbar = figure.colorbar(mesh, ax=axes, fraction=0.03, pad=0.015, aspect=8)
    if colourbar.solids is not None:  # else drawn as an SVG <image> with a transform, which fpdf2 cannot place
        colourbar.solids.set_rasterized(False)
    colourbar.locator = drawing.whole_counts()
    colourbar.set_label("episodes", fontsize=7)
    colourbar.ax.tick_params(labelsize=7)


def _masked(grid: list[list[float]]) -> np.ma.MaskedArray[Any, Any]:
    """Days outside the period stay blank rather than read as days without twitching."""
    return np.ma.masked_invalid(np.array(grid, dtype=float))


# Time of day by weekday


def time_of_day_chart(data: ChartInput) -> Chart:
    """A 7 x 24 heat map: a row per weekday, a column per hour the episodes started."""
    grid = data.aggregates["weekday_hour"]
    figure, axes = drawing.new_figure(height=2.4)
    mesh = axes.pcolormesh(np.array(grid, dtype=float), cmap="Blues", vmin=0, vmax=max(max(map(max, grid)), 1))
    mesh.set_edgecolor("white")
    mesh.set_linewidth(0.5)
    axes.invert_yaxis()
    axes.yaxis.set_major_locator(FixedLocator([i + 0.5 for i in range(7)]))
    axes.set_yticklabels(WEEKDAY_LABELS, fontsize=7)
    axes.xaxis.set_major_locator(FixedLocator(list(range(0, 25, 3))))
    axes.set_xticklabels([f"{hour:02d}:00" for hour in range(0, 25, 3)], fontsize=7)
    axes.tick_params(length=0)
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    _colour_bar(figure, axes, mesh)
    timing = data.findings["timing"]
    caption = "Episodes by weekday and the hour they started, in local time at the place they happened."
    peak, day = timing["time_of_day"]["peak"], timing["weekday"]["peak"]
    caption += f" The analysis found a peak in the {peak}." if peak else " The analysis found no peak in the day."
    caption += f" More episodes on {day.capitalize()}s." if day else ""
    rows = tuple(
        (f"{hour:02d}:00-{hour:02d}:59", *(str(grid[weekday][hour]) for weekday in range(7))) for hour in range(24)
    )
    return _chart("time_of_day", "Time of day by weekday", caption, figure, ("Hour", *WEEKDAY_LABELS), rows)


# Locations

MAX_LOCATIONS = 12


def locations_chart(data: ChartInput) -> Chart:
    """Bars per region and side, most frequent first (an episode in two places counts in each)."""
    names = data.names
    by_side = data.findings["locations"]["by_side"]
    shown = by_side[:MAX_LOCATIONS]
    figure, axes = drawing.new_figure(height=0.4 + 0.22 * max(len(shown), 3))
    positions = list(range(len(shown)))
    axes.barh(positions, [item["episodes"] for item in shown], color=BAR, height=0.7)
    axes.set_yticks(positions)
    axes.set_yticklabels([names.location(item["region"], item["side"]) for item in shown], fontsize=8)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(drawing.whole_counts())
    axes.set_xlabel("episodes")
    caption = "Episodes by place and side; an episode felt in two places counts in each."
    if len(by_side) > MAX_LOCATIONS:
        caption += f" The {MAX_LOCATIONS} most frequent of {len(by_side)} are shown."
    rows = tuple((names.location(item["region"], item["side"]), str(item["episodes"])) for item in by_side)
    return _chart("locations", "Locations", caption, figure, ("Location", "Episodes"), rows)


# The body outline, shaded

SHADES = ("#eef1f4", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")  # none, then fifths of the most
OUTLINE_GAP = 40  # wide enough that one view's "your left" is not read with the next one's


def body_chart(data: ChartInput) -> Chart:
    """The three views of diary/body_outline.py side by side in one picture, each region and side
    shaded by its episodes ("both" shades both sides), with a legend. Presentation attributes
    only: the page's CSP refuses style attributes."""
    counts: dict[tuple[str, str], int] = {}
    for item in data.findings["locations"]["by_side"]:
        for side in sides_drawn(item["region"], item["side"]):
            counts[item["region"], side] = counts.get((item["region"], side), 0) + item["episodes"]
    most = max(counts.values(), default=0)
    width = sum(view.width for view in VIEWS) + OUTLINE_GAP * (len(VIEWS) - 1)
    height = TITLE_HEIGHT + max(view.height for view in VIEWS)
    parts, x = [], 0
    for view in VIEWS:
        parts.append(_shaded_view(view, counts, most, x=x))
        x += view.width + OUTLINE_GAP
    parts.append(_legend(most, y=height + 14))
    title, caption = (
        "Where it twitched",
        (
            "The face and the body from the front, both facing you, and the body from the back, each place shaded "
            "by how many episodes were felt there: the darker, the more. An episode felt on both sides shades both."
        ),
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 44}" width="{width}" '
        f'height="{height + 44}" class="body-heat" {drawing.labelled("body", title, caption)}'
        f"{''.join(parts)}</svg>"
    )
    rows = tuple(
        (data.names.location(item["region"], item["side"]), str(item["episodes"]))
        for item in data.findings["locations"]["by_side"]
    )
    return Chart("body", title, caption, svg, ("Location", "Episodes"), rows)


def _shade(count: int, most: int) -> str:
    return SHADES[0] if not count or not most else SHADES[min(5, math.ceil(5 * count / most))]


def _shaded_view(view: View, counts: dict[tuple[str, str], int], most: int, *, x: int) -> str:
    def attributes(shape: Shape) -> dict[str, object]:
        count = counts.get((shape.region, shape.side), 0)
        return {"fill": _shade(count, most), "stroke": "#6b7785", "stroke-width": 1, "data-episodes": count}

    frame = {"class": "body-heat-view", "x": x, "y": TITLE_HEIGHT, "width": view.width, "height": view.height}
    return str(view_title(view, x=x)) + str(render_view(view, shape_attributes=attributes, svg_attributes=frame))


def _legend(most: int, *, y: int) -> str:
    """ "0", then each shade in use with the episodes it stands for ("1", "2-3"): a place with
    c episodes takes the shade ceil(5c / most), so a small diary leaves some shades out."""
    steps = [(SHADES[0], "0")]
    for step, colour in enumerate(SHADES[1:], start=1):
        low, high = most * (step - 1) // 5 + 1, most * step // 5
        if low <= high:
            steps.append((colour, str(low) if low == high else f"{low}-{high}"))
    parts = [format_html('<text x="0" y="{}" font-size="13" fill="#222222">Episodes:</text>', y + 13)]
    for position, (colour, label) in enumerate(steps):
        left = 80 + position * 90
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="22" height="16" fill="{}" stroke="#6b7785"/>'
                '<text x="{}" y="{}" font-size="13" fill="#222222">{}</text>',
                left,
                y,
                colour,
                left + 28,
                y + 13,
                label,
            )
        )
    return "".join(parts)


# Associations


def tested_associations(findings: Findings) -> list[AssociationTested]:
    return [a for a in findings["associations"] if a["status"] == "ok"]


def association_label(association: AssociationTested) -> str:
    """ "3 or more cups of caffeine", "... (the day before)": the factor with its lag."""
    label = association["label"][0].upper() + association["label"][1:]
    return f"{label} (the day before)" if association["lag_days"] else label


def associations_chart(data: ChartInput) -> Chart | None:
    """A forest plot: each tested rate ratio with its interval, on a log scale, 1 marked."""
    tested = tested_associations(data.findings)
    if not tested:
        return None
    figure, axes = drawing.new_figure(height=0.5 + 0.3 * max(len(tested), 3))
    positions = list(range(len(tested)))
    for y, association in zip(positions, tested, strict=True):
        colour = ACCENT if association["significant"] else "#333333"
        axes.plot([association["ci_low"], association["ci_high"]], [y, y], color=colour, linewidth=1.4)
        axes.plot([association["rate_ratio"]], [y], marker="s", color=colour, markersize=5)
    axes.axvline(1.0, color=MUTED, linewidth=1, linestyle="--")
    axes.set_xscale("log")
    low = min(min(a["ci_low"] for a in tested), 0.5)
    high = max(max(a["ci_high"] for a in tested), 2.0)
    axes.set_xlim(low / 1.15, high * 1.15)
    ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10) if low / 1.15 <= t <= high * 1.15]
    axes.xaxis.set_major_locator(FixedLocator(ticks))
    axes.xaxis.set_minor_locator(NullLocator())
    axes.set_xticklabels([f"{t:g}" for t in ticks], fontsize=7)
    axes.set_yticks(positions)
    axes.set_yticklabels([association_label(a) for a in tested], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("rate ratio (log scale; 1 = no difference)")
    caption = (
        "Each line is a rate ratio of episodes on days with the factor against days without it, adjusted for "
        "the other factors, with its interval; red ones are significant (the interval excludes 1)."
    )
    rows = tuple(
        (
            association_label(a),
            f"{a['rate_ratio']:.2f}",
            f"{a['ci_low']:.2f} to {a['ci_high']:.2f}",
            f"{a['interval_level']:.1%}",
            "yes" if a["significant"] else "no",
        )
        for a in tested
    )
    headers = ("Factor", "Rate ratio", "Interval", "Level", "Significant")
    return _chart("associations", "Associations with check-in factors", caption, figure, headers, rows)


# Drawing


def _chart(
    key: str, title: str, caption: str, figure: Figure, headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]
) -> Chart:
    return Chart(key, title, caption, drawing.svg_of(figure, key, title, caption), headers, rows)
