"""The common log on one phone screen (issue 23), on the logging page and the quick log alike:
the places logged lately as one-tap chips, Save always in view with the entry in words next to
it and then what was saved, no pattern chosen for the person, red flags marked calmly."""

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from diary.models import Episode
from diary.services import LocationInput, episode_create
from tests.browser.conftest import SCREENSHOTS, look_at
from tests.browser.test_quick_log import open_quick_log, wait_for_status

PHONE = {"width": 360, "height": 780}


def earlier_episode(user: User, *, region: str = "calf", side: str = "left", seconds: int = 60) -> Episode:
    return episode_create(
        user=user,
        started_at=timezone.now() - timedelta(hours=3),
        duration_seconds=seconds,
        locations=[LocationInput(region, side)],
        intensity=5,
        pattern="single_twitch",
    )


def newest(user: User) -> Episode:
    return Episode.live.filter(user=user).order_by("-started_at").first()  # type: ignore[return-value]


def save_in_view(page: Any) -> bool:
    box = page.get_by_role("button", name="Save episode").bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def tap(page: Any, locator: Any) -> None:
    """A finger's tap where the element is on the screen. (Playwright's click first scrolls it
    "into view", which for Save, in a sticky bar, moves the page although it is in view.)"""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def scrolled(page: Any) -> int:
    return int(page.evaluate("() => window.scrollY"))


def test_it_chooses_no_pattern_for_the_person_on_either_page(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/log/")
    assert page.locator('input[name="pattern"]').count() > 0
    assert page.locator('input[name="pattern"]:checked').count() == 0
    open_quick_log(page)
    assert page.locator('#episode-form input[name="pattern"]').count() > 0
    assert page.locator('#episode-form input[name="pattern"]:checked').count() == 0

    page.goto("/log/")
    page.get_by_label("Left calf", exact=True).check()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Save episode").click()
    page.locator("#log-saved").get_by_text(re.compile("^Saved:")).wait_for()
    assert not newest(browser_user).pattern  # not recorded


def test_it_logs_a_recent_place_in_three_taps_without_scrolling_with_save_in_view(
    signed_in_page: Any, browser_user: User
) -> None:
    earlier_episode(browser_user, region="eyelid", side="right")
    page = signed_in_page
    page.set_viewport_size(PHONE)
    page.goto("/log/")
    look_at(page, "log-recent")
    page.set_viewport_size(PHONE)
    assert save_in_view(page)
    words = page.locator("#log-words")
    assert words.inner_text() == "where? · a few seconds · how strong? · now"
    tap(page, page.locator("#recent-places").get_by_label("Right eyelid", exact=True))
    tap(page, page.get_by_role("group", name=re.compile("How strong")).get_by_label("4", exact=True))
    assert save_in_view(page)
    assert words.inner_text() == "Right eyelid · a few seconds · strength 4 · now"
    tap(page, page.get_by_role("button", name="Save episode"))
    saved = page.get_by_role("status").filter(has_text="Saved: Right eyelid · a few seconds · strength 4")
    saved.wait_for()
    assert scrolled(page) == 0
    assert save_in_view(page)
    page.screenshot(path=str(SCREENSHOTS / "log-saved-phone.png"))  # the screen as the person sees it
    assert Episode.live.filter(user=browser_user).count() == 2
    assert (newest(browser_user).duration_seconds, newest(browser_user).intensity) == (5, 4)
    look_at(page, "log-saved")


def test_it_logs_a_recent_place_in_three_taps_on_the_quick_log_and_says_so_offline(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    earlier_episode(browser_user)
    page = signed_in_page
    page.set_viewport_size(PHONE)
    open_quick_log(page, synced=True)
    form = page.locator("#episode-form")
    chip = form.locator("#recent-places").get_by_label("Left calf", exact=True)
    chip.wait_for()
    assert form.locator("#all-places").get_by_label("Left calf", exact=True).count() == 0  # each box once
    look_at(page, "quick-log-recent")
    page.set_viewport_size(PHONE)
    assert save_in_view(page)
    context.set_offline(True)
    tap(page, chip)
    tap(page, form.get_by_role("group", name=re.compile("How strong")).get_by_label("7", exact=True))
    assert form.locator("#log-words").inner_text() == "Left calf · a few seconds · strength 7 · now"
    tap(page, form.get_by_role("button", name="Save episode"))
    form.get_by_role("status").filter(has_text="Saved on this phone, will sync: Left calf · a few seconds").wait_for()
    assert scrolled(page) == 0
    assert save_in_view(page)
    page.screenshot(path=str(SCREENSHOTS / "quick-log-saved-offline-phone.png"))
    context.set_offline(False)
    wait_for_status(page, "^synced just now$")
    assert (newest(browser_user).intensity, newest(browser_user).pattern or None) == (7, None)


def test_it_copies_the_last_episode_with_same_as_last_time(signed_in_page: Any, browser_user: User) -> None:
    earlier_episode(browser_user, region="thigh", side="left", seconds=300)
    page = signed_in_page
    for url in ("/log/", "/quick/"):
        if url == "/quick/":
            open_quick_log(page, synced=True)
        else:
            page.goto(url)
        form = page.locator("form.episode-form")
        form.get_by_role("button", name="Same as last time").click()
        assert form.get_by_label("Left thigh", exact=True).is_checked()
        assert form.get_by_label("Several minutes").is_checked()
        assert form.get_by_role("group", name=re.compile("How strong")).get_by_label("5", exact=True).is_checked()
        assert form.locator("#log-words").inner_text() == "Left thigh · several minutes · strength 5 · now"


def test_it_marks_red_flags_with_one_explained_sign_and_still_gives_the_advice(signed_in_page: Any) -> None:
    page = signed_in_page
    for url in ("/log/", "/quick/"):
        if url == "/quick/":
            open_quick_log(page)
        else:
            page.goto(url)
        form = page.locator("form.episode-form")
        symptoms = form.get_by_role("group", name=re.compile("Anything else with it"))
        assert symptoms.get_by_text("marks a symptom to see a doctor about soon").is_visible()
        assert symptoms.locator("label.flagged").count() == 0
        red = [symptoms.locator("label").nth(i) for i in range(symptoms.locator("label").count())]
        borders = {label.evaluate("(node) => getComputedStyle(node).borderTopColor") for label in red}
        assert len(borders) == 1  # every chip alike: no red borders
        weakness = symptoms.get_by_label(re.compile("Muscle weakness"))
        assert "see a doctor soon" in weakness.evaluate("(node) => node.closest('label').textContent")
        advice = form.get_by_text("See a doctor soon: muscle weakness")
        assert not advice.is_visible()
        weakness.check()
        assert advice.is_visible()
