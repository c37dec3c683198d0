"""A diary cannot poison its own analysis: the diaries that used to fail get a summary; a run
that fails anyway is marked failed with its reason and its request backed off; and no log
line, nor the stored reason, carries the diary's data."""

import json
import logging
import re
import threading
import traceback
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import User
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from conditions.reference import load_reference
from config.celery import app
from diary.plain import Diary
from diary.selectors.read import load_diary
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory, UserFactory, make_checkin, make_legacy_checkin
from tests.threads import join_all
from tracker.analysis.data import Reference
from tracker.analysis.summary import analyse
from tracker.jobs import JobInterrupted as AnalysisInterrupted
from tracker.models import AnalysisRequest, AnalysisRun, Summary
from tracker.summaries import services
from tracker.summaries.services import analysis_request, analysis_sweep, on_diary_changed
from tracker.summaries.tasks import analyse_diary

PLANTED_NOTE = "PLANTED-NOTE-7f3a"
PLANTED_DURATION = 271828  # seconds: a little over three days, a number found nowhere else
PLANTED_SLEEP = 13.37
PLANTED = (PLANTED_NOTE, str(PLANTED_DURATION), str(PLANTED_SLEEP))


# --- The diaries of finding 7 ------------------------------------------------------------------


def test_it_gives_a_diary_of_22_episodes_in_one_day_a_ready_summary(
    alice: User, frozen_now: datetime, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(22):
            EpisodeFactory(user=alice, started_at=frozen_now - timedelta(minutes=10 * (i + 1)))
    answer = client_for(alice).get("/api/v1/summary/").json()
    assert (answer["status"], answer["stale"], answer["period"]["days"]) == ("ready", False, 1)
    weekday = answer["timing"]["weekday"]
    assert (weekday["peak"], weekday["counts"]["friday"]) == (None, 22)
    assert "p_value" not in weekday
    assert "over 4 weeks" in weekday["reason"]


def test_it_gives_a_diary_with_a_check_in_dated_year_one_a_ready_summary(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)  # 2 November 2026; nothing committed, so nothing analysed yet
    make_checkin(alice)
    make_legacy_checkin(alice, date(1, 1, 1), caffeine_cups=3, sleep_hours=4)
    answer = client_for(alice).get("/api/v1/summary/").json()  # the first look asks, and runs here
    assert (answer["status"], answer["stale"]) == ("ready", False)
    assert answer["period"] == {"start": "2026-11-02", "end": "2026-11-20", "days": 19}  # not from year 1
    assert AnalysisRun.objects.get(user=alice).outcome == "stored"


def test_it_reads_the_diary_from_1900_on(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    for day in (date(1, 1, 1), date(1899, 12, 31), date(1900, 1, 1)):
        make_legacy_checkin(alice, day, stress=5)
    diary = load_diary(user_id=alice.pk)
    assert [c.day for c in diary.checkins] == [date(1900, 1, 1)]
    assert diary.start == date(1900, 1, 1)
    assert load_diary(user_id=alice.pk, date_from=date(1, 1, 1)).start == date(1900, 1, 1)


def test_it_gives_a_range_reaching_both_ends_of_the_calendar_a_ready_summary(alice: User, frozen_now: datetime) -> None:
    """The API refuses such a range (dates run from 1900 to 2100); the pipeline copes anyway."""
    EpisodeFactory(user=alice)
    refused = client_for(alice).get("/api/v1/summary/", {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert refused.status_code == 400
    analysis_request(user_id=alice.pk, date_from=date(1, 1, 1), date_to=date(9999, 12, 31))
    summary = Summary.objects.get(user=alice, range_key="0001-01-01..9999-12-31")
    # Counted from the diary's first entry, not from 1900: days before it are not twitch-free days.
    assert (summary.result["period"]["start"], summary.result["period"]["end"]) == ("2026-11-02", "9999-12-31")
    assert summary.result["frequency"]["episodes"] == 1


# --- A run that fails ----------------------------------------------------------------------------


@pytest.fixture
def planted_diary(alice: User) -> User:
    """Alice's diary, with values that must never reach a log line."""
    EpisodeFactory(user=alice, duration_seconds=PLANTED_DURATION, notes=PLANTED_NOTE)
    make_checkin(alice, sleep_hours=PLANTED_SLEEP)
    return alice


Analyse = Callable[[Diary, Reference], dict[str, Any]]


def failing_like_the_database(error: type[Exception], raised: list[str]) -> Analyse:
    """An analysis that fails as a database error does: with a message that quotes the row
    it refused (the note, the summary's JSON, the check-ins' values)."""

    def poisoned(diary: Diary, reference: Reference) -> dict[str, Any]:
        result = analyse(diary, reference)
        message = f'invalid input: note "{PLANTED_NOTE}" in {json.dumps(result)} and {diary.checkins!r}'
        raised.append(message)
        raise error(message)

    return poisoned


@pytest.fixture
def poisoned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the analysis fail with diary data in its message; returns the messages raised."""
    raised: list[str] = []
    monkeypatch.setattr(services, "analyse", failing_like_the_database(ValueError, raised))
    return raised


def test_it_marks_a_failing_run_failed_with_where_it_failed(
    planted_diary: User, poisoned: list[str], frozen_now: datetime
) -> None:
    AnalysisRequest.objects.create(user=planted_diary, requested_at=frozen_now)
    assert analyse_diary.run(planted_diary.pk, "all") == "failed"
    run = AnalysisRun.objects.get(user=planted_diary)
    assert (run.outcome, run.finished_at) == ("failed", frozen_now)
    assert re.fullmatch(r"ValueError at tests/tracker/summaries/test_failures\.py:\d+ in .*poisoned", run.reason), (
        run.reason
    )
    request = AnalysisRequest.objects.get(user=planted_diary)
    assert request.requested_at is not None  # still wanted
    assert (request.failures, request.retry_at) == (1, frozen_now + timedelta(minutes=5))


def test_it_fails_a_run_that_hits_the_soft_time_limit(
    alice: User, frozen_now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def too_slow(diary: Diary, reference: Reference) -> dict[str, Any]:
        raise SoftTimeLimitExceeded()

    EpisodeFactory(user=alice)
    monkeypatch.setattr(services, "analyse", too_slow)
    analysis_request(user_id=alice.pk)
    run = AnalysisRun.objects.get(user=alice)
    assert run.outcome == "failed"
    assert run.reason.startswith("SoftTimeLimitExceeded at tests/tracker/summaries/test_failures.py:")


def test_it_fails_a_run_whose_summary_holds_nan_before_the_database_sees_it(
    alice: User, frozen_now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def with_nan(diary: Diary, reference: Reference) -> dict[str, Any]:
        return {**analyse(diary, reference), "trend": {"rate_ratio": float("nan")}}

    EpisodeFactory(user=alice)
    monkeypatch.setattr(services, "analyse", with_nan)
    analysis_request(user_id=alice.pk)
    run = AnalysisRun.objects.get(user=alice)
    assert run.outcome == "failed"
    assert re.fullmatch(r"ValueError at tracker/summaries/services\.py:\d+ in _refuse_nan_or_infinity", run.reason)
    assert not Summary.objects.exists()


def test_it_backs_a_failed_request_off_from_the_sweep_until_its_retry_time(
    planted_diary: User, poisoned: list[str], frozen_now: datetime
) -> None:
    alice = planted_diary
    analysis_request(user_id=alice.pk)  # runs here, and fails
    assert analysis_sweep() == 0  # the sweep right after leaves it alone
    with time_machine.travel(frozen_now + timedelta(minutes=4, seconds=59), tick=False):
        assert analysis_sweep() == 0
    assert AnalysisRun.objects.filter(user=alice).count() == 1
    with time_machine.travel(frozen_now + timedelta(minutes=5, seconds=1), tick=False) as later:
        assert analysis_sweep() == 1  # due: sent again, and failed again
        request = AnalysisRequest.objects.get(user=alice)
        assert (request.failures, request.retry_at) == (2, timezone.now() + timedelta(minutes=10))
        later.shift(timedelta(minutes=9))
        assert analysis_sweep() == 0
    assert list(AnalysisRun.objects.filter(user=alice).values_list("outcome", flat=True)) == ["failed", "failed"]


def test_it_waits_at_most_a_day_between_retries(planted_diary: User, poisoned: list[str], frozen_now: datetime) -> None:
    AnalysisRequest.objects.create(user=planted_diary, requested_at=frozen_now, failures=12)
    analyse_diary.run(planted_diary.pk, "all")
    request = AnalysisRequest.objects.get(user=planted_diary)
    assert (request.failures, request.retry_at) == (13, frozen_now + timedelta(hours=24))


def test_it_resets_the_backoff_once_a_run_succeeds(
    planted_diary: User, poisoned: list[str], frozen_now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysis_request(user_id=planted_diary.pk)
    monkeypatch.setattr(services, "analyse", analyse)  # whatever failed is fixed
    with time_machine.travel(frozen_now + timedelta(minutes=6), tick=False):
        assert analysis_sweep() == 1
    request = AnalysisRequest.objects.get(user=planted_diary)
    assert (request.failures, request.retry_at, request.requested_at) == (0, None, None)
    assert Summary.objects.filter(user=planted_diary).exists()


def test_it_lets_a_diary_write_retry_a_backed_off_request_at_once(
    planted_diary: User, poisoned: list[str], frozen_now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = planted_diary
    analysis_request(user_id=alice.pk)  # fails, backed off for 5 minutes
    analysis_request(user_id=alice.pk)  # the sweep or the nightly refresh: joins the backed-off request
    assert AnalysisRun.objects.filter(user=alice).count() == 1
    monkeypatch.setattr(services, "analyse", analyse)
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(hours=1))  # the user fixes the diary,
    on_diary_changed(alice.pk)  # and its commit tells the tracker (diary.changes)
    assert AnalysisRun.objects.filter(user=alice).count() == 2
    assert Summary.objects.get(user=alice).result["frequency"]["episodes"] == 2
    assert AnalysisRequest.objects.get(user=alice).failures == 0


def test_it_does_not_rerun_a_backed_off_request_when_the_summary_is_read(
    planted_diary: User, poisoned: list[str], frozen_now: datetime
) -> None:
    client = client_for(planted_diary)
    assert client.get("/api/v1/summary/").json()["status"] == "pending"  # the first look asks; it fails
    with time_machine.travel(frozen_now + timedelta(minutes=2), tick=False):
        assert client.get("/api/v1/summary/").json()["status"] == "pending"  # a stuck request: not re-sent
    assert AnalysisRun.objects.filter(user=planted_diary).count() == 1
    with time_machine.travel(frozen_now + timedelta(minutes=6), tick=False):
        assert client.get("/api/v1/summary/").json()["status"] == "pending"  # due: sent again (and fails)
    assert AnalysisRun.objects.filter(user=planted_diary).count() == 2


def test_it_marks_a_run_still_running_past_the_hard_time_limit_failed(
    alice: User, bob: User, frozen_now: datetime
) -> None:
    EpisodeFactory(user=alice)  # her analysis died with its worker five minutes ago
    AnalysisRequest.objects.create(user=alice, claimed_at=frozen_now - timedelta(minutes=5))
    dead = AnalysisRun.objects.create(user=alice, started_at=frozen_now - timedelta(minutes=5))
    alive = AnalysisRun.objects.create(user=bob, started_at=frozen_now - timedelta(minutes=3))
    # Bob's dead run was redelivered and done since: it is marked failed, nothing is backed off.
    AnalysisRequest.objects.create(user=bob)
    bobs_dead = AnalysisRun.objects.create(user=bob, started_at=frozen_now - timedelta(minutes=10))
    AnalysisRun.objects.create(user=bob, started_at=frozen_now - timedelta(minutes=9), outcome="stored")
    analysis_sweep()
    dead.refresh_from_db()
    assert (dead.outcome, dead.finished_at) == ("failed", frozen_now)
    assert dead.reason.startswith("Did not finish")
    assert AnalysisRequest.objects.get(user=alice).retry_at == frozen_now + timedelta(minutes=5)
    assert not AnalysisRun.objects.filter(user=alice).exclude(pk=dead.pk).exists()  # backed off: not re-run
    alive.refresh_from_db()
    bobs_dead.refresh_from_db()
    assert (alive.outcome, bobs_dead.outcome) == ("running", "failed")
    assert AnalysisRequest.objects.get(user=bob).failures == 0


def test_it_shows_failed_runs_with_their_reason_and_backed_off_requests_in_the_admin(
    planted_diary: User, poisoned: list[str], frozen_now: datetime
) -> None:
    analysis_request(user_id=planted_diary.pk)
    operator = Client()
    operator.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    runs = operator.get("/admin/tracker/analysisrun/?outcome__exact=failed").content.decode()
    assert AnalysisRun.objects.get().reason.split(" in ")[0] in runs
    requests = operator.get("/admin/tracker/analysisrequest/").content.decode()
    assert "column-failures" in requests
    assert "column-retry_at" in requests


# --- No diary data in any log line --------------------------------------------------------------


def assert_no_planted_value_escaped(records: list[logging.LogRecord], raised: list[str], error: type) -> None:
    assert raised  # the failure happened,
    assert all(value in raised[0] for value in PLANTED)  # and did carry the planted values
    logged = "\n".join(logging.Formatter().format(record) for record in records)
    assert f"{error.__name__} at " in logged  # the failure was logged, by its reason
    reasons = "\n".join(AnalysisRun.objects.values_list("reason", flat=True))
    assert reasons
    for value in PLANTED:
        assert value not in logged
        assert value not in reasons


@pytest.mark.parametrize("error", [ValueError, OperationalError])
def test_it_logs_no_diary_data_when_a_task_fails(
    planted_diary: User,
    frozen_now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: type[Exception],
) -> None:
    raised: list[str] = []
    monkeypatch.setattr(services, "analyse", failing_like_the_database(error, raised))
    caplog.set_level(logging.DEBUG)
    analysis_request(user_id=planted_diary.pk)  # without REDIS_URL the task runs here, at once
    # As in a worker, where Celery catches what the task raises, logs it, and retries a blip.
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    AnalysisRequest.objects.filter(user=planted_diary).update(requested_at=frozen_now)
    analyse_diary.delay(planted_diary.pk, "all")
    assert_no_planted_value_escaped(caplog.records, raised, error)


def test_it_hands_celery_a_database_blip_with_its_reason_only(
    planted_diary: User, frozen_now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "analyse", failing_like_the_database(OperationalError, []))
    AnalysisRequest.objects.create(user=planted_diary, requested_at=frozen_now)
    with pytest.raises(AnalysisInterrupted) as interrupted:
        analyse_diary.run(planted_diary.pk, "all")  # what Celery retries (autoretry_for), and logs
    assert re.fullmatch(
        r"OperationalError at tests/tracker/summaries/test_failures\.py:\d+ in .*poisoned", str(interrupted.value)
    )
    assert interrupted.value.__context__ is None
    told = "".join(traceback.format_exception(interrupted.value))
    assert not any(value in told for value in PLANTED)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("error", [ValueError, OperationalError])
def test_it_logs_no_diary_data_when_an_embedded_analysis_fails(
    settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, error: type[Exception]
) -> None:
    load_reference()  # a transactional test starts from a flushed database
    alice = UserFactory(username="alice")
    EpisodeFactory(user=alice, duration_seconds=PLANTED_DURATION, notes=PLANTED_NOTE)
    make_checkin(alice, sleep_hours=PLANTED_SLEEP)
    raised: list[str] = []
    monkeypatch.setattr(services, "analyse", failing_like_the_database(error, raised))
    settings.ANALYSIS_IN_THREAD = True
    caplog.set_level(logging.DEBUG)
    join_all(set(threads_started_by(lambda: analysis_request(user_id=alice.pk))), timeout=30)
    assert AnalysisRun.objects.filter(user=alice, outcome="failed").exists()
    assert_no_planted_value_escaped(caplog.records, raised, error)


def threads_started_by(action: Callable[[], None]) -> Iterator[threading.Thread]:
    before = set(threading.enumerate())
    action()
    return iter(set(threading.enumerate()) - before)
