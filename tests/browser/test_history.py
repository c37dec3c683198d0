"""The history in a real browser: days and local times, a filter, delete and Undo, paging."""

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.utils import timezone

from diary.formatting import still_going_text
from diary.models import Episode
from diary.services import LocationInput, episode_create
from tests.browser.conftest import look_at
from tests.factories import make_checkin, write_history

PARIS = ZoneInfo("Europe/Paris")


def log(user: User, started_at: datetime, region: str, side: str, **values: Any) -> Episode:
    return episode_create(
        user=user,
        started_at=started_at,
        duration_seconds=values.pop("duration_seconds", 45),
        locations=[LocationInput(region, side)],
        intensity=values.pop("intensity", 4),
        pattern="intermittent_bursts",
        **values,
    )


def test_it_shows_filters_deletes_and_undoes(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    today = timezone.now().astimezone(PARIS).replace(hour=8, minute=5, second=0, microsecond=0) - timedelta(days=1)
    yesterday = today - timedelta(days=1)
    log(browser_user, today, "eyelid", "left", triggers=["caffeine"])
    log(browser_user, yesterday.replace(hour=22, minute=40), "calf", "right", symptoms=["weakness"])
    page.goto("/history/")
    assert page.get_by_role("heading", name=f"{today:%A} {today.day} {today:%B %Y}").is_visible()
    assert page.get_by_role("heading", name=f"{yesterday:%A} {yesterday.day} {yesterday:%B %Y}").is_visible()
    assert page.get_by_role("link", name="08:05 · Eyelid (left)").is_visible()
    assert page.get_by_role("link", name="22:40 · Calf (right)").is_visible()
    assert page.get_by_text("Red flag: Muscle weakness. See a doctor soon.").is_visible()
    look_at(page, "history")

    page.get_by_text("Filter episodes").click()
    page.get_by_label("Body region").select_option("calf")
    page.get_by_role("button", name="Show episodes").click()
    assert page.get_by_role("link", name="22:40 · Calf (right)").is_visible()
    assert page.get_by_role("link", name="08:05 · Eyelid (left)").count() == 0
    assert "region=calf" in page.url

    page.get_by_role("button", name="Delete the episode of").click()
    assert page.get_by_text("Episode deleted.").is_visible()
    assert "region=calf" in page.url  # back on the same filtered page
    assert page.get_by_role("link", name="22:40 · Calf (right)").count() == 0
    page.get_by_role("button", name="Undo").click()
    assert page.get_by_text("Episode restored.").is_visible()
    assert page.get_by_role("link", name="22:40 · Calf (right)").is_visible()
    assert Episode.live.filter(user=browser_user).count() == 2


def test_it_shows_a_field_error_and_an_empty_history(signed_in_page: Any, browser_user: User) -> None:
    signed_in_page.goto("/history/")
    assert signed_in_page.get_by_text("No episodes yet.").is_visible()
    look_at(signed_in_page, "history-empty")
    page = signed_in_page
    page.goto("/history/?date_from=2026-11-10&date_to=2026-11-01&region=elbow")
    date_to = page.get_by_label("To", exact=True)
    assert date_to.get_attribute("aria-invalid") == "true"
    assert page.get_by_text("The last day must be on or after the first day.").is_visible()
    assert page.get_by_text("There is no body region 'elbow': pick one from the list.").is_visible()
    look_at(page, "history-errors")


def test_it_pages_to_older_episodes(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    now = timezone.now()
    write_history(browser_user, 60, latest=now, every=timedelta(hours=3), region="thigh", side="both")
    page.goto("/history/")
    assert page.locator("article.episode").count() == 50
    page.get_by_role("link", name="Older episodes").click()
    assert page.locator("article.episode").count() == 10
    assert page.get_by_role("link", name="Older episodes").count() == 0
    page.get_by_role("link", name="Newest episodes").click()
    assert page.locator("article.episode").count() == 50


def test_it_shows_each_days_check_in_beside_its_episodes(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    today = timezone.now().astimezone(PARIS).replace(hour=8, minute=5, second=0, microsecond=0) - timedelta(days=1)
    log(browser_user, today, "eyelid", "left", triggers=["caffeine"])
    log(browser_user, today - timedelta(days=2), "calf", "right")
    make_checkin(
        browser_user, today.date(), exercise_minutes=20, alcohol_units=2, twitching_today=True, notes="Busy day."
    )
    make_checkin(browser_user, today.date() - timedelta(days=1), twitching_today=False)
    page.goto("/history/")
    day = page.locator("section.history-day").nth(0)
    assert "Sleep 7.5 h" in day.locator(".day-checkin").inner_text()
    assert "Busy day." in day.inner_text()
    between = page.locator("section.history-day").nth(1)
    assert between.get_by_text("Check-in only: no episode logged.").is_visible()
    look_at(page, "history-checkins")
    between.get_by_role("link", name=re.compile("Edit the check-in")).click()
    assert page.get_by_label("Sleep last night").input_value() == "7.5"


def test_it_shows_an_episode_still_going_and_ends_it(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    started = timezone.now().astimezone(PARIS).replace(second=0, microsecond=0) - timedelta(minutes=20)
    going = log(browser_user, started, "calf", "left", duration_seconds=None, ongoing=True)
    log(browser_user, started - timedelta(hours=1), "eyelid", "right")
    page.goto("/history/")
    # "still going since 23:53", or with its day when the 20 minutes crossed midnight.
    today = timezone.now().astimezone(PARIS).date()
    assert page.get_by_text(still_going_text(started, today), exact=True).is_visible()
    look_at(page, "history-still-going")
    page.get_by_role("button", name=re.compile("^It stopped now")).click()
    page.get_by_text(re.compile(r"^Episode ended: it lasted 20 min( \d+ s)?\.$")).wait_for()
    assert page.get_by_role("button", name=re.compile("^It stopped now")).count() == 0
    going.refresh_from_db()
    assert (going.ongoing, going.duration_seconds is not None) == (False, True)


def episode_heights(page: Any) -> list[float]:
    """Each episode's height with the gap after it, in CSS px, as the page stands."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("article.episode"), (a) =>
            a.getBoundingClientRect().height + parseFloat(getComputedStyle(a).marginBottom))"""
    )


def test_it_keeps_each_episode_compact_at_360_px(signed_in_page: Any, browser_user: User) -> None:
    """50 episodes a page: at about 240 px each, a page was 12,000 px at 360 px wide. A typical
    episode (one place, a trigger, a duration, an intensity) takes a line or two and its actions."""
    page = signed_in_page
    now = timezone.now()
    write_history(
        browser_user,
        12,
        latest=now,
        every=timedelta(hours=5),
        region="calf",
        side="left",
        duration_seconds=150,
        triggers=["caffeine"],
    )
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto("/history/")
    heights = episode_heights(page)
    assert len(heights) == 12
    look_at(page, "history-compact")
    assert max(heights) <= 110, heights


def test_it_shows_delete_as_the_quieter_action_beside_edit(signed_in_page: Any, browser_user: User) -> None:
    """Edit is the usual action; Delete was the filled, main-looking button beside an outlined
    Edit. Both are now outlined, Delete after Edit and in the quiet colour (Undo takes it back)."""
    page = signed_in_page
    log(browser_user, timezone.now() - timedelta(hours=1), "eyelid", "left")
    page.goto("/history/")
    episode = page.locator("article.episode")
    edit = episode.get_by_role("button", name=re.compile("^Edit the episode of"))
    delete = episode.get_by_role("button", name=re.compile("^Delete the episode of"))
    look = "(e) => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderTopStyle, s.color]; }"
    edit_background, edit_border, edit_colour = edit.evaluate(look)
    delete_background, delete_border, delete_colour = delete.evaluate(look)
    transparent = "rgba(0, 0, 0, 0)"
    assert (delete_background, delete_border) == (transparent, "solid")  # outlined, not filled
    assert (edit_background, edit_border) == (transparent, "solid")
    assert delete_colour != edit_colour  # Edit in the link colour, Delete in the quiet one
    assert edit.bounding_box()["x"] < delete.bounding_box()["x"]
    delete.click()
    assert page.get_by_text("Episode deleted.").is_visible()  # and Undo, as before
