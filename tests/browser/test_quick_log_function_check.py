"""The weekly function check in the quick log (/quick/#weekly-check): proposed while none is held
for the last 7 days, answered on one phone screen, queued like a check-in (offline too, sealed
for its account on a shared phone) and sent with the next sync."""

import re
from typing import Any

from django.contrib.auth.models import User

from diary.models import FunctionCheck
from diary.plain import FUNCTION_SIGNS
from diary.services import account_register
from tests.browser.conftest import look_at
from tests.browser.test_quick_log import open_quick_log, sign_in, sign_in_again_and_sync, wait_for_status

PHONE = {"width": 360, "height": 780}
NOTICE = "See a doctor soon: weakness (left leg)."
NOTE = "alice's weekly note"


def weekly_screen(page: Any) -> Any:
    screen = page.locator("#weekly-screen")
    screen.wait_for(state="visible")
    return screen


def answer(screen: Any, question: str, said: str) -> None:
    screen.get_by_role("radiogroup", name=question).get_by_label(said, exact=True).check()


def saved_status(page: Any, pattern: str) -> None:
    page.wait_for_function(
        "(pattern) => new RegExp(pattern).test(document.querySelector('#weekly-saved-status').textContent)",
        arg=pattern,
    )


def sent(page: Any, text: str) -> None:
    """Once the phone has nothing waiting and lists the server's check saying `text` (before
    the account is confirmed it lists nothing; after, what waits until it is sent)."""
    page.wait_for_function(
        "(text) => document.querySelector('#waiting').hidden"
        " && document.querySelector('#recent-list').textContent.includes(text)",
        arg=text,
    )


def checks_of(user: User) -> list[FunctionCheck]:
    return list(FunctionCheck.objects.filter(user=user, deleted_at=None))


