"""The reports page: ask for a report (each format, the presets in the user's zone, custom
dates), follow it, download and delete it; create a share link (shown once), read its access
log, revoke it. Bad input, a forged CSRF token and another user's ids write nothing; the page
costs the same queries whatever the size of the diary."""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import resolve_url
from django.test import Client

from diary.services import profile_update
from tests.factories import write_history
from tracker.models import Report, Share
from tracker.reports import FORMATS
from tracker.reports.forms import months_before, preset_range
from tracker.reports.services import report_create
from tracker.shares.services import share_access_record, share_create, token_hash

OnCommit = Callable[..., Any]
PAGE = "/reports/"
FORGED = "a" * 64  # the right shape, not the right value
CUSTOM = {"report-range": "custom", "report-date_from": "2026-11-01", "report-date_to": "2026-11-14"}


def ask(client: Client, **fields: str) -> Any:
    return client.post(PAGE, {"report-range": "3m", "report-format": "pdf", **fields})


def share_fields(**fields: str) -> dict[str, str]:
    return {"share-label": "Dr Martin", "share-range": "4w", "share-expires_in_days": "14", **fields}


@pytest.fixture
def built(alice: User, django_capture_on_commit_callbacks: OnCommit, frozen_now: datetime) -> Report:
    """A ready CSV report of alice's, built here in the process as the commit sends it."""
    with django_capture_on_commit_callbacks(execute=True):
        report = report_create(user=alice, format="csv", date_from=date(2026, 11, 1), date_to=date(2026, 11, 14))
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    return report


@pytest.fixture
def queued(alice: User, frozen_now: datetime) -> Report:
    """A report whose build has not started (the test's transaction never commits)."""
    return report_create(user=alice, format="pdf", date_from=date(2026, 11, 1), date_to=date(2026, 11, 14))


# --- The page -------------------------------------------------------------------------------------


def test_it_shows_the_empty_page(alice_web: Client) -> None:
    response = alice_web.get(PAGE)
    assert response.status_code == 200
    assert response.context["nav"] == "reports"
    html = response.content.decode()
    assert "No reports yet" in html
    assert "No share links yet" in html
    assert 'http-equiv="refresh"' not in html  # nothing is building
    assert "tracker/js/reports.js" in html
    assert "tracker/reports-page.css" in html


def test_it_marks_each_forms_dates_for_reports_js_to_show_only_with_choose_the_dates(alice_web: Client) -> None:
    """The dates are in the page (without JavaScript they show); reports.js hides them while a
    preset is the period, from these marks (issue 23)."""
    html = alice_web.get(PAGE).content.decode()
    for prefix in ("report", "share"):
        assert f'data-range-dates="{prefix}-range" data-range-custom="custom"' in html
        assert f'name="{prefix}-range" value="custom"' in html
        assert f'name="{prefix}-date_from"' in html


def test_it_asks_anonymous_visitors_to_log_in(client: Client, db: None) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/reports/"


# --- Asking for a report --------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(FORMATS))
def test_it_asks_for_a_report_in_each_format(alice_web: Client, alice: User, frozen_now: datetime, code: str) -> None:
    response = ask(alice_web, **{"report-format": code, "report-include_notes": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/#your-reports"
    report = Report.objects.get(user=alice)
    assert (report.format, report.status, report.include_notes) == (code, "queued", True)
    assert (report.date_from, report.date_to) == (date(2026, 8, 21), date(2026, 11, 20))  # UTC here


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("4w", (date(2026, 10, 25), date(2026, 11, 21))),
        ("3m", (date(2026, 8, 22), date(2026, 11, 21))),
        ("12m", (date(2025, 11, 22), date(2026, 11, 21))),
    ],
)
def test_it_ends_the_presets_today_in_the_users_zone(
    alice_web: Client, alice: User, frozen_now: datetime, preset: str, expected: tuple[date, date]
) -> None:
    # 12:00 UTC on 20 November is 02:00 on 21 November at UTC+14.
    profile_update(user=alice, time_zone="Pacific/Kiritimati")
    assert ask(alice_web, **{"report-range": preset}).status_code == 302
    report = Report.objects.get(user=alice)
    assert (report.date_from, report.date_to) == expected


