"""The summary for a user and range (tracker.summaries.selectors): one typed answer, read in a fixed few
queries; date ranges analysed on demand, kept few, and refreshed when the diary changes."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from conditions.models import Symptom
from conditions.reference import load_reference
from diary.models import DeviceToken
from tests.factories import EpisodeFactory, UserFactory
from tracker.analysis.summary import ANALYSIS_VERSION
from tracker.models import AnalysisRequest, AnalysisRun, Summary
from tracker.summaries.selectors import DiarySummary, summary_get, summary_of_range, summary_read
from tracker.summaries.services import analysis_refresh_all, analysis_sweep, range_key, summary_compute
from tracker.summaries.tasks import analyse_diary

# The token check: the token it was sent, with its user (config.api.authentication).
TOKEN_CHECK = 1
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-20"}


def with_token(user: User) -> APIClient:
    _, raw = DeviceToken.objects.create(user=user, device_name="Pixel 8")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def committing(transactional_db: None) -> None:
    """Writes commit for real, and tell the tracker as they do in production (a test that
    rolls back holds every write in one transaction, which tells it once)."""
    load_reference()  # a transactional test starts from a flushed database


# --- One typed answer, in a fixed few queries -------------------------------------------------


def test_it_answers_a_ready_summary_as_a_typed_object(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    summary_compute(user_id=alice.pk, key="all")
    summary = summary_read(user_id=alice.pk)
    assert isinstance(summary, DiarySummary)
    assert (summary.status, summary.stale, summary.computed_at) == ("ready", False, frozen_now)
    assert summary.findings is not None
    assert summary.findings["frequency"]["episodes"] == 1
    assert summary.reference_version == summary.findings["reference_version"]


def test_it_reads_a_ready_summary_with_a_token_in_four_queries(
    alice: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    EpisodeFactory(user=alice)
    summary_compute(user_id=alice.pk, key="all")
    client = with_token(alice)
    # The token check, the reference version, the summary with its staleness.
    with django_assert_num_queries(TOKEN_CHECK + 2):
        answer = client.get("/api/v1/summary/").json()
    assert (answer["status"], answer["stale"], answer["frequency"]["episodes"]) == ("ready", False, 1)


def test_it_answers_the_method_and_both_rate_ratios_of_each_association(
    alice: User, bob: User, frozen_now: datetime
) -> None:
    EpisodeFactory(user=alice)
    summary_compute(user_id=alice.pk, key="all")
    answer = with_token(alice).get("/api/v1/summary/").json()
    assert answer["method"]["threshold"] == 0.05
    assert "excludes 1" in answer["method"]["significant"]
    assert answer["method"]["time_of_day"].startswith("The episodes between 06:00 and midnight")
    # One day of diary and no check-in: nothing to compare, alone or adjusted, and it says so.
    caffeine = answer["associations"][0]
    assert (caffeine["status"], caffeine["unadjusted"], caffeine["significant"]) == ("not_enough_data", None, False)
    assert answer["timing"]["time_of_day"]["window"] == {"start": "06:00", "end": "24:00"}
    # Before any summary, every finding's key is there, null.
    assert with_token(bob).get("/api/v1/summary/").json()["method"] is None


def test_it_reads_a_kept_range_in_four_queries_once_analysed(
    alice: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    EpisodeFactory(user=alice)
    client = with_token(alice)
    assert client.get("/api/v1/summary/", NOVEMBER).json()["status"] == "ready"  # analysed on the spot
    with django_assert_num_queries(TOKEN_CHECK + 2):
        answer = client.get("/api/v1/summary/", NOVEMBER).json()
    assert (answer["status"], answer["stale"], answer["frequency"]["episodes"]) == ("ready", False, 1)
    # A minute later, the read is recorded too.
    with time_machine.travel(frozen_now + timedelta(minutes=2), tick=False), django_assert_num_queries(TOKEN_CHECK + 3):
        client.get("/api/v1/summary/", NOVEMBER)


def test_it_keeps_the_pending_and_none_answers_small(
    alice: User, bob: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    EpisodeFactory(user=alice)
    AnalysisRequest.objects.create(user=alice, requested_at=frozen_now, enqueued_at=frozen_now)  # sent, not run
    as_alice, as_bob = with_token(alice), with_token(bob)
    # The token check, the reference version, no summary, its request with the change number.
    with django_assert_num_queries(TOKEN_CHECK + 3):
        assert as_alice.get("/api/v1/summary/").json()["status"] == "pending"
    # No request either: the user's change number on its own (bob has no diary: nothing to ask for).
    with django_assert_num_queries(TOKEN_CHECK + 4):
        assert as_bob.get("/api/v1/summary/").json()["status"] == "none"


def test_it_reads_the_summary_itself_in_two_queries(
    alice: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    EpisodeFactory(user=alice)
    summary_compute(user_id=alice.pk, key="all")
    with django_assert_num_queries(2):
        assert summary_get(user_id=alice.pk).status == "ready"


def test_it_calls_a_summary_stale_when_the_reference_data_changes(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    summary_compute(user_id=alice.pk, key="all")
    symptom = Symptom.objects.get(code="weakness")
    symptom.advice += " Edited."
    symptom.save()  # as the admin does: the stored reference version follows
    assert summary_get(user_id=alice.pk).stale is True
    assert analysis_sweep() == 1  # the sweep goes by the same rule, and asks again (run here)
    refreshed = summary_get(user_id=alice.pk)
    assert (refreshed.stale, refreshed.reference_version) == (False, Summary.objects.get().reference_version)


def test_it_calls_a_summary_stale_when_the_analysis_changed_since(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    summary_compute(user_id=alice.pk, key="all")
    Summary.objects.update(analysis_version=ANALYSIS_VERSION - 1)  # computed by the release before
    assert summary_get(user_id=alice.pk).stale is True
    assert analysis_sweep() == 1
    assert summary_get(user_id=alice.pk).stale is False
    assert Summary.objects.get().analysis_version == ANALYSIS_VERSION


# --- Date ranges ---------------------------------------------------------------------------------


def test_it_keeps_a_range_fresh_after_a_write_in_it(committing: None, frozen_now: datetime) -> None:
    alice = UserFactory(username="alice")
    EpisodeFactory(user=alice)
    client = with_token(alice)
    assert client.get("/api/v1/summary/", NOVEMBER).json()["frequency"]["episodes"] == 1
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=3))
    # The write asked for the kept range again, and the run (here, in process) stored it.
    stored = Summary.objects.get(user=alice, range_key="2026-11-01..2026-11-20")
    assert stored.result["frequency"]["episodes"] == 2
    runs = AnalysisRun.objects.filter(user=alice).count()
    answer = client.get("/api/v1/summary/", NOVEMBER).json()
    assert (answer["status"], answer["stale"], answer["frequency"]["episodes"]) == ("ready", False, 2)
    assert AnalysisRun.objects.filter(user=alice).count() == runs  # the read found it fresh


def test_it_keeps_at_most_the_cap_of_ranges_however_many_are_read(
    committing: None, frozen_now: datetime, settings: Any
) -> None:
    settings.RANGED_SUMMARIES_KEPT = 5
    alice = UserFactory(username="alice")
    EpisodeFactory(user=alice)
    all_time_runs = AnalysisRun.objects.filter(user=alice).count()
    client = with_token(alice)
    for day in range(100):
        first = date(2026, 1, 1) + timedelta(days=day)
        answer = client.get("/api/v1/summary/", {"date_from": first, "date_to": "2026-11-20"}).json()
        assert (answer["status"], answer["frequency"]["episodes"]) == ("ready", 1)
    ranged = Summary.objects.filter(user=alice).exclude(range_key="all")
    assert ranged.count() == 5
    assert AnalysisRequest.objects.filter(user=alice).exclude(range_key="all").count() == 5
    kept = {range_key(date(2026, 1, 1) + timedelta(days=day), date(2026, 11, 20)) for day in range(95, 100)}
    assert set(ranged.values_list("range_key", flat=True)) == kept  # the most recently read
    assert AnalysisRun.objects.filter(user=alice).count() == all_time_runs + 100  # one per range read
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=3))
    assert AnalysisRun.objects.filter(user=alice).count() == all_time_runs + 100 + 1 + 5  # all time and the kept


def test_it_keeps_the_range_read_again_rather_than_the_oldest_read(
    alice: User, frozen_now: datetime, settings: Any
) -> None:
    settings.RANGED_SUMMARIES_KEPT = 2
    EpisodeFactory(user=alice)
    client = with_token(alice)
    with time_machine.travel(frozen_now, tick=False) as clock:
        for ranged in ("2026-11-01", "2026-11-02", "2026-11-01", "2026-11-03"):
            client.get("/api/v1/summary/", {"date_from": ranged, "date_to": "2026-11-20"})
            clock.shift(timedelta(minutes=2))
    kept = AnalysisRequest.objects.filter(user=alice).values_list("range_key", flat=True)
    assert sorted(kept) == ["2026-11-01..2026-11-20", "2026-11-03..2026-11-20"]


def test_it_drops_a_queued_run_of_a_range_evicted_meanwhile(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    assert analyse_diary.run(alice.pk, "2026-11-01..2026-11-20") == "dropped"
    assert not Summary.objects.exists()
    assert not AnalysisRun.objects.exists()


def test_it_queues_a_long_range_and_answers_it_stale_rather_than_analyse_it_on_the_spot(
    alice: User, frozen_now: datetime, settings: Any
) -> None:
    settings.SUMMARY_ON_DEMAND_DAYS = 30
    EpisodeFactory(user=alice)
    client = with_token(alice)
    year = {"date_from": "2026-01-01", "date_to": "2026-11-20"}
    assert client.get("/api/v1/summary/", year).json()["status"] == "ready"  # asked; run here, in process
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=3))  # not committed: not asked again
    runs = AnalysisRun.objects.count()
    assert client.get("/api/v1/summary/", year).json()["stale"] is True
    assert AnalysisRun.objects.count() == runs
    assert client.get("/api/v1/summary/", NOVEMBER).json()["stale"] is False  # a short one is analysed now


def test_it_analyses_a_range_for_a_report_without_storing_it(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=60))
    summary = summary_of_range(user_id=alice.pk, date_from=date(2026, 11, 1), date_to=date(2026, 11, 20))
    assert (summary.status, summary.stale, summary.computed_at) == ("ready", False, frozen_now)
    assert summary.findings is not None
    assert summary.findings["frequency"]["episodes"] == 1
    assert not Summary.objects.exists()
    assert not AnalysisRun.objects.exists()


def test_the_sweep_refreshes_a_kept_range_gone_stale(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice)
    summary_compute(user_id=alice.pk, key="all")
    with_token(alice).get("/api/v1/summary/", NOVEMBER)
    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=3))  # not committed: nothing asked
    assert analysis_sweep() == 2  # all time and the range
    assert Summary.objects.get(range_key="2026-11-01..2026-11-20").result["frequency"]["episodes"] == 2


def test_the_nightly_run_drops_ranges_unread_for_a_month_and_refreshes_the_others(
    alice: User, frozen_now: datetime, settings: Any
) -> None:
    settings.RANGED_SUMMARIES_UNREAD_DAYS = 30
    EpisodeFactory(user=alice)
    client = with_token(alice)
    client.get("/api/v1/summary/", {"date_from": "2026-10-01", "date_to": "2026-11-20"})
    with time_machine.travel(frozen_now + timedelta(days=20), tick=False):
        client.get("/api/v1/summary/", NOVEMBER)
    with time_machine.travel(frozen_now + timedelta(days=31), tick=False):
        assert analysis_refresh_all() == 1
    assert list(Summary.objects.values_list("range_key", flat=True)) == ["2026-11-01..2026-11-20"]
    assert list(AnalysisRequest.objects.values_list("range_key", flat=True)) == ["2026-11-01..2026-11-20"]


@pytest.mark.parametrize("limit", [60, 180])
def test_the_sweep_fails_runs_by_the_hard_time_limit_in_settings(
    alice: User, frozen_now: datetime, settings: Any, limit: int
) -> None:
    settings.ANALYSIS_TIME_LIMIT = limit
    run = AnalysisRun.objects.create(user=alice, started_at=frozen_now - timedelta(minutes=2, seconds=30))
    analysis_sweep()
    run.refresh_from_db()
    # Dead past the limit and a minute: 2 minutes 30 is past 60 s + 1 min, not past 180 s + 1 min.
    assert run.outcome == ("failed" if limit == 60 else "running")
