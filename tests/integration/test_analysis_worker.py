"""The analysis pipeline for real: PostgreSQL, Redis, and `celery worker` processes."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from config.celery import app
from diary.models import Profile
from diary.services import EpisodeInput, LocationInput, episodes_bulk_create
from tests.api.conftest import client_for
from tests.factories import make_legacy_checkin
from tests.integration.conftest import PROJECT, start_worker, wait_for
from tracker.models import AnalysisRequest, AnalysisRun, Summary
from tracker.summaries.services import analysis_sweep

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def worker_env() -> dict[str, str]:
    settings = connection.settings_dict  # the test database, which the worker must use too
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    return {**os.environ, "DATABASE_URL": url, "ANALYSIS_COALESCE_SECONDS": "1"}


@pytest.fixture
def worker(postgres: None, redis_url: str, settings: Any) -> Iterator[subprocess.Popen[bytes]]:
    settings.ANALYSIS_COALESCE_SECONDS = 1
    app.control.purge()  # nothing left over from earlier runs
    process = start_worker(f"analysis-{uuid.uuid4().hex[:6]}", worker_env())
    yield process
    process.terminate()
    process.wait(timeout=30)


def episode_body(hours_ago: int) -> dict[str, Any]:
    started = timezone.now() - timedelta(hours=hours_ago)
    return {
        "id": str(uuid.uuid4()),
        "started_at": started.isoformat(),
        "duration_seconds": 30,
        "locations": [{"region": "eyelid", "side": "left"}],
        "intensity": 3,
        "pattern": "intermittent_bursts",
        "triggers": ["caffeine"],
    }


def summary_with(user: User, episodes: int) -> Summary | None:
    summary = Summary.objects.filter(user=user).first()
    return summary if summary and summary.result["frequency"]["episodes"] == episodes else None


def test_episodes_posted_through_the_api_produce_a_summary(worker: Any) -> None:
    alice = User.objects.create(username="alice")
    client = client_for(alice)
    for hours in range(1, 4):
        assert client.post("/api/v1/episodes/", episode_body(hours), format="json").status_code == 201
    summary = wait_for(lambda: summary_with(alice, 3), 60, "a summary of 3 episodes")
    assert summary.watermark == Profile.objects.get(user=alice).last_change_seq
    assert client.get("/api/v1/summary/").json()["status"] == "ready"


def test_a_sync_of_500_episodes_makes_one_analysis_run(worker: Any) -> None:
    alice = User.objects.create(username="alice")
    response = client_for(alice).post(
        "/api/v1/sync/", {"episodes": [episode_body(h) for h in range(1, 501)]}, format="json"
    )
    assert response.status_code == 200
    wait_for(lambda: summary_with(alice, 500), 60, "a summary of 500 episodes")
    time.sleep(3)  # longer than the coalescing window: a second run would have started by now
    assert AnalysisRun.objects.filter(user=alice).count() == 1


def test_a_worker_gives_the_diaries_that_used_to_poison_their_analysis_a_summary(worker: Any) -> None:
    # 22 episodes in the last 22 minutes (a one-day diary: its weekday test divided by zero, and
    # PostgreSQL refused the NaN), and a check-in dated 0001-01-01 (an OverflowError).
    alice = User.objects.create(username="alice")
    make_legacy_checkin(alice, date(1, 1, 1), caffeine_cups=3)
    now = timezone.now()
    episodes = [{**episode_body(0), "started_at": (now - timedelta(minutes=i)).isoformat()} for i in range(1, 23)]
    assert client_for(alice).post("/api/v1/sync/", {"episodes": episodes}, format="json").status_code == 200
    summary = wait_for(lambda: summary_with(alice, 22), 60, "a summary of 22 episodes")
    assert summary.watermark == Profile.objects.get(user=alice).last_change_seq
    assert summary.result["period"]["start"] != "0001-01-01"
    assert client_for(alice).get("/api/v1/summary/").json()["status"] == "ready"
    assert list(AnalysisRun.objects.filter(user=alice).values_list("outcome", "reason")) == [("stored", "")]


def test_writes_go_through_with_the_broker_down_and_the_sweep_catches_up(worker: Any, redis_url: str) -> None:
    alice = User.objects.create(username="alice")
    script = (
        "import time, uuid, datetime;"
        "from django.contrib.auth.models import User;"
        "from diary.services import episode_create, LocationInput;"
        "user = User.objects.get(username='alice');"
        "now = datetime.datetime.now(datetime.UTC);"
        "times = [];"
        "[times.append((lambda t: (episode_create(user=user, started_at=now - datetime.timedelta(hours=i + 1),"
        " duration_seconds=9, locations=[LocationInput('calf', 'left')], intensity=2, pattern='single_twitch'),"
        " time.perf_counter() - t)[1])(time.perf_counter())) for i in range(5)];"
        "print(max(times))"
    )
    env = {**worker_env(), "REDIS_URL": "redis://127.0.0.1:1/0"}  # a web process whose broker is down
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.strip().splitlines()[-1]) < 1.0  # every write answered within a second
    assert Profile.objects.get(user=alice).last_change_seq == 5
    assert not Summary.objects.filter(user=alice).exists()
    assert analysis_sweep() >= 1  # the broker is back: the sweep sends what was missed
    summary = wait_for(lambda: summary_with(alice, 5), 60, "the swept summary")
    assert summary.watermark == 5


def test_a_worker_killed_mid_run_leaves_no_half_written_or_duplicate_summary(worker: Any) -> None:
    alice = User.objects.create(username="alice")
    start = timezone.now() - timedelta(days=300)
    items = [
        EpisodeInput(
            started_at=start + timedelta(minutes=7 * i),
            duration_seconds=30,
            locations=[LocationInput("eyelid", "left"), LocationInput("calf", "both")],
            intensity=1 + i % 10,
            pattern="intermittent_bursts",
            triggers=["caffeine", "stress"],
        )
        for i in range(40_000)
    ]
    episodes_bulk_create(user=alice, items=items[:10])
    first = wait_for(lambda: summary_with(alice, 10), 60, "the first summary")
    episodes_bulk_create(user=alice, items=items[10:])  # one transaction: one analysis run
    wait_for(lambda: AnalysisRun.objects.filter(user=alice, outcome="running").exists(), 60, "the big run to start")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    kept = Summary.objects.get(user=alice)
    assert (kept.watermark, kept.result["frequency"]["episodes"]) == (first.watermark, 10)  # the old one, whole
    assert AnalysisRun.objects.filter(user=alice, outcome="running").count() == 1  # killed mid-run
    replacement = start_worker(f"analysis-{uuid.uuid4().hex[:6]}", worker_env())
    try:
        analysis_sweep()
        summary = wait_for(lambda: summary_with(alice, 40_000), 120, "the summary after the sweep")
        assert summary.watermark == Profile.objects.get(user=alice).last_change_seq
        assert Summary.objects.filter(user=alice).count() == 1
    finally:
        replacement.terminate()
        replacement.wait(timeout=30)


def test_an_analysis_past_its_soft_time_limit_from_settings_fails_cleanly(postgres: None, redis_url: str) -> None:
    """The limits come from ANALYSIS_*_TIME_LIMIT. Celery sends the sender's limits with each
    message (they win over the worker's), so the web process and the worker both read these
    settings; here both are processes started with a soft limit of half a second, and an
    analysis of 40,000 episodes (about 2 s) is stopped by it and recorded as failed."""
    alice = User.objects.create(username="alice")
    start = timezone.now() - timedelta(days=300)
    episodes_bulk_create(
        user=alice,
        items=[
            EpisodeInput(
                started_at=start + timedelta(minutes=7 * i),
                duration_seconds=30,
                locations=[LocationInput("eyelid", "left")],
                intensity=3,
                pattern="intermittent_bursts",
            )
            for i in range(40_000)
        ],
    )
    AnalysisRequest.objects.filter(user=alice).delete()  # the write's own request: this test sends one
    app.control.purge()
    env = {**worker_env(), "ANALYSIS_SOFT_TIME_LIMIT": "0.5", "ANALYSIS_TIME_LIMIT": "30"}
    worker = start_worker(f"limited-{uuid.uuid4().hex[:6]}", env, pool="prefork")
    try:
        script = f"from tracker.summaries.services import analysis_request; analysis_request(user_id={alice.pk})"
        sent = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True
        )
        assert sent.returncode == 0, sent.stderr
        run = wait_for(
            lambda: AnalysisRun.objects.filter(user=alice).exclude(outcome="running").first(), 60, "the run to end"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert run.outcome == "failed"
    assert run.reason.startswith("SoftTimeLimitExceeded")
    assert not Summary.objects.filter(user=alice).exists()


def test_a_worker_takes_the_analysis_time_limits_from_its_settings(postgres: None, redis_url: str) -> None:
    """The limits a running worker applies to each task, as it reports them: the analysis's
    from ANALYSIS_*_TIME_LIMIT (CELERY_TASK_ANNOTATIONS), the sweep's from CELERY_TASK_*."""
    limits = {"ANALYSIS_SOFT_TIME_LIMIT": "7", "ANALYSIS_TIME_LIMIT": "11", "CELERY_TASK_TIME_LIMIT": "13"}
    name = f"limited-{uuid.uuid4().hex[:6]}"
    worker = start_worker(name, {**worker_env(), **limits}, pool="prefork")
    try:
        replies = app.control.inspect(timeout=2).registered("soft_time_limit", "time_limit") or {}
        tasks = next(tasks for host, tasks in replies.items() if host.startswith(name))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "tracker.summaries.tasks.analyse_diary [soft_time_limit=7.0 time_limit=11.0]" in tasks
    assert "tracker.summaries.tasks.sweep_stale_analyses [soft_time_limit=120.0 time_limit=13.0]" in tasks
