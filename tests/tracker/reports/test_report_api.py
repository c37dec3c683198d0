"""The reports API: ask (202, built in the process here), poll, list, download, delete; the
cap, the field errors, another user's reports, expiry, failed builds and takeovers."""

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from diary.models import Episode
from tests.api.conftest import assert_error
from tests.tracker.reports import flaky_renderer
from tests.tracker.reports.conftest import FROM, TO
from tracker.jobs import BUILD_DID_NOT_FINISH as DID_NOT_FINISH
from tracker.models import Report
from tracker.reports import FORMATS
from tracker.reports.assembly import report_assemble
from tracker.reports.selectors import download_name
from tracker.reports.services import report_claim, reports_sweep
from tracker.reports.tasks import build_report
from tracker.storage import reports_storage

RANGE = {"date_from": str(FROM), "date_to": str(TO)}
OnCommit = Callable[..., Any]


@pytest.fixture
def ask(
    as_alice: APIClient, django_capture_on_commit_callbacks: OnCommit, frozen_now: datetime
) -> Callable[..., dict[str, Any]]:
    """POST a report as alice and run what the commit sends: the build, here in the process."""

    def post(**body: Any) -> dict[str, Any]:
        with django_capture_on_commit_callbacks(execute=True):
            response = as_alice.post("/api/v1/reports/", {"format": "csv", **RANGE, **body}, format="json")
        assert response.status_code == 202, response.content
        data: dict[str, Any] = response.json()
        return data

    return post


def stored_files() -> list[str]:
    return sorted(reports_storage().listdir("")[1])


def use_renderer(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setitem(FORMATS, "csv", replace(FORMATS["csv"], module=f"tests.tracker.reports.{module}"))


def test_it_answers_202_queued_then_builds_the_report(
    ask: Callable[..., dict[str, Any]], as_alice: APIClient, diary: list[Episode]
) -> None:
    created = ask(include_notes=True)
    assert (created["status"], created["progress"], created["download_url"]) == ("queued", 0, None)
    assert created["expires_at"] == "2026-11-27T12:00:00Z"  # seven days after it was asked for
    report = as_alice.get(f"/api/v1/reports/{created['id']}/").json()
    assert (report["status"], report["progress"], report["reason"]) == ("ready", 100, "")
    assert report["download_url"] == f"/api/v1/reports/{created['id']}/download/"
    download = as_alice.get(report["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="twitch-diary-2026-11-01-to-2026-11-14.csv"'
    assert download["Cache-Control"] == "private, no-store"
    body = b"".join(download.streaming_content)
    assert (len(body), hashlib.sha256(body).hexdigest()) == (report["size"], report["sha256"])
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert sorted(row["id"] for row in rows) == sorted(str(e.id) for e in diary[1:5])
    assert '\'=HYPERLINK("http://evil.example","click")' in [row["notes"] for row in rows]


def test_it_builds_the_json_export(
    ask: Callable[..., dict[str, Any]], as_alice: APIClient, diary: list[Episode]
) -> None:
    pytest.importorskip("tracker.reports.json", reason="the JSON renderer is being written by another helper")
    report = as_alice.get(f"/api/v1/reports/{ask(format='json')['id']}/").json()
    assert report["status"] == "ready", report["reason"]
    download = as_alice.get(report["download_url"])
    assert download["Content-Type"] == "application/json"
    assert download["Content-Disposition"] == 'attachment; filename="twitch-diary-2026-11-01-to-2026-11-14.json"'
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == report["sha256"]


def test_the_file_name_is_the_formats_own(alice: User, diary: list[Episode]) -> None:
    data = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    for code, output in FORMATS.items():
        report = Report(format=code, date_from=FROM, date_to=TO)
        assert download_name(report) == output.file_name(data)


def test_it_stores_the_file_under_an_unguessable_name(ask: Callable[..., dict[str, Any]], diary: list[Episode]) -> None:
    ask()
    ask()
    names = stored_files()
    assert len(names) == 2
    assert names[0] != names[1]
    assert all(len(name) >= 32 + len(".csv") and "twitch" not in name for name in names)
    assert set(names) == set(Report.objects.values_list("file_name", flat=True))


def test_it_lists_reports_newest_first_in_a_fixed_number_of_queries(
    alice: User, as_alice: APIClient, bob: User, frozen_now: datetime
) -> None:
    def listed() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = as_alice.get("/api/v1/reports/")
        assert response.status_code == 200
        return len(queries), [report["id"] for report in response.json()["results"]]

    def make(days_ago: int, user: User = alice) -> Report:
        created = frozen_now - timedelta(days=days_ago)
        return Report.objects.create(
            user=user, format="csv", date_from=FROM, date_to=TO, created_at=created, expires_at=created
        )

    newest = make(0)
    one = listed()
    older = [make(days) for days in (3, 1, 2)]
    make(0, user=bob)
    many = listed()
    assert one[0] == many[0] <= 3  # the token, the page: however many reports
    assert many[1] == [str(r.pk) for r in [newest, older[1], older[2], older[0]]]


def test_bob_gets_404_on_alices_report_everywhere(
    ask: Callable[..., dict[str, Any]], as_bob: APIClient, diary: list[Episode]
) -> None:
    report_id = ask()["id"]
    for method, path in [
        ("get", f"/api/v1/reports/{report_id}/"),
        ("get", f"/api/v1/reports/{report_id}/download/"),
        ("delete", f"/api/v1/reports/{report_id}/"),
    ]:
        assert_error(getattr(as_bob, method)(path), 404, "not_found")
    assert as_bob.get("/api/v1/reports/").json()["results"] == []
    assert Report.objects.filter(pk=report_id, status="ready").exists()
    assert len(stored_files()) == 1


def test_it_refuses_more_than_three_reports_building_with_429(
    as_alice: APIClient, alice: User, frozen_now: datetime, settings: Any
) -> None:
    # Nothing runs the commit's callbacks here: the reports stay queued.
    body = {"format": "csv", **RANGE}
    for _ in range(3):
        assert as_alice.post("/api/v1/reports/", body, format="json").status_code == 202
    assert_error(as_alice.post("/api/v1/reports/", body, format="json"), 429, "too_many_reports")
    assert Report.objects.filter(user=alice).count() == 3
    Report.objects.filter(pk=Report.objects.filter(user=alice).first().pk).update(status="failed")  # type: ignore[union-attr]
    assert as_alice.post("/api/v1/reports/", body, format="json").status_code == 202  # a place is free again
    settings.REPORTS_BUILDING_PER_USER = 5
    assert as_alice.post("/api/v1/reports/", body, format="json").status_code == 202


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "docx", **RANGE}, "format"),
        ({"format": "csv"}, "date_from"),
        ({"format": "csv", "date_from": "2026-11-01"}, "date_to"),
        ({"format": "csv", "date_from": "2026-11-02", "date_to": "2026-11-01"}, "date_to"),
        ({"format": "csv", "date_from": "2021-01-01", "date_to": "2026-01-01"}, "date_to"),  # five years and a day
        ({"format": "csv", "date_from": "1899-12-31", "date_to": "1900-01-31"}, "date_from"),
        ({"format": "csv", "date_from": "2100-12-01", "date_to": "2101-01-01"}, "date_to"),
        ({"format": "csv", "date_from": "2026-11-01", "date_to": "not a date"}, "date_to"),
        ({"format": "csv", **RANGE, "include_notes": "perhaps"}, "include_notes"),
    ],
)
def test_it_refuses_bad_input_with_field_errors(
    as_alice: APIClient, alice: User, body: dict[str, Any], field: str
) -> None:
    assert_error(as_alice.post("/api/v1/reports/", body, format="json"), 400, "invalid", field)
    assert not Report.objects.exists()


