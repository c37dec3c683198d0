"""The check-in page in Chromium (issue 23): plain labels with their hints, the optional
twitching question with nothing chosen and a way to take an answer back (with and without
JavaScript), and the menu saying where you are."""

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from playwright.sync_api import expect

from diary.models import CheckIn
from tests.browser.conftest import look_at
from tests.factories import make_checkin


def test_it_asks_about_twitching_with_nothing_chosen_and_clears_an_answer(
    signed_in_page: Any, browser_user: User
) -> None:
    page = signed_in_page
    page.goto("/checkin/")
    menu = page.get_by_role("navigation", name="Main")
    assert menu.get_by_role("link", name="Check-in").get_attribute("aria-current") == "page"
    assert menu.get_by_role("link", name="Log", exact=True).get_attribute("aria-current") is None
    alcohol = page.get_by_label("Alcohol", exact=True)
    expect(alcohol).to_have_accessible_description("units; a small glass of wine is about 1.5")
    question = page.get_by_role("group", name=re.compile("^Did you notice twitching today"))
    yes, no = question.get_by_label("Yes"), question.get_by_label("No")
    clear = question.get_by_role("button", name="Clear the answer")
    assert (yes.is_checked(), no.is_checked()) == (False, False)
    assert question.get_by_text("Not saying").count() == 0
    expect(clear).to_be_hidden()  # nothing to clear yet
    look_at(page, "checkin")
    yes.check()
    expect(clear).to_be_visible()
    look_at(page, "checkin-answered")
    clear.click()
    assert (yes.is_checked(), no.is_checked()) == (False, False)
    expect(clear).to_be_hidden()
    expect(yes).to_be_focused()
    page.get_by_label("Sleep last night").fill("7")
    page.get_by_role("button", name="Save check-in").click()
    assert page.get_by_text("saved").first.is_visible()
    checkin = CheckIn.objects.get(user=browser_user)
    assert (checkin.sleep_hours, checkin.twitching_today) == (7, None)


def test_it_takes_an_answer_back_without_javascript(
    browser: Any, context: Any, signed_in_page: Any, browser_user: User, live_server: Any
) -> None:
    signed_in_page.goto("/")  # the session cookie, for the context without scripts
    today = datetime.now(ZoneInfo("Europe/Paris")).date()  # alice's zone
    make_checkin(browser_user, today, twitching_today=False)
    no_script = browser.new_context(base_url=live_server.url, java_script_enabled=False, timezone_id="Europe/Paris")
    try:
        no_script.add_cookies(context.cookies())
        page = no_script.new_page()
        page.goto("/checkin/")
        question = page.get_by_role("group", name=re.compile("^Did you notice twitching"))
        assert question.get_by_label("No", exact=True).is_checked()
        assert question.get_by_role("button", name="Clear the answer").is_hidden()
        question.get_by_label("No answer").check()
        page.get_by_role("button", name="Save check-in").click()
        assert page.get_by_text("saved").first.is_visible()
    finally:
        no_script.close()
    assert CheckIn.objects.get(user=browser_user).twitching_today is None