def test_it_proposes_the_check_and_sends_all_no_from_one_phone_screen(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.set_viewport_size(PHONE)
    open_quick_log(page, synced=True)
    card = page.locator("#weekly-card")
    assert card.is_visible()
    assert card.inner_text().startswith("Weekly check, 1 minute.")
    look_at(page, "quick-log-weekly-card")
    page.set_viewport_size(PHONE)
    card.get_by_role("button", name="Start the weekly check").click()
    screen = weekly_screen(page)
    assert "Most people answer no to all of these." in screen.inner_text()
    assert page.locator("#log-screen").is_hidden()
    # One screen: every question, and Save below them, show at 360 x 780 without scrolling.
    save = screen.get_by_role("button", name="Save the check")
    bar = screen.locator(".save-bar").bounding_box()
    assert bar["y"] + bar["height"] <= PHONE["height"], bar
    last = screen.get_by_role("radiogroup", name="Cramps?").bounding_box()
    assert last["y"] + last["height"] <= bar["y"], (last, bar)
    assert screen.get_by_role("radiogroup").count() == len(FUNCTION_SIGNS)
    assert screen.get_by_role("radiogroup").last.get_attribute("id") == "weekly-cramps"  # cramps last
    assert "Common with benign twitching" in screen.get_by_role("radiogroup", name="Cramps?").inner_text()
    assert screen.locator("input:checked").count() == 0  # nothing chosen until the person answers
    look_at(page, "quick-log-weekly-check")
    page.set_viewport_size(PHONE)

    screen.get_by_role("button", name="All no").click()
    assert screen.locator("input[value='no']:checked").count() == len(FUNCTION_SIGNS)
    save.click()
    saved_status(page, "^Sent\\.$")
    assert page.locator("#weekly-notice").inner_text() == ""  # all no: nothing to see a doctor about
    [check] = checks_of(browser_user)
    assert [getattr(check, sign) for sign in FUNCTION_SIGNS] == [False] * len(FUNCTION_SIGNS)
    assert check.weakness_where == []
    screen.get_by_role("button", name="Done").click()
    page.locator("#log-screen").wait_for(state="visible")
    assert card.is_hidden()  # done this week
    assert "Weekly check · all no" in page.locator("#recent-list").inner_text()


def test_it_saves_offline_says_see_a_doctor_soon_and_sends_it_when_back_online(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    page.set_viewport_size(PHONE)
    open_quick_log(page, synced=True)
    context.set_offline(True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Weekly check").click()
    screen = weekly_screen(page)
    screen.get_by_role("button", name="All no").click()
    screen.get_by_role("button", name="Save the check").click()
    saved_status(page, "^Saved on this phone")
    screen.get_by_role("button", name="Done").click()
    wait_for_status(page, "Offline · 1 waiting")

    # The same day again: it opens on what was saved, and a second save replaces the queued one.
    page.locator(".weekly-link").get_by_role("link").click()
    screen = weekly_screen(page)
    assert screen.locator("input[value='no']:checked").count() == len(FUNCTION_SIGNS)
    where = screen.get_by_role("group", name=re.compile("^Where"))
    assert where.is_hidden()
    answer(screen, "Weakness?", "Yes")
    where.get_by_label("Left leg").check()
    screen.get_by_role("button", name="Save the check").click()
    saved_status(page, "^Saved on this phone")
    page.locator("#weekly-notice").get_by_text(NOTICE).wait_for()
    look_at(page, "quick-log-weekly-check-notice")
    page.set_viewport_size(PHONE)
    screen.get_by_role("button", name="Done").click()
    wait_for_status(page, "Offline · 1 waiting")
    waiting = page.locator("#waiting-list > li")
    assert waiting.count() == 1
    assert NOTICE in waiting.inner_text()
    assert checks_of(browser_user) == []

    context.set_offline(False)
    wait_for_status(page, "^synced just now$")
    [check] = checks_of(browser_user)
    assert check.weakness is True
    assert check.weakness_where == [{"limb": "leg", "side": "left"}]
    assert (check.wasting, check.cramps, check.version) == (False, False, 1)
    assert NOTICE in page.locator("#recent-list").inner_text()  # the pulled record says it too


def test_another_account_on_the_phone_never_sees_an_unsent_check(
    signed_in_page: Any, context: Any, browser_user: User, live_server: Any
) -> None:
    page = signed_in_page
    open_quick_log(page, synced=True)
    context.set_offline(True)
    page.locator(".weekly-link").get_by_role("link").click()
    screen = weekly_screen(page)
    answer(screen, "Trouble swallowing?", "Yes")
    screen.get_by_label(re.compile("^Notes")).fill(NOTE)
    screen.get_by_role("button", name="Save the check").click()
    saved_status(page, "^Saved on this phone")
    screen.get_by_role("button", name="Done").click()
    bob = account_register(username="bob", password="another pass phrase 2", time_zone="Europe/Paris")
    context.clear_cookies()
    sign_in(context, bob, live_server)
    context.set_offline(False)
    page.reload()
    wait_for_status(page, "^synced just now$")
    page.locator("#waiting-list").get_by_text("logged under another account waits on this phone, locked").wait_for()
    assert NOTE not in page.locator("body").inner_text()
    assert "Weekly check" not in page.locator("#waiting-list").inner_text()
    assert page.locator("#recent-list li[data-key]").count() == 0
    page.locator("#weekly-card").get_by_role("button").click()  # bob has none this week
    screen = weekly_screen(page)
    assert screen.locator("input:checked").count() == 0  # not alice's answers
    assert checks_of(bob) == []
    assert checks_of(browser_user) == []

    # Alice signs in here again: her check is opened and sent, to her.
    context.clear_cookies()
    page.goto("/accounts/login/?next=/quick/")
    sign_in_again_and_sync(page)
    sent(page, "trouble swallowing")
    [check] = checks_of(browser_user)
    assert (check.swallowing, check.weakness, check.notes) == (True, None, NOTE)
    assert checks_of(bob) == []


def test_its_answers_are_targets_of_at_least_24_pixels(signed_in_page: Any) -> None:
    page = signed_in_page
    page.set_viewport_size(PHONE)
    open_quick_log(page, synced=True)
    page.goto("/quick/#weekly-check")
    screen = weekly_screen(page)
    answer(screen, "Weakness?", "Yes")
    targets = screen.locator(".yes-no label, .weekly-where label, button:visible")
    assert targets.count() == 2 * len(FUNCTION_SIGNS) + 8 + 3  # yes/no, 8 places, All no, Save, Back
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        assert min(box["width"], box["height"]) >= 24, (targets.nth(index).inner_text(), box)
