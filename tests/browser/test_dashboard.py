"""The dashboard in Chromium: red flags first, the charts drawn (inline SVG under the CSP: any
violation fails the test), each table opening; a stale summary refreshed; and the doctor's
share page, whose charts are inlined the same way."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from matplotlib.font_manager import FontProperties, findfont, get_font

from conditions.reference import load_reference
from diary.services import CheckInInput, EpisodeInput, LocationInput, checkins_bulk_create, episodes_bulk_create
from tests.browser.conftest import NARROW, WIDE, look_at
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


# Each chart's text as Chromium lays it out: matplotlib draws a glyph (an SVG <use> of a path
# named after its font) in units of 100 to the em (matplotlib.textpath's FONT_SCALE), so its
# size on screen is 100 times the scale of the glyph's screen transform; a <text> (the body
# outline's) is its computed font size times the same scale. A digit's drawn height checks
# the first rule: DejaVu Sans' digits are 0.73 em high (0.76 for a round one's overshoot).
TEXT_SIZES = """() => {
  const found = [];
  for (const svg of document.querySelectorAll("figure.chart svg[role=img]")) {
    if (!svg.checkVisibility()) continue;
    const chart = svg.closest("figure").id;
    const scale = (element) => { const m = element.getScreenCTM(); return Math.hypot(m.a, m.b); };
    for (const use of svg.querySelectorAll("use")) {
      const href = use.getAttribute("xlink:href") || use.getAttribute("href") || "";
      if (!href.includes("DejaVu")) continue;
      const px = 100 * scale(use);
      found.push({chart, glyph: href, px, height: use.getBoundingClientRect().height});
    }
    for (const text of svg.querySelectorAll("text")) {
      const px = parseFloat(getComputedStyle(text).fontSize) * scale(text);
      found.push({chart, text: text.textContent, px});
    }
  }
  return found;
}"""


def digit_glyphs() -> set[str]:
    """The ids matplotlib gives DejaVu Sans' digits in its SVG: the font's name and glyph index."""
    font = get_font(findfont(FontProperties(family="DejaVu Sans")))
    return {f"DejaVuSans-{font.get_char_index(ord(digit)):x}" for digit in "0123456789"}


def write_checkins(user: User) -> None:
    """Eight weeks of check-ins, caffeine every third day, and more episodes on those days: the
    forest plot has an association to draw."""
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(1, 57)]
    caffeine = {day: day.toordinal() % 3 == 0 for day in days}
    checkins_bulk_create(user=user, items=[(day, CheckInInput(caffeine_cups=4 * caffeine[day])) for day in days])
    now = timezone.now()
    items = [
        EpisodeInput(
            started_at=now - timedelta(days=(today - day).days, hours=2 + i),
            duration_seconds=30,
            locations=[LocationInput("calf", "right")],
            intensity=2,
            pattern="single_twitch",
        )
        for day in days
        for i in range(3 if caffeine[day] else 1)
    ]
    episodes_bulk_create(user=user, items=items)


def test_every_charts_text_is_at_least_11_px_at_360_and_1280_px(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    write_checkins(browser_user)
    write_diary(browser_user)
    page.set_viewport_size({"width": NARROW, "height": 900})
    page.goto("/dashboard/")
    for title in (*CHART_TITLES, "Associations with check-in factors"):
        assert page.get_by_role("img", name=title).is_visible()
    sizes = page.evaluate(TEXT_SIZES)
    charts = {size["chart"] for size in sizes}
    assert charts == {f"chart-{key}" for key in ("per_week", "calendar", "time_of_day", "body", "associations")}
    digits = [s for s in sizes if s.get("glyph", "").split("_")[-1] in digit_glyphs()]
    assert digits
    assert all(0.68 <= s["height"] / s["px"] <= 0.78 for s in digits), digits[:3]
    small = [s for s in sizes if s["px"] < 11]
    assert not small, f"{len(small)} of {len(sizes)} glyphs and texts under 11 px, e.g. {small[:5]}"
    # At 1280 px the wide pictures, a quarter larger than drawn (dashboard.css).
    page.set_viewport_size({"width": WIDE, "height": 900})
    wide = page.evaluate(TEXT_SIZES)
    assert {size["chart"] for size in wide} == charts
    assert min(size["px"] for size in wide) >= 11
    look_at(page, "dashboard-phone-charts")


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


def test_the_share_pages_charts_read_on_a_phone(page: Any, browser_user: User) -> None:
    """A phone may open the doctor's link too: its charts' text is 11 px or more at 360 px, as
    on the dashboard (the phone-sized pictures), and at 1280 px (the wide ones)."""
    write_checkins(browser_user)
    write_diary(browser_user)
    today = timezone.now().date()
    token = share_create(user=browser_user, date_from=today - timedelta(days=60), date_to=today).token
    page.set_viewport_size({"width": NARROW, "height": 900})
    page.goto(f"/s/{token}/")
    sizes = page.evaluate(TEXT_SIZES)
    charts = {size["chart"] for size in sizes}
    assert charts == {
        f"chart-{key}" for key in ("per_week", "calendar", "time_of_day", "locations", "associations", "body")
    }
    small = [s for s in sizes if s["px"] < 11]
    assert not small, f"{len(small)} of {len(sizes)} glyphs under 11 px, e.g. {small[:5]}"
    page.set_viewport_size({"width": WIDE, "height": 900})
    small = [s for s in page.evaluate(TEXT_SIZES) if s["px"] < 11]
    assert not small, f"at {WIDE} px: {small[:5]}"
    look_at(page, "share-page-phone-charts")
