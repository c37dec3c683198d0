"""A renderer that reports its progress at every percent, as a careless one might."""

from typing import BinaryIO

from tracker.reports import Progress
from tracker.reports.assembly import ReportData


def render(report: ReportData, out: BinaryIO, progress: Progress) -> None:
    for percent in range(101):
        out.write(f"{percent}\n".encode())
        progress(percent)
