"""make bench: the PDF report's figures, printed, not asserted (targets live here, not in tests).

Runs against a throwaway test database of whatever DATABASE_URL points at (SQLite by default),
created and dropped by this script; real data is never touched.

For a user with a year of 5,000 episodes (and the demo's check-ins), then 10,000:
- the PDF: wall time (the assembly and the analysis of the range included, as a worker builds
  it), peak memory (tracemalloc), pages;
- the CSV of the same range (the assembly included): the floor for any report of these rows.
Targets: PDF/CSV at most 15, peak under 300 MB, the 10,000 PDF at most 2.2x the 5,000 one.
"""

import io
import os
import statistics
import time
import tracemalloc
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import warnings

import django

django.setup()
warnings.filterwarnings("ignore", message="No directory at")

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from tests.bench.diaries import throwaway_database, written_diary  # noqa: E402
from tracker.reports import FORMATS, no_progress  # noqa: E402
from tracker.reports.assembly import report_assemble  # noqa: E402

RUNS = 3
DAYS = 365


def build(code: str, user: User, date_from: date, date_to: date) -> bytes:
    """One report as a worker builds it: assembly (and for the PDF the analysis), then render."""
    report = report_assemble(user_id=user.pk, date_from=date_from, date_to=date_to)
    out = io.BytesIO()
    FORMATS[code].render(report, out, no_progress)
    return out.getvalue()


def median_seconds(code: str, user: User, date_from: date, date_to: date) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        build(code, user, date_from, date_to)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bench(episodes: int) -> float:
    user, date_from, date_to = written_diary("report", episodes=episodes, days=DAYS)
    build("pdf", user, date_from, date_to)  # warm up: imports, fonts, matplotlib's caches
    pdf_s = median_seconds("pdf", user, date_from, date_to)
    csv_s = median_seconds("csv", user, date_from, date_to)
    tracemalloc.start()
    pdf = build("pdf", user, date_from, date_to)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"PDF of a year with {episodes:,} episodes: {pdf_s:.2f} s (median of {RUNS}; assembly and analysis included)")
    print(
        f"  {pages} pages, {len(pdf) / 2**20:.1f} MB; peak memory {peak / 2**20:.0f} MB (tracemalloc; target < 300 MB)"
    )
    print(f"  CSV of the same range: {csv_s:.2f} s; ratio PDF/CSV {pdf_s / csv_s:.1f} (target <= 15)")
    return pdf_s


def main() -> None:
    with throwaway_database("bench_twitch_diary_reports"):
        print(f"database: {connection.vendor}")
        five = bench(5000)
        ten = bench(10_000)
        print(f"  ratio 10,000/5,000: {ten / five:.2f} (target <= 2.2)")


if __name__ == "__main__":
    main()
