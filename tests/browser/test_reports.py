"""The reports page in Chromium: a PDF of the last 3 months built in the background (the bar
moves, then the Download link), downloaded; a share link created, copied, opened by a doctor in
a fresh browser with no account, then revoked."""

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import BrowserErrors, look_at, watch
from tracker.models import Report
from tracker.reports.services import report_create


@pytest.fixture
def builds_in_a_thread(settings: Any) -> None:
    """Embedded mode (no broker: Celery runs eagerly) builds a report in a thread beside the
    request (tracker.jobs.job_send); the live server's transactions commit,
    so that thread sees the row. The root conftest turns the thread off for the other tests."""
    from tracker.reports.tasks import build_report

    assert build_report.app.conf.task_always_eager, "these tests need embedded mode (no REDIS_URL)"
    settings.ANALYSIS_IN_THREAD = True


@pytest.fixture
def doctor(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser with no account and no cookies, as the doctor's would be."""
    fresh = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    fresh.set_default_timeout(10_000)
    opened = fresh.new_page()
    errors = BrowserErrors()
    watch(opened, errors)
    yield opened
    fresh.close()
    assert not errors, f"the doctor's browser reported errors: {errors}"


def test_it_shows_the_empty_reports_page_and_its_errors(signed_in_page: Any) -> None:
    page = signed_in_page
    page.goto("/reports/")
    assert page.get_by_role("heading", name="Reports", exact=True).is_visible()
    look_at(page, "reports-empty")
    form = page.locator("form.report-form")
    form.get_by_role("radio", name="Choose the dates").check()
    form.get_by_label("From").fill("2026-11-10")
    form.get_by_label("To (included)").fill("2026-11-01")
    form.get_by_role("button", name="Build the report").click()
    error = form.locator("#id_report-date_to-error")
    assert error.inner_text() == "Must not be before the first date."
    assert form.get_by_label("To (included)").get_attribute("aria-invalid") == "true"
    look_at(page, "reports-errors")


def test_it_builds_downloads_and_shares_a_report(
    signed_in_page: Any, context: Any, browser_user: User, doctor: Any, builds_in_a_thread: None
) -> None:
    page = signed_in_page
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/reports/")
    form = page.locator("form.report-form")
    form.get_by_role("radio", name=re.compile(r"^Last 3 months")).check()
    form.get_by_role("radio", name="PDF").check()
    form.get_by_role("button", name="Build the report").click()

    report = page.get_by_role("article", name=re.compile(r"^PDF, "))
    download = report.get_by_role("button", name="Download the PDF report")  # a link styled as a button
    download.wait_for(state="visible", timeout=60_000)  # reports.js saw it ready
    assert report.locator("[data-status-text]").inner_text() == "Ready"
    assert report.locator("progress").is_hidden()
    expect(page.get_by_text("Reports being built update by themselves.")).to_be_hidden()
    assert Report.objects.get(user=browser_user).status == Report.Status.READY
    with page.expect_download() as downloading:
        download.click()
    path = downloading.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert re.fullmatch(r"twitch-diary-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.pdf", downloading.value.suggested_filename)

    shares = page.locator("form.share-form")
    shares.get_by_label("Label (for you, e.g. the doctor's name)").fill("Dr Martin")
    shares.get_by_role("radio", name=re.compile(r"^Last 3 months")).check()
    shares.get_by_role("button", name="Create the link").click()
    link = page.get_by_label("Link for your doctor")
    url = link.input_value()
    assert re.fullmatch(r"http://localhost:\d+/s/[A-Za-z0-9_-]{43}/", url), url
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    look_at(page, "reports")

    doctor.goto(url)
    assert doctor.get_by_role("heading", name="Twitch diary summary").is_visible()
    look_at(doctor, "share")

    page.goto("/reports/")  # a new GET: the link is not shown again
    assert url not in page.content()
    alice_link = page.get_by_role("article", name="Dr Martin")
    alice_link.get_by_text("Opened 1 time").click()
    assert alice_link.get_by_role("cell", name="Summary page").is_visible()
    look_at(page, "reports-with-log")
    alice_link.get_by_role("button", name=re.compile(r"^Revoke")).click()
    assert page.get_by_text("The link is revoked: it no longer opens.").is_visible()
    assert page.get_by_role("article", name="Dr Martin").get_by_text("Revoked", exact=True).is_visible()

    response = doctor.reload()
    assert response.status == 404
    assert doctor.get_by_text("This link is no longer valid.").is_visible()


def test_htmx_follows_a_build_until_the_report_is_ready(
    signed_in_page: Any, browser_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar moves and the report turns ready in place: the page is not reloaded, and the
    status text is the same live region throughout (a screen reader hears each change)."""
    monkeypatch.setattr("tracker.reports.services.job_send_on_commit", lambda *_: None)  # built by the test
    report = report_create(user=browser_user, format="csv", date_from=date(2026, 11, 1), date_to=date(2026, 11, 14))
    page = signed_in_page
    page.goto("/reports/")
    article = page.get_by_role("article", name=re.compile(r"^CSV, "))
    status = article.locator("[data-status-text]")
    assert status.inner_text() == "Waiting to be built"
    expect(page.get_by_text("Reports being built update by themselves.")).to_be_visible()
    page.evaluate("() => { window.notReloaded = true; document.querySelector('[data-status-text]').kept = true; }")
    Report.objects.filter(pk=report.pk).update(status="running", progress=40)
    expect(status).to_have_text("Being built")
    expect(article.locator("progress")).to_have_attribute("value", "40")
    look_at(page, "reports-building")
    Report.objects.filter(pk=report.pk).update(
        status="ready", progress=100, file_name="r.csv", size=10, sha256="0" * 64
    )
    expect(article.get_by_role("button", name="Download the CSV report")).to_be_visible()
    assert status.inner_text() == "Ready"
    assert article.locator("progress").count() == 0
    expect(page.get_by_text("Reports being built update by themselves.")).to_be_hidden()
    assert page.evaluate("() => window.notReloaded && document.querySelector('[data-status-text]').kept") is True


def test_it_follows_a_build_without_javascript(
    browser: Any, live_server: Any, browser_user: User, builds_in_a_thread: None
) -> None:
    """The <noscript> refresh reloads the page while the report builds, until Download shows."""
    no_script = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    client = Client()
    client.force_login(browser_user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    no_script.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    try:
        page = no_script.new_page()
        page.goto("/reports/")
        form = page.locator("form.report-form")
        form.get_by_role("radio", name=re.compile(r"^Last 4 weeks")).check()
        form.get_by_role("radio", name="CSV").check()
        form.get_by_role("button", name="Build the report").click()
        download = page.get_by_role("button", name="Download the CSV report")
        expect(download).to_be_visible(timeout=30_000)
        assert page.get_by_role("article", name=re.compile(r"^CSV, ")).get_by_text("Ready").is_visible()
    finally:
        no_script.close()


def test_it_shows_the_dates_only_while_choose_the_dates_is_the_period(
    signed_in_page: Any, browser_user: User, browser: Any, context: Any, live_server: Any
) -> None:
    """The From/To boxes showed beside "Last 3 months" (issue 23): with JavaScript they show only
    while "Choose the dates" is chosen, in both forms; without it they show, as before."""
    page = signed_in_page
    page.goto("/reports/")
    for form in (page.locator("form.report-form"), page.locator("form.share-form")):
        date_from = form.get_by_label("From")
        expect(date_from).to_be_hidden()  # "Last 3 months" by default
        form.get_by_role("radio", name="Choose the dates").check()
        expect(date_from).to_be_visible()
        expect(form.get_by_label("To (included)")).to_be_visible()
        form.get_by_role("radio", name=re.compile(r"^Last 4 weeks")).check()
        expect(date_from).to_be_hidden()
    look_at(page, "reports-preset")
    form = page.locator("form.report-form")
    form.get_by_role("radio", name="Choose the dates").check()
    look_at(page, "reports-dates")
    form.get_by_label("From").fill("2026-11-01")
    form.get_by_role("radio", name=re.compile(r"^Last 4 weeks")).check()  # typed, then changed mind
    form.get_by_role("button", name="Build the report").click()
    report = Report.objects.get(user=browser_user)
    assert (report.date_to - report.date_from).days == 27  # the preset, the typed date left aside
    no_script = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        no_script.add_cookies(context.cookies())
        plain = no_script.new_page()
        plain.goto("/reports/")
        assert plain.locator("form.report-form").get_by_label("From").is_visible()
    finally:
        no_script.close()


def test_it_shows_page_one_of_a_three_month_diary_to_the_doctor(doctor: Any, browser_user: User) -> None:
    from django.core.management import call_command

    from diary.services import profile_update
    from tracker.shares.services import share_create

    call_command("seed_demo", user="alice", days=91, time_zone="Europe/Paris", verbosity=0)
    profile = profile_update(user=browser_user, display_name="Anna Example", twitching_since=date(2026, 6, 15))
    today = profile.local_today()
    link = share_create(user=browser_user, date_from=date.fromordinal(today.toordinal() - 90), date_to=today)
    doctor.goto(f"/s/{link.token}/")
    summary = doctor.get_by_role("region", name="Twitch diary: report for a doctor")
    expect(summary.get_by_text("Anna Example", exact=True)).to_be_visible()
    expect(summary.get_by_text("Twitching since 15 Jun 2026, as the patient reports.")).to_be_visible()
    expect(summary.get_by_role("img", name="Where it twitched").first).to_be_visible()
    expect(doctor.get_by_role("link", name="Download the PDF")).to_be_visible()
    look_at(doctor, "share-page-one")
