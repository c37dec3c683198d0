"""The weekly function check, what was tried and the tests, in Chromium: on a 360 px phone,
"All no" then a yes to weakness with where, saved, shows the notice; every tap target at least
24 by 24 px; and each page (and the dashboard's sections) looked at (axe, 360 px, dark)."""

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from playwright.sync_api import expect

from diary.models import FunctionCheck
from diary.plain import FUNCTION_SIGNS
from diary.services import INVESTIGATIONS, TREATMENTS, function_check_upsert, record_create
from tests.browser.conftest import look_at
from tests.factories import EpisodeFactory
from tracker.models import Summary
from tracker.summaries.services import summary_compute


def small_targets(page: Any, selector: str) -> list[str]:
    """The visible controls under `selector` smaller than 24 by 24 px."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.width < 24 || box.height < 24)
            .map(([el, box]) => `${el.outerHTML.slice(0, 80)} ${box.width}x${box.height}`)""",
        selector,
    )


def test_it_checks_in_a_few_taps_on_a_phone_and_shows_the_notice(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/function-check/")
    expect(page.get_by_text("A quick weekly check. Most people answer no to all of these.")).to_be_visible()
    where = page.get_by_role("group", name=re.compile("^Where is the weakness"))
    expect(where).to_be_hidden()  # only with a yes to weakness
    look_at(page, "function-check")
    page.set_viewport_size({"width": 360, "height": 780})
    page.get_by_role("button", name="All no").click()
    expect(page.get_by_text("All set to no. Change any that differ, then save.")).to_be_visible()
    assert FunctionCheck.objects.count() == 0  # with JavaScript, set, not yet saved
    for sign in FUNCTION_SIGNS:
        assert page.locator(f'input[name="{sign}"][value="no"]').is_checked()
    weakness = page.get_by_role("group", name=re.compile("^Weakness"))
    weakness.get_by_label("Yes").check()
    expect(where).to_be_visible()
    where.get_by_label("Left leg").check()
    controls = ".function-check label:has(input), .function-check button, .function-check textarea"
    assert not small_targets(page, controls)
    look_at(page, "function-check-answered")
    page.set_viewport_size({"width": 360, "height": 780})
    page.get_by_role("button", name="Save the weekly check").click()
    notice = page.locator("section.red-flag")
    expect(notice).to_have_count(1)
    expect(notice.get_by_role("heading", name="See a doctor soon: weakness")).to_be_visible()
    assert notice.bounding_box()["y"] < 780  # in view without scrolling
    check = FunctionCheck.live.get(user=browser_user)
    assert check.weakness is True
    assert check.cramps is False
    assert check.weakness_where == [{"limb": "leg", "side": "left"}]
    look_at(page, "function-check-notice")


def test_all_no_saves_without_javascript(browser: Any, context: Any, signed_in_page: Any, live_server: Any) -> None:
    signed_in_page.goto("/")  # the session cookie, for the context without scripts
    no_script = browser.new_context(base_url=live_server.url, java_script_enabled=False, timezone_id="Europe/Paris")
    try:
        no_script.add_cookies(context.cookies())
        page = no_script.new_page()
        page.goto("/function-check/")
        expect(page.get_by_role("group", name=re.compile("^Where is the weakness"))).to_be_visible()
        page.get_by_role("button", name="All no").click()
        expect(page.get_by_text(re.compile("Weekly check for .* saved."))).to_be_visible()
        assert page.locator("section.red-flag").count() == 0
        check = FunctionCheck.live.get()
        assert all(getattr(check, sign) is False for sign in FUNCTION_SIGNS)
    finally:
        no_script.close()


def test_the_pages_of_what_was_tried_and_the_tests(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    page.goto("/treatments/")
    look_at(page, "treatments-empty")
    page.get_by_label("What you tried").fill("Magnesium")
    page.get_by_label("Kind").select_option("supplement")
    page.get_by_label("Dose").fill("200 mg at night")
    page.get_by_label("Started on").fill((today - timedelta(days=40)).isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved: Magnesium.")).to_be_visible()
    values = {"name": "Propranolol", "kind": "medication", "dose": "10 mg", "started_on": date(2026, 1, 5)}
    record_create(TREATMENTS, user=browser_user, values={**values, "stopped_on": date(2026, 3, 1)})
    page.reload()
    look_at(page, "treatments")
    stop = page.get_by_role("button", name=re.compile(r"^Stopped today\W+Magnesium$"))
    stop.click()
    expect(page.get_by_text(re.compile("Magnesium: stopped on"))).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Edit\W+Magnesium$")).click()
    look_at(page, "treatment-edit")
    page.goto("/treatments/")
    page.get_by_role("button", name=re.compile(r"^Delete\W+Propranolol$")).click()
    look_at(page, "treatment-delete")
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("Deleted: Propranolol.")).to_be_visible()

    page.goto("/tests/")
    page.get_by_label("Test", exact=True).fill("EMG of both legs")
    page.get_by_label("Kind").select_option("emg")
    page.get_by_label("Done on").fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("Result").fill("Normal: no sign of nerve damage, only benign fasciculations.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved: EMG of both legs.")).to_be_visible()
    look_at(page, "tests")
    page.get_by_label("Done on").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Enter the date.")).to_be_visible()
    look_at(page, "tests-errors")


def test_the_dashboard_sections(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/dashboard/")
    look_at(page, "dashboard-clinical-empty")
    now = datetime.now(ZoneInfo("UTC"))
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    values = {"name": "Magnesium", "kind": "supplement", "dose": "200 mg", "started_on": today - timedelta(days=40)}
    magnesium = record_create(TREATMENTS, user=browser_user, values=values).record
    assert magnesium is not None
    test = {"name": "EMG of both legs", "kind": "emg", "done_on": today - timedelta(days=30), "result": "Normal."}
    record_create(INVESTIGATIONS, user=browser_user, values=test)
    function_check_upsert(user=browser_user, date=today - timedelta(days=9), weakness=False, cramps=True)
    for day in range(0, 80, 3):
        EpisodeFactory(user=browser_user, started_at=now - timedelta(days=day, hours=2))
    summary_compute(user_id=browser_user.pk, key="all")
    effect = {
        "treatment_id": str(magnesium.pk),
        "name": "Magnesium",
        "started_on": values["started_on"].isoformat(),
        "stopped_on": None,
        "rate_before": 2.4,
        "rate_after": 2.2,
        "rate_ratio": 0.92,
        "ci_low": 0.5,
        "ci_high": 1.7,
        "significant": False,
        "caveats": ["Twitching comes and goes by itself: a change may have happened anyway."],
    }
    summary = Summary.objects.get(user=browser_user)
    summary.result = {**summary.result, "treatment_effects": [effect]}
    summary.save(update_fields=["result"])
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="What you have tried")).to_be_visible()
    expect(page.get_by_text("About 2.4 a week before, about 2.2 a week since")).to_be_visible()
    expect(page.get_by_text("Cramps: yes in 1 of 1 check")).to_be_visible()
    expect(page.get_by_role("button", name="Weekly check: 1 minute")).to_be_visible()
    look_at(page, "dashboard-clinical")
