"""The episodes as CSV for a spreadsheet: one row per episode, UTF-8, a header row. An episode
still going has an empty duration and `true` under `ongoing` (a column after the older ones, so
that a sheet reading columns by position still finds them where they were).

A cell that starts with `=`, `+`, `-` or `@`, or with a tab or carriage return, or whose first
character after leading whitespace is one of those four or their full-width forms (U+FF1D, U+FF0B,
U+FF0D, U+FF20, which some spreadsheets read as the ASCII ones), is prefixed with an
apostrophe: a note such as `=HYPERLINK(...)` must reach the doctor's spreadsheet as text, not as a
formula (OWASP, "CSV Injection"). Numbers the report writes itself (a negative offset never starts a cell) are safe."""

import csv
import io
from typing import BinaryIO

from tracker.reports import Progress
from tracker.reports.assembly import ReportData, ReportEpisode

HEADER = [
    "id",
    "local_start",
    "utc_start",
    "duration_seconds",
    "locations",
    "intensity",
    "pattern",
    "triggers",
    "symptoms",
    "ongoing",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# After leading whitespace is skipped: the ASCII starts and their full-width forms.
FORMULA_FIRST_CHARACTERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ROWS_PER_PROGRESS_STEP = 500


def neutralised(cell: str) -> str:
    hostile = cell.startswith(FORMULA_STARTS) or cell.lstrip().startswith(FORMULA_FIRST_CHARACTERS)
    return "'" + cell if hostile else cell


def render(report: ReportData, out: BinaryIO, progress: Progress) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(HEADER + (["notes"] if report.include_notes else []))
    total = len(report.episodes) or 1
    for number, episode in enumerate(report.episodes, start=1):
        writer.writerow([neutralised(cell) for cell in _row(report, episode)])
        if number % ROWS_PER_PROGRESS_STEP == 0:
            progress(100 * number // total)
    text.detach()  # leave `out` open for the caller
    progress(100)


def _row(report: ReportData, episode: ReportEpisode) -> list[str]:
    names = report.names
    row = [
        episode.id,
        episode.local_start.isoformat(),
        episode.started_at.isoformat().replace("+00:00", "Z"),
        "" if episode.duration_seconds is None else str(episode.duration_seconds),
        ";".join(f"{region}:{side}" for region, side in episode.locations),
        str(episode.intensity),
        episode.pattern or "",  # empty: not recorded
        ";".join(names.trigger(code) for code in episode.triggers),
        ";".join(names.symptom(code) for code in episode.symptoms),
        "true" if episode.ongoing else "false",
    ]
    if report.include_notes:
        row.append(episode.notes)
    return row
