"""The dashboard in Chromium: red flags first, the charts drawn (inline SVG under the CSP: any
violation fails the test), each table opening; a stale summary refreshed; and the doctor's
share page, whose charts are inlined the same way."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from conditions.reference import load_reference
from diary.services import EpisodeInput, LocationInput, episodes_bulk_create
from tests.browser.conftest import look_at
from tracker.models import AnalysisRequest, Summary
from tracker.shares.services import share_create
from tracker.summaries.services import summary_compute

CHART_TITLES = ("Episodes per week", "Days with twitching", "Time of day by weekday", "Where it twitched")


def write_diary(user: User) -> None:
    load_reference()  # a transactional test starts from a flushed database
    now = timezone.now()
    items = [
        EpisodeInput(
            started_at=now - timedelta(hours=5 + 7 * i),
            duration_seconds=40,
            locations=[LocationInput("eyelid", "left"), LocationInput("calf", "both")][: 1 + i % 2],
            intensity=1 + i % 8,
            pattern="single_twitch",
            triggers=["caffeine"] if i % 2 else [],
            symptoms=["weakness"] if i == 3 else [],
        )
        for i in range(80)
    ]
    episodes_bulk_create(user=user, items=items)
    summary_compute(user_id=user.pk, key="all")


def test_it_shows_red_flags_first_and_draws_the_charts(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    write_diary(browser_user)
    page.goto("/dashboard/")
    flags = page.get_by_role("heading", name="Red flags: see a doctor soon")
    summary = page.get_by_role("heading", name="Summary", exact=True)
    assert flags.is_visible()
    assert flags.bounding_box()["y"] < summary.bounding_box()["y"]
    for title in CHART_TITLES:
        chart = page.get_by_role("img", name=title)
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["width"] > 100
        assert box["height"] > 50
    page.get_by_text("Episodes per week as a table").click()
    assert page.get_by_role("columnheader", name="Week starting").is_visible()
    look_at(page, "dashboard")


def test_a_newcomers_first_episode_with_weakness_shows_at_once_with_its_red_flag(
    signed_in_page: Any, browser_user: User
) -> None:
    """Logged on the page, then the dashboard: the summary and the notice, never "Nothing to show
    yet" (the analysis of a small diary runs on the spot, the notice comes from the episodes)."""
    page = signed_in_page
    page.goto("/log/")
    page.get_by_label("Muscle weakness").check()
    page.get_by_label("Left calf", exact=True).check()
    page.get_by_label("A few seconds").check()
    page.get_by_role("group", name=re.compile("How strong")).get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Save episode").click()
    page.goto("/dashboard/")
    assert not page.get_by_text("Nothing to show yet").is_visible()
    assert page.get_by_role("heading", name="Red flags: see a doctor soon").is_visible()
    assert page.get_by_text(re.compile(r"^1 episode on the one day since")).is_visible()
    look_at(page, "dashboard-first-episode")


def test_it_folds_the_reference_comparison_until_asked(signed_in_page: Any, browser_user: User) -> None:
    load_reference()
    now = timezone.now()
    items = [
        EpisodeInput(
            started_at=now - timedelta(hours=3 + 9 * i),
            duration_seconds=40,
            locations=[LocationInput("calf", "left")],
            intensity=3,
            pattern="single_twitch",
            triggers=["exercise"],
            symptoms=["cramp"] if i % 2 else [],
        )
        for i in range(12)
    ]
    episodes_bulk_create(user=browser_user, items=items)
    summary_compute(user_id=browser_user.pk, key="all")
    page = signed_in_page
    page.goto("/dashboard/")
    notes = page.locator("section.report-reference")
    assert notes.get_by_text("Benign fasciculation syndrome, usually harmless").is_visible()
    listed = notes.get_by_text("Exercise (trigger, in 12 episodes)")
    assert not listed.is_visible()  # folded under the plain sentence
    notes.get_by_text("The comparison, with its sources").click()
    assert listed.is_visible()
    look_at(page, "dashboard-reference-open")


def test_it_refreshes_a_stale_summary(signed_in_page: Any, browser_user: User, settings: Any) -> None:
    settings.DASHBOARD_ON_THE_SPOT_EPISODES = 0  # a big diary: its stale summary is not redone on the spot
    page = signed_in_page
    write_diary(browser_user)
    Summary.objects.update(watermark=0)  # the diary changed since
    AnalysisRequest.objects.update(requested_at=None)
    page.goto("/dashboard/")
    assert page.get_by_text("Your latest episodes are not in these charts yet").is_visible()
    look_at(page, "dashboard-stale")
    page.get_by_role("button", name="Refresh now").click()
    page.get_by_text("Up to date as of").wait_for(timeout=20_000)
    assert not page.get_by_text("Your latest episodes are not in these charts yet").is_visible()


def test_htmx_swaps_the_dashboard_in_when_its_analysis_finishes(
    signed_in_page: Any, browser_user: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big diary's first analysis is on its way: the page says so and polls dashboard-status;
    once the analysis is stored, htmx swaps the dashboard in, without reloading the page."""
    settings.DASHBOARD_ON_THE_SPOT_EPISODES = 0
    monkeypatch.setattr("tracker.summaries.services.analysis_enqueue", lambda **_: True)  # no worker yet
    load_reference()
    now = timezone.now()
    items = [
        EpisodeInput(started_at=now - timedelta(hours=3 + 9 * i), duration_seconds=40,
                     locations=[LocationInput("calf", "left")], intensity=3, pattern="single_twitch")
        for i in range(12)
    ]  # fmt: skip
    episodes_bulk_create(user=browser_user, items=items)
    page = signed_in_page
    page.goto("/dashboard/")
    assert page.get_by_text("Your first analysis is being prepared.").is_visible()
    assert page.get_by_role("link", name="Check again").is_visible()  # what a page without JavaScript offers
    page.evaluate("() => { window.notReloaded = true; }")
    summary_compute(user_id=browser_user.pk, key="all")  # the worker's turn
    page.get_by_text("Up to date as of").wait_for(timeout=15_000)
    assert page.evaluate("() => window.notReloaded") is True
    assert page.get_by_role("heading", name="Summary", exact=True).is_visible()
    assert page.get_by_role("img", name="Episodes per week").is_visible()
    assert not page.get_by_text("Your first analysis is being prepared.").is_visible()
    assert page.get_by_role("status").filter(has_text="The dashboard is up to date.").count() == 1
    look_at(page, "dashboard-swapped-in")


def test_it_invites_an_empty_diary_to_log(signed_in_page: Any) -> None:
    page = signed_in_page
    page.goto("/dashboard/")
    assert page.get_by_role("button", name="Log your first episode").is_visible()
    look_at(page, "dashboard-empty")


def test_it_inlines_the_charts_on_the_share_page(page: Any, browser_user: User) -> None:
    write_diary(browser_user)
    today = timezone.now().date()
    token = share_create(user=browser_user, date_from=today - timedelta(days=40), date_to=today).token
    page.goto(f"/s/{token}/")
    chart = page.get_by_role("img", name="Episodes per week")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] > 100
    assert isinstance(today, date)
    look_at(page, "share-page")