def test_it_ends_the_presets_yesterday_by_utc_far_west(alice_web: Client, alice: User) -> None:
    profile_update(user=alice, time_zone="Pacific/Pago_Pago")  # UTC-11: still 19 November at 10:00 UTC
    with_clock = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(with_clock, tick=False):
        assert ask(alice_web, **{"report-range": "4w"}).status_code == 302
    report = Report.objects.get(user=alice)
    assert (report.date_from, report.date_to) == (date(2026, 10, 23), date(2026, 11, 19))


def test_it_counts_months_back_to_a_shorter_months_end() -> None:
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2028, 5, 31), 3) == date(2028, 2, 29)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    assert preset_range("3m", date(2026, 5, 31)) == (date(2026, 3, 1), date(2026, 5, 31))


def test_it_asks_for_a_report_of_chosen_dates(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    assert ask(alice_web, **CUSTOM).status_code == 302
    report = Report.objects.get(user=alice)
    assert (report.date_from, report.date_to, report.include_notes) == (date(2026, 11, 1), date(2026, 11, 14), False)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"report-range": "custom"}, "date_from", "Choose a date"),
        ({**CUSTOM, "report-date_to": "2026-10-01"}, "date_to", "Must not be before the first date."),
        ({**CUSTOM, "report-date_to": "2032-01-01"}, "date_to", "at most 5 years"),
        ({**CUSTOM, "report-date_from": "1800-01-01"}, "date_from", "greater than or equal to"),
        ({**CUSTOM, "report-date_from": "31/02/2026"}, "date_from", "Enter a valid date."),
        ({"report-format": "docx"}, "format", "Select a valid choice."),
        ({"report-range": "forever"}, "range", "Select a valid choice."),
    ],
)
def test_it_refuses_a_bad_report_and_writes_nothing(
    alice_web: Client, frozen_now: datetime, fields: dict[str, str], field: str, message: str
) -> None:
    response = ask(alice_web, **fields)
    assert response.status_code == 400
    assert not Report.objects.exists()
    html = response.content.decode()
    errors = re.search(rf'<ul class="errorlist" id="id_report-{field}-error">(.*?)</ul>', html)
    assert errors, html
    assert message in errors.group(1)
    if field.startswith("date"):
        assert f'aria-describedby="id_report-{field}-error"' in html
        assert 'aria-invalid="true"' in html
        if typed := fields.get(f"report-{field}"):
            assert f'value="{typed}"' in html  # what was typed is kept


def test_it_refuses_a_forged_csrf_token_and_writes_nothing(alice: User, queued: Report) -> None:
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(alice)
    forged.get(PAGE)  # the CSRF cookie is set: only the token sent is wrong
    share, _ = share_create(user=alice, date_from=date(2026, 11, 1), date_to=date(2026, 11, 14))
    posts = [
        (PAGE, {"report-range": "3m", "report-format": "pdf", "csrfmiddlewaretoken": FORGED}),
        ("/reports/shares/", {**share_fields(), "csrfmiddlewaretoken": FORGED}),
        (f"/reports/shares/{share.pk}/revoke/", {"csrfmiddlewaretoken": FORGED}),
        (f"/reports/{queued.pk}/delete/", {"csrfmiddlewaretoken": FORGED}),
    ]
    for url, body in posts:
        assert forged.post(url, body).status_code == 403, url
    assert list(Report.objects.values_list("pk", flat=True)) == [queued.pk]
    assert list(Share.objects.values_list("pk", "revoked_at")) == [(share.pk, None)]


def test_it_says_when_too_many_reports_are_building(
    alice_web: Client, alice: User, frozen_now: datetime, settings: Any
) -> None:
    settings.REPORTS_BUILDING_PER_USER = 2
    assert ask(alice_web).status_code == 302
    assert ask(alice_web).status_code == 302  # queued: the test's transaction never commits
    response = ask(alice_web, **{"report-format": "csv"})
    assert response.status_code == 429
    assert "2 of your reports are being built already" in response.content.decode()
    assert Report.objects.filter(user=alice).count() == 2
    assert response.context["report_form"]["format"].value() == "csv"  # what was chosen is kept


# --- Following, downloading and deleting ----------------------------------------------------------


