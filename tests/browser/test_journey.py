"""One person's way through the whole web app, by its own links and buttons: sign up, log two
episodes (one by the body outline, one with a red flag), find both in the history, filter,
edit, delete and undo, log a check-in, see the dashboard's charts, and take a PDF report home.
Each page has its own tests; this one checks that the pages lead to each other."""

import re
from typing import Any

from playwright.sync_api import expect

from diary.models import CheckIn, Episode, Profile


def _nav(page: Any, name: str) -> None:
    # Until the page has loaded, its stylesheets may not apply: a chart's hidden twin (the
    # phone's picture, or the wide one) would still count as shown.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def test_a_new_person_goes_from_sign_up_to_a_report(page: Any, settings: Any) -> None:
    # Embedded mode: the report builds in a thread beside the request, as under `make run`.
    settings.ANALYSIS_IN_THREAD = True
    page.goto("/")
    page.get_by_role("button", name="Create an account").click()
    # The browser's zone, set by timezone.js once the sign-up page has loaded (the click does
    # not wait for that).
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
    page.get_by_label("User name").fill("dana")
    page.get_by_label("Password", exact=True).fill("a long pass phrase 4")
    page.get_by_label("Password again").fill("a long pass phrase 4")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(re.compile(r"/log/$"))
    dana = Profile.objects.get(user__username="dana")
    assert dana.time_zone == "Europe/Paris"

    # An eyelid twitch, picked on the drawing of the face.
    page.locator('svg [data-location="eyelid:left"]').click()
    assert page.get_by_label("Left eyelid", exact=True).is_checked()
    page.get_by_label("A few seconds").check()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("3", exact=True).check()
    page.get_by_label("Caffeine").check()
    page.get_by_role("button", name="Save episode").click()
    # Back on the form for the next one, with what was saved next to Save.
    assert page.get_by_role("status").filter(has_text="Saved: Left eyelid · a few seconds · strength 3").is_visible()

    # A calf twitch with weakness: the advice shows before saving and on the saved page.
    page.locator('svg [data-location="calf:right"]').click()
    page.get_by_label("About a minute").check()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("5", exact=True).check()
    page.get_by_label("Muscle weakness").check()
    assert page.get_by_text("See a doctor soon: muscle weakness").is_visible()
    page.get_by_role("button", name="Save episode").click()
    assert page.get_by_role("heading", name="See a doctor soon: muscle weakness").is_visible()

    _nav(page, "History")
    calf = page.get_by_role("link", name=re.compile(r"· Calf \(right\)$"))
    eyelid = page.get_by_role("link", name=re.compile(r"· Eyelid \(left\)$"))
    assert calf.is_visible()
    assert eyelid.is_visible()
    page.get_by_text("Filter episodes").click()
    page.get_by_label("Body region").select_option("calf")
    page.get_by_role("button", name="Show episodes").click()
    assert calf.is_visible()
    assert eyelid.count() == 0

    page.get_by_role("button", name=re.compile("^Edit the episode of")).click()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("7", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("7 out of 10").is_visible()

    _nav(page, "History")
    page.get_by_role("button", name=re.compile("^Delete the episode of")).last.click()
    assert page.get_by_text("Episode deleted.").is_visible()
    assert Episode.live.filter(user_id=dana.pk).count() == 1
    page.get_by_role("button", name="Undo").click()
    assert page.get_by_text("Episode restored.").is_visible()
    assert Episode.live.filter(user_id=dana.pk).count() == 2

    _nav(page, "Log")
    page.get_by_role("link", name="Today's check-in").click()
    page.get_by_label("Caffeine").fill("3")
    page.get_by_label("Sleep last night").fill("6.5")
    page.get_by_role("button", name="Save check-in").click()
    assert CheckIn.live.get(user_id=dana.pk).caffeine_cups == 3

    _nav(page, "Dashboard")
    if page.get_by_role("button", name="Refresh now").count():
        page.get_by_role("button", name="Refresh now").click()
    page.get_by_role("img", name="Episodes per week").wait_for(timeout=20_000)
    assert page.get_by_role("heading", name="Red flags: see a doctor soon").is_visible()

    _nav(page, "Reports")
    form = page.locator("form.report-form")
    form.get_by_role("radio", name=re.compile(r"^Last 4 weeks")).check()
    form.get_by_role("radio", name="PDF").check()
    form.get_by_role("button", name="Build the report").click()
    download = page.get_by_role("button", name="Download the PDF report")
    expect(download).to_be_visible(timeout=30_000)
    with page.expect_download() as started:
        download.click()
    with open(started.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
