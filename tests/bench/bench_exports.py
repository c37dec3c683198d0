"""make bench: what the web process builds inside a request, printed, not asserted: the account
export ("Download all my data", GET /api/v1/account/export/) and the doctor's share link (its
PDF and its page), each through the whole request as a browser or the phone makes it. These
run in the request rather than as background jobs (tracker.jobs); the figures say whether they
still may (tracker/account/api.py, tracker/shares/public.py).

Runs against a throwaway test database of whatever DATABASE_URL points at (SQLite by default),
created and dropped by this script; real data is never touched.

For a user with a year of 5,000 episodes (and the demo's check-ins), then 10,000, then
BENCH_EXPORT_BIG (50,000 by default, over five years: the longest range a share link takes):
the wall time of each request (the median of 3), the answer's size, and the queries it made.
Target: each well under the 30 s a web worker is given (gunicorn's default timeout).
"""

import logging
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import warnings

import django

django.setup()
warnings.filterwarnings("ignore", message="No directory at")
logging.getLogger("fpdf.svg").setLevel(logging.ERROR)  # "Ignoring unsupported SVG tag: <title>", per chart

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponseBase  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.bench.diaries import throwaway_database, written_diary  # noqa: E402
from tracker.shares.services import share_create  # noqa: E402

RUNS = 3
BIG = int(os.environ.get("BENCH_EXPORT_BIG", "50000"))


def body_of(response: HttpResponseBase) -> bytes:
    assert response.status_code == 200, response.status_code
    streamed = getattr(response, "streaming_content", None)
    return b"".join(streamed) if streamed is not None else response.content  # type: ignore[attr-defined]


def timed(get: Callable[[], HttpResponseBase]) -> tuple[float, int, int]:
    """The median wall time of RUNS requests, the answer's bytes, and the queries of the last."""
    samples, size, queries = [], 0, 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            size = len(body_of(get()))
            samples.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(samples), size, queries


def bench(episodes: int, days: int) -> None:
    user, date_from, date_to = written_diary("export", episodes=episodes, days=days)
    owner = Client()
    owner.force_login(user)
    token = share_create(user=user, date_from=date_from, date_to=date_to).token
    doctor = Client()
    doctor.get(reverse("share-pdf", args=[token]))  # warm up: imports, fonts, matplotlib's caches
    print(f"A diary of {episodes:,} episodes over {days} days ({date_from} to {date_to}):")
    for what, get in (
        ("account export (JSON)", lambda: owner.get(reverse("api-account-export"))),
        ("doctor's PDF", lambda: doctor.get(reverse("share-pdf", args=[token]))),
        ("doctor's page", lambda: doctor.get(reverse("share-page", args=[token]))),
    ):
        seconds, size, queries = timed(get)
        print(f"  {what}: {seconds:.2f} s (median of {RUNS}), {size / 2**20:.1f} MB, {queries} queries")


def main() -> None:
    # The share link's throttle counts every request of this one client address.
    rates = {**settings.SECRET_THROTTLE_RATES, "share_address": "100000/10m"}
    with throwaway_database("bench_twitch_diary_exports"), override_settings(SECRET_THROTTLE_RATES=rates):
        print(f"database: {connection.vendor}")
        bench(5000, 365)
        bench(10_000, 365)
        if BIG:
            bench(BIG, 5 * 365)


if __name__ == "__main__":
    main()