def test_it_lists_a_building_report_with_its_bar_and_a_refresh_for_no_javascript(
    alice_web: Client, queued: Report
) -> None:
    html = alice_web.get(PAGE).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="5; url=/reports/"></noscript>' in html
    assert "Waiting to be built" in html
    assert "Check again" in html
    assert f'hx-get="/reports/{queued.pk}/?shown=queued"' in html
    assert re.search(r'<progress data-progress value="0" max="100"', html)


def test_it_lists_a_ready_report_with_its_download_and_a_failed_one_with_why(
    alice_web: Client, alice: User, built: Report
) -> None:
    failed = report_create(user=alice, format="json", date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
    Report.objects.filter(pk=failed.pk).update(status="failed", reason="The report could not be built (3 tries).")
    html = alice_web.get(PAGE).content.decode()
    download = re.search(rf'<a href="/reports/{built.pk}/download/"[^>]*>', html)
    assert download
    assert " hidden" not in download.group(0)
    assert "The report could not be built (3 tries)." in html
    assert "Could not be built" in html
    assert 'http-equiv="refresh"' not in html


def test_it_answers_the_status_to_its_owner_only(
    alice_web: Client, bob_web: Client, client: Client, built: Report, queued: Report
) -> None:
    response = alice_web.get(f"/reports/{built.pk}/")
    assert response["Cache-Control"] == "private, no-store"
    assert response.json() == {
        "status": "ready",
        "status_text": "Ready",
        "progress": 100,
        "reason": "",
        "download_url": f"/reports/{built.pk}/download/",
    }
    assert alice_web.get(f"/reports/{queued.pk}/").json()["download_url"] is None
    assert bob_web.get(f"/reports/{built.pk}/").status_code == 404
    anonymous = client.get(f"/reports/{built.pk}/")
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        f"{resolve_url(settings.LOGIN_URL)}?next=/reports/{built.pk}/",
    )


HTMX = {"HTTP_HX_REQUEST": "true"}  # what htmx sends with its requests


def test_it_answers_htmx_with_the_part_of_the_report_that_changed(alice_web: Client, queued: Report) -> None:
    still = alice_web.get(f"/reports/{queued.pk}/?shown=queued", **HTMX)
    html = still.content.decode()
    assert still.status_code == 200
    assert still["Cache-Control"] == "private, no-store"
    assert "HX-Request" in still["Vary"]
    assert f'hx-get="/reports/{queued.pk}/?shown=queued"' in html  # it asks again
    assert re.search(r'<progress data-progress value="0" max="100"', html)
    assert "hx-swap-oob" not in html  # the status text did not change: its live region is left alone
    Report.objects.filter(pk=queued.pk).update(status="running", progress=40)
    running = alice_web.get(f"/reports/{queued.pk}/?shown=queued", **HTMX).content.decode()
    assert f'hx-get="/reports/{queued.pk}/?shown=running"' in running
    assert '<progress data-progress value="40" max="100"' in running
    assert f'<span id="report-{queued.pk}-status" hx-swap-oob="innerHTML">Being built' in running


def test_it_answers_htmx_with_the_download_link_once_the_report_is_ready(alice_web: Client, built: Report) -> None:
    html = alice_web.get(f"/reports/{built.pk}/?shown=running", **HTMX).content.decode()
    assert "hx-get" not in html  # the polling ends
    assert "<progress" not in html
    assert f'<span id="report-{built.pk}-status" hx-swap-oob="innerHTML"><strong>Ready</strong>' in html
    download = re.search(rf'<a href="/reports/{built.pk}/download/"[^>]*>', html)
    assert download
    assert 'hx-swap-oob="true"' in download.group(0)
    assert " hidden" not in download.group(0)


def test_it_answers_htmx_why_a_report_failed(alice_web: Client, queued: Report) -> None:
    Report.objects.filter(pk=queued.pk).update(status="failed", reason="The report could not be built (3 tries).")
    html = alice_web.get(f"/reports/{queued.pk}/?shown=running", **HTMX).content.decode()
    assert "hx-get" not in html
    assert '<p class="report-reason">The report could not be built (3 tries).</p>' in html
    assert "Could not be built" in html
    assert "download" not in html


