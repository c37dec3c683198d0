"""PDF reports built by real `celery worker` processes on PostgreSQL and Redis: progress seen from
outside while a big PDF builds, a worker killed mid-build, and one report sent to two workers.

The build is made slow honestly, by its size: 4,000 episodes (a few seconds of assembly, analysis,
charts and about a hundred pages of table), not by sleeps in the code. The lease is 1 s here
(REPORTS_LEASE_SECONDS), so that a dead build is found in seconds, and so that a build outliving
it shows the heartbeat at work."""

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from pypdf import PdfReader

from config.celery import app
from diary.services import EpisodeInput, LocationInput, episodes_bulk_create, profile_update
from tests.api.conftest import client_for
from tests.integration.conftest import PROJECT, start_worker, wait_for
from tracker.models import AnalysisRequest, Report
from tracker.reports.services import reports_sweep
from tracker.reports.tasks import build_report
from tracker.storage import reports_storage

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EPISODES = 4_000
LEASE_SECONDS = 1
BODY = {"format": "pdf", "date_from": "2025-01-01", "date_to": "2026-12-31", "include_notes": True}


@pytest.fixture
def big_diary(postgres: None, redis_url: str, settings: Any) -> User:
    """Alice with 4,000 episodes in 2025-2026; the analyses her writes asked for are dropped,
    so that the workers only build reports."""
    settings.REPORTS_LEASE_SECONDS = LEASE_SECONDS
    alice = User.objects.create(username="alice")
    profile_update(user=alice, time_zone="America/Los_Angeles")
    start = datetime(2025, 1, 2, tzinfo=UTC)
    episodes_bulk_create(
        user=alice,
        items=[
            EpisodeInput(
                started_at=start + timedelta(minutes=149 * i),
                duration_seconds=30,
                locations=[LocationInput("eyelid", "left"), LocationInput("calf", "both")],
                intensity=1 + i % 10,
                pattern="intermittent_bursts",
                triggers=["caffeine", "stress"],
                notes=f"note {i}",
            )
            for i in range(EPISODES)
        ],
    )
    AnalysisRequest.objects.filter(user=alice).delete()
    app.control.purge()
    return alice


def worker_env() -> dict[str, str]:
    db = connection.settings_dict  # the test database, which the workers must use too
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REPORTS_ROOT": str(reports_storage().location),  # type: ignore[attr-defined]
        "REPORTS_LEASE_SECONDS": str(LEASE_SECONDS),
    }


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for worker in started:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)


def start(workers: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    worker = start_worker(f"reports-{uuid.uuid4().hex[:6]}", worker_env())
    workers.append(worker)
    return worker


def stored_files() -> list[str]:
    return sorted(reports_storage().listdir("")[1])


def assert_whole(report: Report) -> None:
    """Ready, one file in the storage, and it is the one the row names, with its size and digest."""
    assert report.status == "ready"
    assert stored_files() == [report.file_name]
    with reports_storage().open(report.file_name, "rb") as handle:
        body = handle.read()
    assert (len(body), hashlib.sha256(body).hexdigest()) == (report.size, report.sha256)
    pages = PdfReader(io.BytesIO(body)).pages  # a whole PDF: it parses, to its last page
    assert f"page {len(pages)} of {len(pages)}" in pages[-1].extract_text()
    assert "Appendix: reference notes" in pages[-1].extract_text()  # the end of the report
    assert "note 3999" in pages[-2].extract_text()  # the last episode's row, before the appendix


def test_a_report_goes_queued_running_with_rising_progress_then_ready(big_diary: User, workers: list[Any]) -> None:
    start(workers)
    response = client_for(big_diary).post("/api/v1/reports/", BODY, format="json")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    report_id, seen = response.json()["id"], []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, progress = Report.objects.filter(pk=report_id).values_list("status", "progress").get()
        if not seen or seen[-1] != (status, progress):
            seen.append((status, progress))
        if status in ("ready", "failed"):
            break
        time.sleep(0.02)
    print("seen:", seen)
    assert seen[-1] == ("ready", 100)
    running = [progress for status, progress in seen if status == "running"]
    assert len({p for p in running if 0 < p < 100}) >= 3, seen  # seen rising while it built
    assert running == sorted(running)
    assert_whole(Report.objects.get(pk=report_id))


def test_a_worker_killed_mid_build_leaves_no_file_marked_ready_and_another_finishes_it(
    big_diary: User, workers: list[Any]
) -> None:
    first = start(workers)
    report_id = client_for(big_diary).post("/api/v1/reports/", BODY, format="json").json()["id"]
    wait_for(lambda: Report.objects.filter(pk=report_id, status="running", progress__gte=10).exists(), 60, "a build")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    killed = Report.objects.get(pk=report_id)
    assert (killed.status, killed.attempts, killed.size, killed.sha256) == ("running", 1, None, "")
    assert reports_sweep() == 0  # within its lease the build is taken for alive
    start(workers)  # longer than the lease
    wait_for(
        lambda: (
            not Report.objects.filter(
                pk=report_id, heartbeat_at__gt=datetime.now(UTC) - timedelta(seconds=LEASE_SECONDS)
            ).exists()
        ),
        10,
        "the lease to run out",
    )
    assert reports_sweep() == 1  # its heartbeat stopped: send it again
    wait_for(lambda: Report.objects.filter(pk=report_id, status="ready").exists(), 60, "the build to finish")
    report = Report.objects.get(pk=report_id)
    assert report.attempts == 2
    assert_whole(report)


def test_one_report_sent_to_two_workers_is_built_once(big_diary: User, workers: list[Any]) -> None:
    start(workers)
    start(workers)
    report_id = client_for(big_diary).post("/api/v1/reports/", BODY, format="json").json()["id"]
    build_report.apply_async(args=(report_id,))  # a duplicate message, for the other worker
    wait_for(lambda: Report.objects.filter(pk=report_id, status="running").exists(), 30, "a build")
    # Only one message can have been claimed: the other worker found the claim live, or finds it done.
    time.sleep(LEASE_SECONDS + 0.3)  # past a lease: the heartbeat keeps the build alive
    if Report.objects.filter(pk=report_id, status="running").exists():
        assert reports_sweep() == 0
    wait_for(lambda: Report.objects.filter(pk=report_id, status="ready").exists(), 60, "the build to finish")
    report = Report.objects.get(pk=report_id)
    assert report.attempts == 1  # one build counted
    assert_whole(report)  # one file


def test_a_report_asked_for_with_the_broker_down_is_queued_and_the_sweep_sends_it(
    postgres: None, redis_url: str, workers: list[Any]
) -> None:
    alice = User.objects.create(username="alice")
    script = (
        "import time, datetime;"
        "from django.contrib.auth.models import User;"
        "from tracker.reports.services import report_create;"
        "t = time.perf_counter();"
        "report_create(user=User.objects.get(username='alice'), format='csv',"
        " date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 1, 31));"
        "print(time.perf_counter() - t)"
    )
    env = {**worker_env(), "REDIS_URL": "redis://127.0.0.1:1/0"}  # a web process whose broker is down
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.strip().splitlines()[-1]) < 2.0  # answered at once, not after retries
    report = Report.objects.get(user=alice)
    assert (report.status, report.enqueued_at) == ("queued", None)
    start(workers)
    assert reports_sweep() == 1  # the broker is back: the sweep sends what was missed
    wait_for(lambda: Report.objects.filter(pk=report.pk, status="ready").exists(), 30, "the swept report")