def test_it_takes_a_range_of_five_years_exactly(as_alice: APIClient, alice: User) -> None:
    body = {"format": "csv", "date_from": "2020-02-29", "date_to": "2025-02-28"}
    assert as_alice.post("/api/v1/reports/", body, format="json").status_code == 202


def test_it_deletes_a_report_and_its_file(
    ask: Callable[..., dict[str, Any]],
    as_alice: APIClient,
    diary: list[Episode],
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    report_id = ask()["id"]
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert as_alice.delete(f"/api/v1/reports/{report_id}/").status_code == 204
    assert not Report.objects.exists()
    assert stored_files() == []
    assert_error(as_alice.get(f"/api/v1/reports/{report_id}/"), 404, "not_found")


def test_the_download_is_404_until_the_report_is_ready(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    response = as_alice.post("/api/v1/reports/", {"format": "csv", **RANGE}, format="json")  # stays queued
    assert_error(as_alice.get(f"/api/v1/reports/{response.json()['id']}/download/"), 404, "not_found")


def test_reports_expire_after_seven_days_with_their_files(
    ask: Callable[..., dict[str, Any]], as_alice: APIClient, diary: list[Episode], frozen_now: datetime
) -> None:
    report_id = ask()["id"]
    with time_machine.travel(frozen_now + timedelta(days=7) - timedelta(seconds=1), tick=False):
        reports_sweep()
        assert as_alice.get(f"/api/v1/reports/{report_id}/").status_code == 200
        assert len(stored_files()) == 1
    with time_machine.travel(frozen_now + timedelta(days=7), tick=False):
        reports_sweep()
        assert_error(as_alice.get(f"/api/v1/reports/{report_id}/"), 404, "not_found")
    assert stored_files() == []


def test_a_failing_renderer_ends_failed_with_a_readable_reason_after_three_builds(
    ask: Callable[..., dict[str, Any]],
    as_alice: APIClient,
    diary: list[Episode],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_renderer(monkeypatch, "broken_renderer")
    report = as_alice.get(f"/api/v1/reports/{ask(include_notes=True)['id']}/").json()
    assert (report["status"], report["download_url"], report["size"], report["sha256"]) == ("failed", None, None, "")
    assert report["reason"].startswith("The report could not be built (3 tries). It failed with ValueError at ")
    assert "tests/tracker/reports/broken_renderer.py" in report["reason"]
    assert Report.objects.get().attempts == 3
    assert stored_files() == []
    for text in (report["reason"], caplog.text):  # never the diary data in the error's message
        assert "HYPERLINK" not in text
        assert "alice's notes" not in text


def test_a_failed_build_is_retried_and_may_then_succeed(
    ask: Callable[..., dict[str, Any]], as_alice: APIClient, diary: list[Episode], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_renderer(monkeypatch, "flaky_renderer")
    monkeypatch.setattr(flaky_renderer, "failures_left", [2])
    report = as_alice.get(f"/api/v1/reports/{ask()['id']}/").json()
    assert (report["status"], report["reason"], Report.objects.get().attempts) == ("ready", "", 3)
    assert len(stored_files()) == 1


def test_it_writes_progress_every_few_percent_not_per_step(
    ask: Callable[..., dict[str, Any]], diary: list[Episode], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_renderer(monkeypatch, "chatty_renderer")
    with CaptureQueriesContext(connection) as queries:
        ask()
    progress_writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and '"progress"' in q["sql"]]
    assert 10 <= len(progress_writes) <= 25  # the renderer reported 101 times
    assert Report.objects.get().status == "ready"


def test_a_build_that_lost_its_claim_deletes_its_file(
    ask: Callable[..., dict[str, Any]], diary: list[Episode], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_renderer(monkeypatch, "takeover_renderer")
    ask()
    report = Report.objects.get()
    assert (report.status, report.file_name, report.size) == ("running", "", None)  # the other build's now
    assert stored_files() == []


def make_running(alice: User, *, attempts: int, beat_ago: timedelta, now: datetime, leftover: str = "") -> Report:
    return Report.objects.create(
        user=alice,
        format="csv",
        date_from=FROM,
        date_to=TO,
        status="running",
        attempts=attempts,
        claimed_at=now - beat_ago,
        heartbeat_at=now - beat_ago,
        expires_at=now + timedelta(days=7),
        file_name=leftover,
    )


def test_a_live_build_is_not_claimed_twice(alice: User, frozen_now: datetime, settings: Any) -> None:
    report = make_running(
        alice, attempts=1, beat_ago=timedelta(seconds=settings.REPORTS_LEASE_SECONDS - 1), now=frozen_now
    )
    assert report_claim(report_id=report.pk) is None
    assert build_report.apply(args=(str(report.pk),)).get() == "not claimed"
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("running", 1)


def test_a_dead_build_is_taken_over_and_its_half_file_deleted(
    alice: User, diary: list[Episode], frozen_now: datetime, settings: Any
) -> None:
    half = reports_storage().save("half.csv", io.BytesIO(b"id,local_start\n"))
    report = make_running(
        alice, attempts=1, beat_ago=timedelta(seconds=settings.REPORTS_LEASE_SECONDS + 1), now=frozen_now, leftover=half
    )
    assert build_report.apply(args=(str(report.pk),)).get() == "ready"
    report.refresh_from_db()
    assert (report.status, report.attempts, report.progress) == ("ready", 2, 100)
    assert stored_files() == [report.file_name]
    with reports_storage().open(report.file_name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == report.sha256


def test_a_dead_last_build_fails_the_report(alice: User, frozen_now: datetime, settings: Any) -> None:
    half = reports_storage().save("half.csv", io.BytesIO(b"id"))
    report = make_running(alice, attempts=3, beat_ago=timedelta(minutes=5), now=frozen_now, leftover=half)
    reports_sweep()
    report.refresh_from_db()
    assert (report.status, report.file_name) == ("failed", "")
    assert report.reason == (
        f"The report could not be built (3 tries). {DID_NOT_FINISH} "
        "Try again later, or ask for a shorter period; if it keeps failing, tell us."
    )
    assert stored_files() == []


def test_the_sweep_sends_reports_never_sent(as_alice: APIClient, diary: list[Episode], frozen_now: datetime) -> None:
    as_alice.post("/api/v1/reports/", {"format": "csv", **RANGE}, format="json")  # its commit never sent it
    assert Report.objects.get().status == "queued"
    assert reports_sweep() == 1
    report = Report.objects.get()
    assert (report.status, report.attempts) == ("ready", 1)
    assert reports_sweep() == 0  # nothing left to send


def test_the_sweep_leaves_a_report_sent_recently_to_its_message(alice: User, frozen_now: datetime) -> None:
    Report.objects.create(
        user=alice,
        format="csv",
        date_from=FROM,
        date_to=TO,
        enqueued_at=frozen_now - timedelta(minutes=4),
        expires_at=frozen_now + timedelta(days=7),
    )
    assert reports_sweep() == 0
    with time_machine.travel(frozen_now + timedelta(minutes=2), tick=False):
        assert reports_sweep() == 1  # five minutes unclaimed: the message was lost
