"""The CSV renderer, failing the first `failures_left[0]` builds (a blip that passes)."""

from typing import BinaryIO

from tracker.reports import Progress, csv
from tracker.reports.assembly import ReportData

failures_left = [0]


def render(report: ReportData, out: BinaryIO, progress: Progress) -> None:
    if failures_left[0] > 0:
        failures_left[0] -= 1
        raise OSError("the disk was full for a moment")
    csv.render(report, out, progress)
