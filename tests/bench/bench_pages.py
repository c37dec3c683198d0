"""make bench: the web pages' figures at 100 and at 100,000 episodes, printed, not asserted.

Runs against a throwaway test database of whatever DATABASE_URL points at (SQLite by default),
created and dropped by this script; real data is never touched.

For each size, a user with a demo diary of ten years (written through the bulk services) and
the stored summary computed once (as the worker leaves it); then each page is fetched signed in
with Django's test client: one warm-up, then the median of 5. Pages: the history (first page, a
page deep in the history, a filtered page) and the dashboard (a placeholder until its part
lands: its status is printed, whatever it is). Target: each page at 100,000 episodes takes at
most 1.5 times what it takes at 100.
"""

import os
import statistics
import sys
import time
import uuid
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from diary.models import Episode  # noqa: E402
from diary.pages.history import PAGE_SIZE  # noqa: E402
from diary.pages.history_forms import Cursor  # noqa: E402
from diary.services import profile_update  # noqa: E402
from tests.bench.diaries import (  # noqa: E402
    demo_days,
    refresh_planner_statistics,
    throwaway_database,
    write_checkins,
    write_episodes,
)
from tracker.models import ALL_TIME  # noqa: E402
from tracker.summaries.services import summary_compute  # noqa: E402

RUNS = 5
SIZES = (100, 100_000)
DAYS = 3650
TARGET = 1.5


def diary_of(episodes: int) -> User:
    user = User.objects.create(username=f"pages{episodes}-{uuid.uuid4().hex[:6]}")
    profile_update(user=user, time_zone="Europe/Paris")
    started = time.perf_counter()
    days = demo_days(user, seed=4, days=DAYS, episodes=episodes)
    write_episodes(user, days)
    write_checkins(user, days)
    summary_compute(user_id=user.pk, key=ALL_TIME)  # the stored summary the dashboard reads
    print(
        f"  (wrote {episodes:,} episodes and analysed them in {time.perf_counter() - started:.1f} s)", file=sys.stderr
    )
    return user


def deep_page(user: User) -> str:
    """The history's page holding the oldest episodes: the cursor of the row a page above them."""
    rows = Episode.live.filter(user=user).order_by("started_at", "id").values_list("started_at", "id")
    started_at, id = rows[min(PAGE_SIZE, rows.count() - 1)]
    return "/history/?" + urlencode({"after": Cursor(started_at, id).text()})


def pages(user: User) -> dict[str, str]:
    return {
        "history": "/history/",
        "history, oldest page": deep_page(user),
        "history, filtered": "/history/?" + urlencode({"region": "eyelid", "trigger": "caffeine"}),
        "dashboard": "/dashboard/",
    }


def median_ms(client: Client, url: str) -> tuple[float, int]:
    status = client.get(url).status_code  # warm up: templates, plans, the process's caches
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, status


def main() -> None:
    with throwaway_database("bench_twitch_diary_pages"):
        print(f"database: {connection.vendor}")
        users = {size: diary_of(size) for size in SIZES}
        refresh_planner_statistics()
        figures: dict[str, dict[int, float]] = {}
        for size, user in users.items():
            client = Client()
            client.force_login(user)
            for name, url in pages(user).items():
                ms, status = median_ms(client, url)
                figures.setdefault(name, {})[size] = ms
                print(f"{name:<22} {size:>7,} episodes: {ms:7.1f} ms (median of {RUNS}; status {status})")
        for name, by_size in figures.items():
            ratio = by_size[SIZES[1]] / by_size[SIZES[0]]
            print(f"  {name}: ratio {SIZES[1]:,}/{SIZES[0]:,} {ratio:.2f} (target <= {TARGET})")


if __name__ == "__main__":
    main()
