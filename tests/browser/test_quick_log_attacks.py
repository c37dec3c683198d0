"""The quick log attacked as an outside tester would, in Chromium: two tabs at once, pushes
answered late, a phone clock ahead of the server's, a record deleted elsewhere, hostile text, a
new release, long pulls, and signing out with entries waiting. Each test is a bug that was found
or a way in that held."""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from playwright.sync_api import expect

from diary.models import CheckIn
from diary.services import checkin_upsert
from tests.browser.test_quick_log import log_checkin, log_episode, open_quick_log, server_counts, wait_for_status


def is_pull(url: str) -> bool:
    return "/api/v1/sync/?" in url


def open_and_sync(page: Any) -> None:
    """The quick log opened and its first sync over (the account shows once a sync answered)."""
    open_quick_log(page)
    page.locator("#account").wait_for(state="visible")


def held_until_released(context: Any, page: Any, matches: Any) -> list[Any]:
    """The first request of `page` (not of the service worker) that `matches`, held: the test
    lets it go with held[0].continue_(). Later requests go through."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        if not held and route.request.service_worker is None and route.request.frame.page == page:
            held.append(route)
        else:
            route.continue_()

    context.route(matches, hold)
    return held


def wait_until_held(page: Any, held: list[Any]) -> None:
    for _ in range(100):
        if held:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the request was never made")


def test_it_sends_an_entry_logged_in_a_second_tab_while_the_first_tab_syncs(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    first = signed_in_page
    open_and_sync(first)
    second = context.new_page()
    open_and_sync(second)
    held = held_until_released(context, first, is_pull)
    first.get_by_role("button", name="Sync now").click()
    wait_until_held(first, held)  # the first tab holds the sync's lock until its pull is answered
    log_episode(second, "Tongue", "3")  # the second's own sync, and its worker's, find the lock taken
    held[0].continue_()
    wait_for_status(second, "^synced just now$")
    assert server_counts(browser_user) == (1, 0)


def paris_today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def test_it_shows_a_check_in_logged_offline_for_a_day_the_web_page_saved_as_a_conflict(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_and_sync(page)
    context.set_offline(True)
    checkin_upsert(user=browser_user, date=paris_today(), sleep_hours=7, caffeine_cups=2)  # the web page
    log_checkin(page, sleep="6", stress="5")
    context.set_offline(False)
    wait_for_status(page, "1 to check")
    entry = page.locator("#waiting-list li[data-status='conflict']")
    assert "sleep 7 h · caffeine 2" in entry.locator(".conflict-sides > div").nth(0).inner_text()
    entry.get_by_role("button", name="Keep this phone's").click()
    wait_for_status(page, "^synced just now$")
    stored = CheckIn.objects.get(user=browser_user)
    assert (stored.sleep_hours, stored.caffeine_cups, stored.stress, stored.version) == (6, None, 5, 2)


def test_it_opens_the_check_in_form_on_the_days_check_in_so_saving_keeps_what_was_there(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    checkin_upsert(user=browser_user, date=paris_today(), sleep_hours=7, caffeine_cups=2)  # the web page
    page = signed_in_page
    open_and_sync(page)
    page.locator("#checkin-section summary").click()
    form = page.locator("#checkin-form")
    expect(form.get_by_label(re.compile("^Sleep last night"))).to_have_value("7")
    form.get_by_label(re.compile("^Stress")).fill("5")
    form.get_by_role("button", name="Save check-in").click()
    wait_for_status(page, "saved on this phone|waiting")
    wait_for_status(page, "^synced just now$")
    stored = CheckIn.objects.get(user=browser_user)
    assert (stored.sleep_hours, stored.caffeine_cups, stored.stress, stored.version) == (7, 2, 5, 2)
    form.get_by_label(re.compile("^Stress")).fill("6")  # the form still shows it: changed again
    form.get_by_role("button", name="Save check-in").click()
    wait_for_status(page, "saved on this phone|waiting")
    wait_for_status(page, "^synced just now$")
    stored.refresh_from_db()
    assert (stored.stress, stored.version) == (6, 3)


def test_it_keeps_both_saves_of_one_days_check_in_made_offline(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_and_sync(page)
    context.set_offline(True)
    log_checkin(page, sleep="6", stress="5")
    form = page.locator("#checkin-form")
    expect(form.get_by_label(re.compile("^Sleep last night"))).to_have_value("6")
    form.get_by_label(re.compile("^Caffeine")).fill("3")
    form.get_by_role("button", name="Save check-in").click()
    page.locator("#waiting-list li", has_text="caffeine 3").wait_for()
    assert page.locator("#waiting-list > li").count() == 1
    context.set_offline(False)
    wait_for_status(page, "^synced just now$")
    stored = CheckIn.objects.get(user=browser_user)
    assert (stored.sleep_hours, stored.caffeine_cups, stored.stress, stored.version) == (6, 3, 5, 1)
