"""make bench: API speed figures, printed, not asserted (targets live here, not in tests).

Runs against a throwaway test database of whatever DATABASE_URL points at (SQLite by default),
created and dropped by this script; real data is never touched.

1. POST /api/v1/sync/ with 1,000 new episodes, end to end (parse, validate, write, answer),
   against a bare bulk_create of the same rows (episodes, locations, trigger links).
   Target: at most 3x.
2. GET /api/v1/episodes/ (a page of 50) for a user with 100 episodes and one with 100,000.
   Target: ratio at most 1.3.
3. The analysis of one user with 100,000 episodes and 3,650 check-ins: wall time, peak memory,
   and the ratio to merely loading those rows. Targets: ratio at most 2, peak under 300 MB.
4. Hostile requests, refused: server time (the whole Django handler, in process) of a
   100,000-item sync push (292 KB), 1,001 real records, JSON nested 100,000 deep, and 1,000
   query parameters. Target: each under 50 ms.
"""

import logging
import os
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import warnings

import django

django.setup()
# The benchmark does not collect static files; WhiteNoise would only note the empty folder.
warnings.filterwarnings("ignore", message="No directory at")

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from conditions.models import BodyRegion, Trigger  # noqa: E402
from diary.models import CheckIn, DeviceToken, Episode, EpisodeLocation  # noqa: E402
from diary.services import profile_update  # noqa: E402
from tests.bench.diaries import (  # noqa: E402
    demo_days,
    refresh_planner_statistics,
    throwaway_database,
    write_checkins,
    write_episodes,
)
from tracker.summaries.services import summary_compute  # noqa: E402

