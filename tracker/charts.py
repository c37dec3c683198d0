"""The report's charts, drawn once as SVG: the PDF embeds them, the share page and the admin
inline them. One module, so that a doctor sees the same picture on paper and on screen.

matplotlib's Figure API with the SVG canvas, never pyplot: pyplot keeps global figures and
state, which a web worker building several reports at once must not share. Text is drawn as
paths (svg.fonttype "path"): the SVG then needs no font where it is shown, and fpdf2 (which
does not render SVG text) draws it as it looks here. The chart's title and caption are not in
the picture: the page around it prints them as text, which a reader can search and select.
"""

import io
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator
from matplotlib.typing import RcKeyType

from tracker.analysis.findings import AssociationTested
from tracker.reports.assembly import ReportData

RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 9,
}
BAR = "#3b6ea5"
MUTED = "#9aa5b1"
ACCENT = "#c0392b"
WIDTH_INCHES = 7.0
WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Chart:
    key: str  # "per_week", "calendar", "time_of_day", "locations", "associations"
    title: str
    caption: str  # one or two plain sentences shown under the chart
    svg: str  # one inline <svg ...>...</svg> element, no XML prolog, ids unique per chart
    headers: tuple[str, ...]  # the chart's data as a table (for screen readers)
    rows: tuple[tuple[str, ...], ...]


def report_charts(report: ReportData) -> list[Chart]:
    """The charts that have something to show: none for a period without episodes, and the
    forest plot only when at least one association could be tested."""
    if not report.episodes:
        return []
    builders: Sequence[Callable[[ReportData], Chart | None]] = (
        per_week_chart,
        calendar_chart,
        time_of_day_chart,
        locations_chart,
        associations_chart,
    )
    charts = []
    for build in builders:
        # rcParams are read as the artists are made (fonts, spines) and when saving (SVG text
        # as paths): the whole drawing happens inside the context, which restores them after.
        with matplotlib.rc_context(RC):
            chart = build(report)
        if chart is not None:
            charts.append(chart)
    return charts


# Episodes per week


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(report: ReportData) -> list[tuple[date, int]]:
    """Episodes in each Monday-to-Sunday week of the period, empty weeks included."""
    counts = Counter(_week_start(e.local_date) for e in report.episodes)
    week, last = _week_start(report.date_from), _week_start(report.date_to)
    weeks = []
    while week <= last:
        weeks.append((week, counts[week]))
        week += timedelta(days=7)
    return weeks


def per_week_chart(report: ReportData) -> Chart:
    weeks = _weeks(report)
    trend = report.findings["trend"]
    recent_from = report.date_to - timedelta(days=trend["recent_days"] - 1)
    figure, axes = _figure(height=2.4)
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
    axes.set_ylabel("episodes per week")
    axes.set_xlim(-0.6, len(weeks) - 0.4)
    return Chart(
        key="per_week",
        title="Episodes per week",
        caption=_trend_caption(report),
        svg=_svg(figure, "per_week"),
        headers=("Week starting", "Episodes"),
        rows=tuple((week.isoformat(), str(n)) for week, n in weeks),
    )


def _trend_caption(report: ReportData) -> str:
    trend = report.findings["trend"]
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


