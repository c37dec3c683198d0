"""A renderer that always fails, with diary data in its message (as a database error would)."""

from typing import BinaryIO

from tracker.reports import Progress
from tracker.reports.assembly import ReportData


def render(report: ReportData, out: BinaryIO, progress: Progress) -> None:
    out.write(b"half a file")
    progress(40)
    raise ValueError(f"cannot render user {report.user_id}'s notes {[e.notes for e in report.episodes]}")