def test_it_ends_htmxs_polling_of_a_report_deleted_or_not_hers(
    alice_web: Client, bob_web: Client, queued: Report
) -> None:
    for response in (bob_web.get(f"/reports/{queued.pk}/", **HTMX), alice_web.get(f"/reports/{uuid4()}/", **HTMX)):
        assert response.status_code == 286  # htmx's "stop polling"
        assert response["HX-Reswap"] == "none"  # and nothing swapped
        assert response.content == b""


def test_it_downloads_a_ready_report_to_its_owner_only(
    alice_web: Client, bob_web: Client, client: Client, built: Report
) -> None:
    response = alice_web.get(f"/reports/{built.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="twitch-diary-2026-11-01-to-2026-11-14.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert len(b"".join(response.streaming_content)) == built.size
    assert bob_web.get(f"/reports/{built.pk}/download/").status_code == 404
    assert client.get(f"/reports/{built.pk}/download/").status_code == 302


def test_it_does_not_download_a_report_before_it_is_ready(alice_web: Client, queued: Report) -> None:
    assert alice_web.get(f"/reports/{queued.pk}/download/").status_code == 404


def test_it_deletes_a_report_of_its_owner_only(alice_web: Client, bob_web: Client, built: Report) -> None:
    assert bob_web.post(f"/reports/{built.pk}/delete/").status_code == 404
    assert alice_web.get(f"/reports/{built.pk}/delete/").status_code == 405
    assert Report.objects.filter(pk=built.pk).exists()
    response = alice_web.post(f"/reports/{built.pk}/delete/")
    assert (response.status_code, response["Location"]) == (302, "/reports/#your-reports")
    assert not Report.objects.filter(pk=built.pk).exists()
    assert "The report is deleted." in alice_web.get(PAGE).content.decode()


# --- Share links ----------------------------------------------------------------------------------


def test_it_shows_a_new_share_link_once(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    response = alice_web.post("/reports/shares/", share_fields(**{"share-include_notes": "on"}))
    assert response.status_code == 201
    html = response.content.decode()
    url = re.search(r'<textarea id="new-link-url"[^>]*>(http://testserver/s/([^/<]+)/)</textarea>', html)
    assert url, html
    share = Share.objects.get(user=alice)
    assert share.token_hash == token_hash(url.group(2))
    assert (share.label, share.date_from, share.date_to, share.include_notes) == (
        "Dr Martin",
        date(2026, 10, 24),
        date(2026, 11, 20),
        True,
    )
    assert share.expires_at == frozen_now + timedelta(days=14)
    assert url.group(2) not in alice_web.get(PAGE).content.decode()  # never again
    assert url.group(2) not in str(dict(alice_web.session))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"share-expires_in_days": "0"}, "expires_in_days", "greater than or equal to 1"),
        ({"share-expires_in_days": "91"}, "expires_in_days", "less than or equal to 90"),
        ({"share-expires_in_days": "1.5"}, "expires_in_days", "Enter a whole number."),
        ({"share-label": "x" * 101}, "label", "at most 100 characters"),
        (
            {"share-range": "custom", "share-date_from": "2026-11-10", "share-date_to": "2026-11-01"},
            "date_to",
            "Must not be before the first date.",
        ),
        (
            {"share-range": "custom", "share-date_from": "2020-01-01", "share-date_to": "2026-11-01"},
            "date_to",
            "at most 5 years",
        ),
    ],
)
def test_it_refuses_a_bad_share_link_and_writes_nothing(
    alice_web: Client, frozen_now: datetime, fields: dict[str, str], field: str, message: str
) -> None:
    response = alice_web.post("/reports/shares/", share_fields(**fields))
    assert response.status_code == 400
    assert not Share.objects.exists()
    errors = re.search(rf'<ul class="errorlist" id="id_share-{field}-error">(.*?)</ul>', response.content.decode())
    assert errors
    assert message in errors.group(1)
    assert 'id="new-link-url"' not in response.content.decode()