def calendar_chart(report: ReportData) -> Chart:
    """One square per day, a column per week, shaded by the day's episodes."""
    per_day = Counter(e.local_date for e in report.episodes)
    first = _week_start(report.date_from)
    columns = (report.date_to - first).days // 7 + 1
    grid = [[math.nan] * columns for _ in range(7)]
    day = report.date_from
    while day <= report.date_to:
        grid[day.weekday()][(day - first).days // 7] = per_day[day]
        day += timedelta(days=1)
    # Squares of at most a third of an inch: a fortnight stays a small strip, a year fills the width.
    cell = min((WIDTH_INCHES - 1.4) / columns, 0.33)
    figure, axes = _figure(height=cell * 7 + 0.55, width=min(WIDTH_INCHES, cell * columns + 1.4))
    busiest = max(per_day.values())
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
    colourbar = figure.colorbar(mesh, ax=axes, fraction=0.03, pad=0.015, aspect=8)
    if colourbar.solids is not None:  # else drawn as an SVG <image> with a transform, which fpdf2 cannot place
        colourbar.solids.set_rasterized(False)
    colourbar.set_label("episodes", fontsize=7)
    colourbar.ax.tick_params(labelsize=7)
    days_with = len(per_day)
    return Chart(
        key="calendar",
        title="Days with twitching",
        caption=(
            f"One square per day; the darker, the more episodes. {days_with} of "
            f"{(report.date_to - report.date_from).days + 1} days had at least one episode (the busiest {busiest})."
        ),
        svg=_svg(figure, "calendar"),
        headers=("Date", "Episodes"),
        rows=tuple((day.isoformat(), str(n)) for day, n in sorted(per_day.items())),
    )


def _masked(grid: list[list[float]]) -> np.ma.MaskedArray[Any, Any]:
    """Days outside the period stay blank rather than read as days without twitching."""
    return np.ma.masked_invalid(np.array(grid, dtype=float))


# Time of day


def time_of_day_chart(report: ReportData) -> Chart:
    by_hour = report.findings["timing"]["by_hour"]
    counts = [by_hour.get(str(hour), 0) for hour in range(24)]
    figure, axes = _figure(height=2.2)
    axes.bar(range(24), counts, color=BAR, width=0.8, align="edge")
    axes.set_xlim(0, 24)
    axes.xaxis.set_major_locator(FixedLocator(list(range(0, 25, 3))))
    axes.set_xticklabels([f"{hour:02d}:00" for hour in range(0, 25, 3)], fontsize=7)
    axes.set_ylabel("episodes")
    peak = report.findings["timing"]["time_of_day"]["peak"]
    caption = "Episodes by the hour they started, in local time at the place they happened."
    caption += f" The analysis found a peak in the {peak}." if peak else " The analysis found no single peak."
    return Chart(
        key="time_of_day",
        title="Time of day",
        caption=caption,
        svg=_svg(figure, "time_of_day"),
        headers=("Hour", "Episodes"),
        rows=tuple((f"{hour:02d}:00-{hour:02d}:59", str(n)) for hour, n in enumerate(counts)),
    )


# Locations

MAX_LOCATIONS = 12


def locations_chart(report: ReportData) -> Chart:
    """Bars per region and side, most frequent first (an episode in two places counts in each)."""
    by_side = report.findings["locations"]["by_side"]
    shown = by_side[:MAX_LOCATIONS]
    labels = [report.names.location(item["region"], item["side"]) for item in shown]
    figure, axes = _figure(height=0.4 + 0.22 * max(len(shown), 3))
    positions = list(range(len(shown)))
    axes.barh(positions, [item["episodes"] for item in shown], color=BAR, height=0.7)
    axes.set_yticks(positions)
    axes.set_yticklabels(labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("episodes")
    caption = "Episodes by place and side; an episode felt in two places counts in each."
    if len(by_side) > MAX_LOCATIONS:
        caption += f" The {MAX_LOCATIONS} most frequent of {len(by_side)} are shown."
    return Chart(
        key="locations",
        title="Locations",
        caption=caption,
        svg=_svg(figure, "locations"),
        headers=("Location", "Episodes"),
        rows=tuple((report.names.location(item["region"], item["side"]), str(item["episodes"])) for item in by_side),
    )


# Associations


def tested_associations(report: ReportData) -> list[AssociationTested]:
    return [a for a in report.findings["associations"] if a["status"] == "ok"]


def association_label(association: AssociationTested) -> str:
    """ "3 or more cups of caffeine", "... (the day before)": the factor with its lag."""
    label = association["label"][0].upper() + association["label"][1:]
    return f"{label} (the day before)" if association["lag_days"] else label


def associations_chart(report: ReportData) -> Chart | None:
    """A forest plot: each tested rate ratio with its interval, on a log scale, 1 marked."""
    tested = tested_associations(report)
    if not tested:
        return None
    figure, axes = _figure(height=0.5 + 0.3 * max(len(tested), 3))
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
    return Chart(
        key="associations",
        title="Associations with check-in factors",
        caption=(
            "Each line is a rate ratio of episodes on days with the factor against days without it, adjusted for "
            "the other factors, with its interval; red ones are significant (the interval excludes 1)."
        ),
        svg=_svg(figure, "associations"),
        headers=("Factor", "Rate ratio", "Interval", "Level", "Significant"),
        rows=tuple(
            (
                association_label(a),
                f"{a['rate_ratio']:.2f}",
                f"{a['ci_low']:.2f} to {a['ci_high']:.2f}",
                f"{a['interval_level']:.1%}",
                "yes" if a["significant"] else "no",
            )
            for a in tested
        ),
    )


# Drawing


def _figure(*, height: float, width: float = WIDTH_INCHES) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    return figure, axes


ID = re.compile(r'(\bid="|xlink:href="#|href="#|url\(#)([^")]+)')


def _svg(figure: Figure, key: str) -> str:
    """The figure as one <svg> element. matplotlib names glyphs and clip paths the same way in
    every figure ("DejaVuSans-31"): prefixed with the chart's key, so that several charts inlined
    in one HTML page never point at each other's definitions. An underscore joins them: fpdf2
    reads a clip-path reference as word characters only."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    return ID.sub(lambda m: f"{m.group(1)}{key}_{m.group(2)}", text).strip()
