"""Logging in a real browser: the body outline, red-flag advice, the keyboard alone, no
JavaScript at all, an edit, a check-in; and every page looked at (axe, 360 px, dark)."""

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from diary.models import CheckIn, Episode
from diary.services import LocationInput, episode_create
from tests.browser.conftest import look_at


def _saved(user: User) -> Episode:
    [episode] = Episode.live.filter(user=user)
    return episode


def test_it_logs_an_episode_by_clicking_the_body_outline(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/log/")
    look_at(page, "log")
    page.locator('svg [data-location="calf:left"]').click()
    page.locator('svg [data-location="calf:right"]').click()
    page.locator('svg [data-location="calf:right"]').click()  # a second click takes it back
    page.locator('svg [data-location="tongue:midline"]').click()
    assert page.get_by_label("Left calf", exact=True).is_checked()
    assert not page.get_by_label("Right calf", exact=True).is_checked()
    assert page.get_by_label("Tongue", exact=True).is_checked()
    assert "on" in (page.locator('svg [data-location="calf:left"]').get_attribute("class") or "")
    page.get_by_label("Right calf", exact=True).check()  # a box colours its shape too
    assert "on" in (page.locator('svg [data-location="calf:right"]').get_attribute("class") or "")
    page.get_by_label("About a minute").check()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("6", exact=True).check()
    page.get_by_label("Caffeine").check()
    page.get_by_role("button", name="Save episode").click()
    # Back on the form, ready for the next one: what was saved shows next to Save.
    saved = page.get_by_role("status").filter(
        has_text="Saved: Left calf, Right calf, Tongue · about a minute · strength 6"
    )
    saved.get_by_role("link", name="Open it").click()
    assert page.get_by_role("heading", name=re.compile("Episode of")).is_visible()
    assert page.get_by_text("Calf (both sides), Tongue (midline)").is_visible()
    assert page.get_by_text("6 out of 10").is_visible()
    look_at(page, "episode-detail")
    assert _saved(browser_user).duration_seconds == 60


def test_it_shows_red_flag_advice_before_saving_and_after(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/log/")
    advice = page.get_by_text("See a doctor soon: muscle weakness")
    assert not advice.is_visible()
    page.get_by_label("Muscle weakness").check()
    assert advice.is_visible()
    page.get_by_label("Left calf", exact=True).check()
    page.get_by_label("A few seconds").check()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Save episode").click()
    assert page.get_by_role("heading", name="See a doctor soon: muscle weakness").is_visible()


def _tab_to(page: Any, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(300):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_it_logs_an_episode_by_keyboard_alone(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/log/")
    _tab_to(page, 'input[name="duration"][value="5"]')  # the common log first: how long, how strong
    page.keyboard.press("ArrowRight")  # radios: the arrows move and choose
    _tab_to(page, 'input[name="intensity"]')
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    _tab_to(page, 'input[value="jaw:right"]')  # then all places, open with nothing logged yet
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")  # jaw, left side
    _tab_to(page, "#notes")
    page.keyboard.type("Typed with the keyboard.")
    _tab_to(page, 'button[type="submit"]')
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Saved: Left jaw, Right jaw").wait_for()
    episode = _saved(browser_user)
    assert (episode.duration_seconds, episode.intensity, episode.notes) == (60, 5, "Typed with the keyboard.")


def test_it_logs_an_episode_without_javascript(
    browser: Any, context: Any, signed_in_page: Any, browser_user: User, live_server: Any
) -> None:
    no_script = browser.new_context(base_url=live_server.url, java_script_enabled=False, timezone_id="Europe/Paris")
    try:
        no_script.add_cookies(context.cookies())
        page = no_script.new_page()
        page.goto("/log/")
        page.get_by_label("Left calf", exact=True).check()
        page.get_by_label("Several minutes").check()
        page.get_by_role("group", name=re.compile("How strong")).get_by_label("2", exact=True).check()
        page.get_by_label("Muscle weakness").check()
        page.get_by_role("button", name="Save episode").click()
        assert page.get_by_text("Calf (left)").is_visible()
        assert page.get_by_role("heading", name="See a doctor soon: muscle weakness").is_visible()
    finally:
        no_script.close()
    assert _saved(browser_user).duration_seconds == 300


def test_it_shows_errors_next_to_their_fields(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/log/")
    page.get_by_label("Notes").fill("Kept after the error.")
    page.get_by_role("button", name="Save episode").click()
    assert page.get_by_text("At least one location is required.").is_visible()
    assert page.get_by_label("Notes").input_value() == "Kept after the error."
    look_at(page, "log-errors")
    assert not Episode.objects.exists()


def test_it_edits_an_episode(signed_in_page: Any, browser_user: User) -> None:
    episode = episode_create(
        user=browser_user,
        started_at=timezone.now() - timedelta(hours=2),
        duration_seconds=30,
        locations=[LocationInput("calf", "both")],
        intensity=3,
        pattern="single_twitch",
    )
    page = signed_in_page
    page.goto(f"/episodes/{episode.pk}/edit/")
    assert page.get_by_label("Left calf", exact=True).is_checked()
    assert page.get_by_label("Right calf", exact=True).is_checked()
    look_at(page, "episode-edit")
    page.get_by_label("Right calf", exact=True).uncheck()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("7", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("7 out of 10").is_visible()
    assert page.get_by_text("Calf (left)").is_visible()
    episode.refresh_from_db()
    assert (episode.version, episode.intensity) == (2, 7)


def test_it_logs_a_check_in(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/log/")
    page.get_by_role("link", name="Today's check-in").click()
    page.get_by_label("Sleep last night").fill("6.5")
    page.get_by_label("Stress").fill("7")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save check-in").click()
    assert page.get_by_text("saved").first.is_visible()
    assert page.get_by_label("Sleep last night").input_value() == "6.5"
    look_at(page, "checkin")
    page.get_by_label("Stress").fill("12")
    page.get_by_role("button", name="Save check-in").click()
    assert page.get_by_text("Must be between 0 and 10.").is_visible()
    look_at(page, "checkin-errors")


def test_it_ends_an_episode_still_going(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/log/")
    page.get_by_label("Left eyelid", exact=True).check()
    page.get_by_label("Still going").check()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("2", exact=True).check()
    page.get_by_role("button", name="Save episode").click()  # back on the form, which offers to end it
    page.get_by_role("button", name="It stopped now").click()
    assert page.get_by_text("Episode ended").is_visible()


def test_it_says_a_day_with_episodes_had_twitching(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    for seconds in (5, 10):
        episode_create(
            user=browser_user,
            started_at=timezone.now() - timedelta(seconds=seconds),
            duration_seconds=30,
            locations=[LocationInput("calf", "left")],
            intensity=3,
            pattern="single_twitch",
        )
    page.goto("/checkin/")
    assert page.get_by_text("Did you notice twitching").count() == 0
    logged = page.locator("#twitching-known")
    assert re.sub(r"\s+", " ", logged.inner_text()).startswith("Twitching today: yes, 2 episodes logged.")
    look_at(page, "checkin-twitching-known")
    page.get_by_label("Sleep last night").fill("6")
    page.get_by_role("button", name="Save check-in").click()
    assert page.get_by_text("saved").first.is_visible()
    assert CheckIn.objects.get(user=browser_user).twitching_today is True
    logged.get_by_role("link", name="See them in the history").click()
    assert page.get_by_role("link", name=re.compile("Calf \\(left\\)")).count() == 2