def test_it_revokes_a_link_of_its_owner_only(
    alice_web: Client, bob_web: Client, alice: User, frozen_now: datetime
) -> None:
    share, _ = share_create(user=alice, date_from=date(2026, 11, 1), date_to=date(2026, 11, 14), label="Dr Martin")
    assert bob_web.post(f"/reports/shares/{share.pk}/revoke/").status_code == 404
    assert alice_web.get(f"/reports/shares/{share.pk}/revoke/").status_code == 405
    share.refresh_from_db()
    assert share.revoked_at is None
    response = alice_web.post(f"/reports/shares/{share.pk}/revoke/")
    assert (response.status_code, response["Location"]) == (302, "/reports/#your-links")
    share.refresh_from_db()
    assert share.revoked_at == frozen_now
    html = alice_web.get(PAGE).content.decode()
    assert "Revoked on 20 Nov 2026, 12:00" in html  # alice is in UTC
    assert f"/reports/shares/{share.pk}/revoke/" not in html  # nothing left to revoke


def test_it_shows_a_links_access_log_in_the_users_zone(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    profile_update(user=alice, time_zone="Asia/Kolkata")  # UTC+05:30
    share, _ = share_create(user=alice, date_from=date(2026, 11, 1), date_to=date(2026, 11, 14), label="Dr Martin")
    share_access_record(share=share, what="pdf", client_address="203.0.113.7", user_agent="Firefox/140", now=frozen_now)
    html = alice_web.get(PAGE).content.decode()
    assert "Opened 1 time" in html
    assert re.search(
        r"<td>20 Nov 2026, 17:30</td><td>PDF download</td><td>203.0.113.7</td><td[^>]*>Firefox/140</td>", html
    )
    assert "Valid until 4 Dec 2026, 17:30" in html


# --- Cost -----------------------------------------------------------------------------------------


def reports_and_links(user: User) -> None:
    for code in ("pdf", "csv", "json"):
        report_create(user=user, format=code, date_from=date(2026, 11, 1), date_to=date(2026, 11, 14))
    for n in range(4):
        share, _ = share_create(user=user, date_from=date(2026, 11, 1), date_to=date(2026, 11, 14), label=f"Dr {n}")
        for _ in range(3):
            share_access_record(share=share, what="page", client_address="203.0.113.7", user_agent="Firefox")


PAGE_QUERIES = 6  # session, user, zone, reports, links, their newest accesses


@pytest.mark.parametrize("episodes", [100, 10_000])
@pytest.mark.parametrize("with_rows", [False, True])
def test_it_costs_the_same_queries_whatever_the_history(
    alice_web: Client,
    alice: User,
    frozen_now: datetime,
    django_assert_max_num_queries: Any,
    episodes: int,
    with_rows: bool,
) -> None:
    write_history(alice, episodes, latest=datetime(2026, 11, 19, 12, 0, tzinfo=ZoneInfo("UTC")))
    if with_rows:
        reports_and_links(alice)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert alice_web.get(PAGE).status_code == 200


def _sent_form(page: Client, form_class: str) -> dict[str, str]:
    """The hidden submission id the page gave the form."""
    html = page.get(PAGE).content.decode()
    form = html[html.index(f'class="{form_class}"') :]
    found = re.search(r'name="submission" value="([0-9a-f]{32})"', form)
    assert found, form[:500]
    return {"submission": found.group(1)}


def test_it_asks_for_a_report_once_however_often_the_form_is_sent(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    sent = {"report-range": "4w", "report-format": "csv", **_sent_form(alice_web, "report-form")}
    assert alice_web.post(PAGE, sent).status_code == 302
    again = alice_web.post(PAGE, sent, follow=True)
    assert "already asked for" in again.content.decode()
    assert Report.objects.filter(user=alice).count() == 1
    other = {**sent, **_sent_form(alice_web, "report-form")}  # a new rendering: a new request
    assert alice_web.post(PAGE, other).status_code == 302
    assert Report.objects.filter(user=alice).count() == 2


def test_it_makes_a_share_link_once_however_often_the_form_is_sent(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    sent = share_fields(**_sent_form(alice_web, "share-form"))
    assert alice_web.post("/reports/shares/", sent).status_code == 201
    again = alice_web.post("/reports/shares/", sent, follow=True)
    assert "already made by the same form" in again.content.decode()
    assert Share.objects.filter(user=alice).count() == 1


def test_it_acts_on_a_form_sent_while_the_cache_is_down(
    alice_web: Client, alice: User, frozen_now: datetime, cache_down: None
) -> None:
    sent = share_fields(submission="0" * 32)
    assert alice_web.post("/reports/shares/", sent).status_code == 201
    assert Share.objects.filter(user=alice).count() == 1
