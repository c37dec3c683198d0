"""The report as the documented JSON export (tracker/account/export.py, docs/reports.md, "The export format") limited to
its range: the range's live episodes and check-ins, notes only when the report includes them."""

from typing import BinaryIO

from tracker.account.export import export_range
from tracker.reports import Progress
from tracker.reports.assembly import ReportData


def render(report: ReportData, out: BinaryIO, progress: Progress) -> None:
    export_range(
        out,
        user_id=report.user_id,
        date_from=report.date_from,
        date_to=report.date_to,
        episode_ids={episode.id for episode in report.episodes},
        include_notes=report.include_notes,
        covered_from=report.diary.start,
        now=report.generated_at,
        progress=progress,
    )
