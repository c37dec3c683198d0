"""The one background-job mechanism (tracker.jobs) on its own; the analysis and the reports test
it through their features (test_pipeline, test_failures, reports/test_report_api)."""

import logging
import subprocess
import sys
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import OperationalError

from conditions.reference import load_reference
from tests.factories import EpisodeFactory, UserFactory
from tests.integration.conftest import PROJECT
from tests.threads import join_all
from tracker.jobs import Job, backoff_delay, record_on_fresh_connection
from tracker.models import AnalysisRequest
from tracker.reports.services import report_create

NOTHING = Job(task="tracker.summaries.tasks.analyse_diary", subject="the job {}", rows=AnalysisRequest.objects.none)


def test_it_finds_every_task_by_its_name_in_a_process_that_only_started_django() -> None:
    """A web process sends jobs without importing their tasks (tracker.apps imports them)."""
    script = (
        "import django; django.setup();"
        "from tracker.jobs import job_task;"
        "from tracker.reports.services import BUILD;"
        "from tracker.summaries.services import ANALYSIS;"
        "print(job_task(ANALYSIS).name, job_task(BUILD).name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["tracker.summaries.tasks.analyse_diary", "tracker.reports.tasks.build_report"]


def test_it_doubles_the_wait_with_each_failure_up_to_the_longest() -> None:
    first, longest = timedelta(minutes=5), timedelta(hours=24)
    waits = [backoff_delay(failures, first=first, longest=longest) for failures in (0, 1, 2, 3, 9, 10, 1000)]
    minutes = [int(wait / timedelta(minutes=1)) for wait in waits]
    assert minutes == [5, 5, 10, 20, 1280, 1440, 1440]
    assert backoff_delay(3, first=timedelta(seconds=15)) == timedelta(seconds=60)  # no longest: no cap


def test_it_records_a_failure_again_on_a_fresh_connection() -> None:
    tries: list[int] = []

    def record() -> str:
        tries.append(1)
        if len(tries) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return "recorded"

    assert record_on_fresh_connection(NOTHING, 7, record=record) == "recorded"
    assert len(tries) == 2


def test_it_gives_up_after_a_second_try_and_logs_only_the_reason(caplog: pytest.LogCaptureFixture) -> None:
    tries: list[int] = []

    def record() -> str:
        tries.append(1)
        raise OperationalError("could not write: note PLANTED-NOTE")

    assert record_on_fresh_connection(NOTHING, 7, record=record) is None
    assert len(tries) == 2
    logged = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "Could not record the failure of the job 7: OperationalError at tests/tracker/test_jobs.py:" in logged
    assert "PLANTED-NOTE" not in logged


@pytest.mark.django_db
def test_it_leaves_a_callers_transaction_alone() -> None:
    tries: list[int] = []

    def record() -> str:
        tries.append(1)
        raise OperationalError("could not write")

    assert record_on_fresh_connection(NOTHING, 7, record=record) is None  # inside the test's transaction
    assert len(tries) == 1


@pytest.mark.django_db(transaction=True)
def test_it_builds_a_report_in_a_thread_of_its_own_in_embedded_mode(settings: Any) -> None:
    load_reference()  # a transactional test starts from a flushed database
    settings.ANALYSIS_IN_THREAD = True
    first = set(threading.enumerate())
    alice = UserFactory(username="alice")
    EpisodeFactory(user=alice)
    before = set(threading.enumerate())
    report = report_create(user=alice, format="csv", date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    started = set(threading.enumerate()) - before
    assert started  # the request that asked does not build it
    join_all(started)
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("ready", 1)
    # The episode's own analysis runs in a thread too: the flush after a transactional test
    # deadlocked on it once in CI (PostgreSQL) when it was left running.
    join_all(set(threading.enumerate()) - first)
