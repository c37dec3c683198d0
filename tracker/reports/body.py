"""What tracker/templates/tracker/report_body.html renders: one report (ReportData) with its
page 1 (tracker.reports.first_page), charts and the narrative the PDF prints, so that the
doctor's share page, the admin's summary page and the dashboard show a report as the PDF does."""

from datetime import date
from typing import TypedDict

from diary.selectors.profiles import user_today
from diary.selectors.read import first_episode_day
from tracker.analysis.summary import DISCLAIMER
from tracker.models import Summary
from tracker.reports.assembly import ReportData, report_assemble
from tracker.reports.charts import Chart, report_charts
from tracker.reports.first_page import FirstPage, first_page
from tracker.reports.narrative import (
    EpisodeRow,
    RedFlagLine,
    checkin_sentences,
    episode_rows,
    red_flag_lines,
    summary_sentences,
)


class ReportBody(TypedDict):
    report: ReportData
    first_page: FirstPage
    charts: list[Chart]
    disclaimer: str
    red_flag_notice: str | None
    red_flag_lines: list[RedFlagLine]
    summary_sentences: list[str]
    checkin_sentences: list[str]
    episode_rows: list[EpisodeRow]


def report_body_context(report: ReportData, *, phone_charts: bool = False) -> ReportBody:
    """The report as a page shows it: page 1 first, as the PDF prints it, then the detail.
    `phone_charts`: each chart with its phone-sized picture too, for a page a phone may open
    (the share page; not the admin's)."""
    return {
        "report": report,
        "first_page": first_page(report, phone_charts=phone_charts),
        "charts": report_charts(report, narrow=phone_charts, first_page=False),
        "disclaimer": DISCLAIMER,
        "red_flag_notice": report.findings["red_flags"]["notice"],
        "red_flag_lines": red_flag_lines(report),
        "summary_sentences": summary_sentences(report),
        "checkin_sentences": checkin_sentences(report),
        "episode_rows": episode_rows(report),
    }


def summary_range(summary: Summary) -> tuple[date, date]:
    """The dates a stored summary covers, for a report of it: its own, and where it has none (an
    all-time summary) from the user's first live episode (local date) to the user's today."""
    today = user_today(summary.user_id)
    date_to = summary.date_to or today
    date_from = summary.date_from
    if date_from is None:
        date_from = first_episode_day(user_id=summary.user_id) or date_to
    return min(date_from, date_to), date_to


def summary_report(summary: Summary) -> ReportData:
    """A stored summary as a report: the diary over its range, with the summary's own findings
    (those it was computed with, not a new analysis) so the admin reads what is stored."""
    date_from, date_to = summary_range(summary)
    report = report_assemble(user_id=summary.user_id, date_from=date_from, date_to=date_to)
    report.findings = summary.findings
    return report