PUSH_SIZE = 1000
RUNS = 5


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def client_for(user: User) -> APIClient:
    _, raw = DeviceToken.objects.create(user=user, device_name="bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def new_user(name: str) -> User:
    user = User.objects.create(username=f"{name}-{uuid.uuid4().hex[:6]}")
    profile_update(user=user, time_zone="Europe/London")
    return user


def push_body(count: int) -> dict[str, Any]:
    start = timezone.now() - timedelta(days=30)
    return {
        "episodes": [
            {
                "id": str(uuid.uuid4()),
                "started_at": (start + timedelta(minutes=37 * i)).isoformat(),
                "duration_seconds": 30 + i % 300,
                "locations": [{"region": "eyelid", "side": "left"}, {"region": "calf", "side": "both"}],
                "intensity": 1 + i % 10,
                "pattern": "intermittent_bursts",
                "triggers": ["caffeine", "stress"],
                "symptoms": [],
                "notes": "",
            }
            for i in range(count)
        ]
    }


def bare_bulk_create(user: User, body: dict[str, Any]) -> None:
    """The same rows written with nothing but bulk_create: the floor for any write path."""
    eyelid, calf = BodyRegion.objects.get(code="eyelid"), BodyRegion.objects.get(code="calf")
    caffeine, stress = Trigger.objects.get(code="caffeine"), Trigger.objects.get(code="stress")
    now = timezone.now()
    episodes = [
        Episode(
            id=uuid.uuid4(),
            user=user,
            started_at=now,
            utc_offset_minutes=0,
            duration_seconds=item["duration_seconds"],
            intensity=item["intensity"],
            pattern=item["pattern"],
            change_seq=i + 1,
        )
        for i, item in enumerate(body["episodes"])
    ]
    with transaction.atomic():
        Episode.objects.bulk_create(episodes)
        EpisodeLocation.objects.bulk_create(
            EpisodeLocation(episode=e, region=r, side=s)
            for e in episodes
            for r, s in ((eyelid, "left"), (calf, "both"))
        )
        Episode.triggers.through.objects.bulk_create(
            Episode.triggers.through(episode_id=e.id, trigger_id=t.id) for e in episodes for t in (caffeine, stress)
        )


def bench_push() -> None:
    pushes, bulks = [], []
    for _ in range(RUNS):
        body = push_body(PUSH_SIZE)
        client = client_for(new_user("push"))
        response: Any = None

        def push(client: APIClient = client, body: dict[str, Any] = body) -> None:
            nonlocal response
            response = client.post("/api/v1/sync/", body, format="json")

        pushes.append(timed(push))
        assert response.status_code == 200
        assert {r["status"] for r in response.json()["results"]["episodes"]} == {"created"}
        bulk_user = new_user("bulk")
        bulks.append(timed(lambda u=bulk_user, b=body: bare_bulk_create(u, b)))
    push_s, bulk_s = statistics.median(pushes), statistics.median(bulks)
    print(f"sync push of {PUSH_SIZE} episodes: {push_s * 1000:.0f} ms (median of {RUNS})")
    print(f"bare bulk_create of the same rows: {bulk_s * 1000:.0f} ms")
    print(f"  ratio {push_s / bulk_s:.2f}x (target <= 3x)")


def history(user: User, episodes: int) -> None:
    write_episodes(user, demo_days(user, seed=1, days=3650, episodes=episodes))


def bench_list() -> None:
    clients = {}
    for size in (100, 100_000):
        user = new_user(f"list{size}")
        started = time.perf_counter()
        history(user, size)
        print(f"  (wrote {size} episodes of history in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
        clients[size] = client_for(user)
    refresh_planner_statistics()
    samples: dict[int, list[float]] = {size: [] for size in clients}
    for client in clients.values():
        client.get("/api/v1/episodes/")  # warm up caches and plans
    for _ in range(30):  # alternate, so that neither size gets the warmer machine
        for size, client in clients.items():
            samples[size].append(timed(lambda c=client: c.get("/api/v1/episodes/", {"page_size": 50})))
    figures = {size: statistics.median(times) for size, times in samples.items()}
    for size, seconds in figures.items():
        print(f"list page of 50 with {size:>7,} episodes in history: {seconds * 1000:.1f} ms (median of 30)")
    print(f"  ratio {figures[100_000] / figures[100]:.2f} (target <= 1.3)")


def bench_analysis() -> None:
    user = new_user("analysis")
    days = demo_days(user, seed=2, days=3650, episodes=100_000)
    write_episodes(user, days)
    for day in days:
        day.checked_in = True  # a check-in every day: 3,650
    write_checkins(user, days)
    refresh_planner_statistics()
    load_only, full = [], []
    for _ in range(3):
        load_only.append(timed(lambda: load_rows(user.pk)))
        full.append(timed(lambda: summary_compute(user_id=user.pk, key="all")))
    tracemalloc.start()
    summary_compute(user_id=user.pk, key="all")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    load_s, full_s = statistics.median(load_only), statistics.median(full)
    print(f"analysis of 100,000 episodes and 3,650 check-ins: {full_s:.2f} s (median of 3; load, analyse, store)")
    print(f"merely loading those rows: {load_s:.2f} s")
    print(f"  ratio {full_s / load_s:.2f} (target <= 2)")
    print(f"  peak memory during the analysis: {peak / 2**20:.0f} MB (tracemalloc; target < 300 MB)")


def load_rows(user_id: int) -> None:
    """The rows the analysis reads, fetched and nothing else: the floor for any analysis."""
    list(
        Episode.live.filter(user_id=user_id).values_list(
            "id", "started_at", "utc_offset_minutes", "duration_seconds", "intensity", "pattern"
        )
    )
    live = {"episode__user_id": user_id, "episode__deleted_at": None}
    list(EpisodeLocation.objects.filter(**live).values_list("episode_id", "region__code", "side"))
    list(Episode.triggers.through.objects.filter(**live).values_list("episode_id", "trigger__code"))
    list(Episode.symptoms.through.objects.filter(**live).values_list("episode_id", "symptom__code"))
    list(
        CheckIn.live.filter(user_id=user_id).values_list(
            "date", "caffeine_cups", "sleep_hours", "stress", "exercise_minutes", "alcohol_units", "twitching_today"
        )
    )


def bench_hostile() -> None:
    logging.getLogger("django.request").setLevel(logging.ERROR)  # one "Bad Request" line per try
    client = client_for(new_user("hostile"))
    one_record = push_body(1)["episodes"][0]
    requests: dict[str, Callable[[], Any]] = {
        "sync push of 100,000 items [1, 1, ...] (292 KB)": lambda: _raw_post(
            client, "/api/v1/sync/", '{"episodes": [' + ",".join(["1"] * 100_000) + "]}"
        ),
        "sync push of 1,001 real records": lambda: client.post(
            "/api/v1/sync/", {"episodes": [one_record] * 1001}, format="json"
        ),
        "JSON nested 100,000 deep": lambda: _raw_post(client, "/api/v1/episodes/", "[" * 100_000 + "]" * 100_000),
        "1,000 query parameters": lambda: client.get("/api/v1/episodes/?" + "&".join(f"p{n}=1" for n in range(1000))),
    }
    for name, send in requests.items():
        samples, status = [], 0
        for _ in range(20):
            started = time.perf_counter()
            status = send().status_code
            samples.append(time.perf_counter() - started)
        print(f"refused {name}: {statistics.median(samples) * 1000:.1f} ms (median of 20; {status}; target < 50 ms)")


def _raw_post(client: APIClient, url: str, body: str) -> Any:
    return client.generic("POST", url, body.encode(), content_type="application/json")


def main() -> None:
    with throwaway_database("bench_twitch_diary"):
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        bench_hostile()
        bench_push()
        bench_list()
        bench_analysis()


if __name__ == "__main__":
    main()
