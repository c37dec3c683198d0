"""The charts, drawn once as SVG: the PDF embeds them, the dashboard, the share page and the
admin inline them. One package, so that a doctor sees the same picture on paper and on screen.

Each chart is drawn from a small typed input (ChartInput: the counts of
tracker.analysis.aggregates, the findings, the names), built either from a report's diary
(report_charts) or from what a summary stored when the analysis ran (dashboard_charts): one
drawing code, and a dashboard that never reads the diary. The dashboard's charts are drawn
twice: at the page's width, and at a phone's (drawing.NARROW), whose text is drawn at the size
it is shown; the page shows one or the other by the screen's width.

How a figure becomes SVG is tracker.reports.drawing's. Text is drawn as paths: the SVG then
needs no font where it is shown, and fpdf2 (which does not render SVG text) draws it as it
looks here. The chart's title and caption are also printed around the picture as text, which a
reader can search and select.
"""

from collections.abc import Sequence
from dataclasses import replace

import matplotlib

from tracker.analysis.aggregates import chart_aggregates
from tracker.reports import drawing
from tracker.reports.assembly import ReportData
from tracker.reports.charts.base import Builder, Chart, ChartInput
from tracker.reports.charts.body import body_chart, legend_bins
from tracker.reports.charts.places import association_label, associations_chart, locations_chart, tested_associations
from tracker.reports.charts.timeline import calendar_chart, per_week_chart, time_of_day_chart

__all__ = [
    "Chart",
    "ChartInput",
    "association_label",
    "associations_chart",
    "body_chart",
    "calendar_chart",
    "dashboard_charts",
    "first_page_charts",
    "legend_bins",
    "locations_chart",
    "per_week_chart",
    "report_charts",
    "tested_associations",
    "time_of_day_chart",
]


def report_charts(report: ReportData, *, narrow: bool = False, first_page: bool = True) -> list[Chart]:
    """The charts that have something to show: none for a period without episodes, and the
    forest plot only when at least one association could be tested. The calendar covers the
    report's whole period. `narrow`: each with its phone-sized picture too (the share page;
    the PDF's page is always wide). `first_page=False`: without the weekly chart, which page 1
    shows (first_page_charts)."""
    if not report.episodes:
        return []
    builders: tuple[Builder, ...] = (calendar_chart, time_of_day_chart, locations_chart, associations_chart)
    return _draw(_input(report), ((per_week_chart,) if first_page else ()) + builders, narrow=narrow)


def first_page_charts(report: ReportData, *, narrow: bool = False) -> list[Chart]:
    """Page 1's two pictures: the episodes a week and the body map shaded by how often each
    place and side twitched; none for a period without episodes."""
    if not report.episodes:
        return []
    return _draw(_input(report), (per_week_chart, body_chart), narrow=narrow)


def _input(report: ReportData) -> ChartInput:
    return ChartInput(chart_aggregates(report.diary, calendar_days=None), report.findings, report.names)


def dashboard_charts(data: ChartInput) -> list[Chart]:
    """The dashboard's charts, from a stored summary: the body outline in place of the bars,
    each with its phone-sized picture."""
    if not data.findings["frequency"]["episodes"]:
        return []
    builders = (per_week_chart, calendar_chart, time_of_day_chart, body_chart, associations_chart)
    return _draw(data, builders, narrow=True)


def _draw(data: ChartInput, builders: Sequence[Builder], *, narrow: bool = False) -> list[Chart]:
    charts = []
    for build in builders:
        # rcParams are read as the artists are made (fonts, spines) and when saving (SVG text
        # as paths): the whole drawing happens inside the context, which restores them after.
        with matplotlib.rc_context(drawing.RC):
            chart = build(data, drawing.WIDE)
            small = build(data, drawing.NARROW) if narrow and chart is not None else None
        if chart is not None and small is not None:
            chart = replace(chart, narrow_svg=small.svg, narrow_note=small.narrow_note)
        if chart is not None:
            charts.append(chart)
    return charts
