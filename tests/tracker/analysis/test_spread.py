"""What a neurologist asks first: is it spreading, and are there red flags? The places new in
recent weeks, each with the day first logged, on the dashboard, PDF page 1 and the share page;
and a plain "None recorded", saying what was looked for, when there is none (issue: "What the analysis knows
and nobody sees")."""

import io
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from diary.selectors.read import load_diary
from diary.services import LocationInput
from tests.conftest import signed_in
from tests.factories import EpisodeFactory
from tracker.reports import FORMATS
from tracker.reports.assembly import report_assemble
from tracker.shares.services import share_create

TODAY = date(2026, 11, 20)
NEW_SENTENCE = (
    "New in the last 30 days: Thigh (first logged 5 Nov 2026, 2 episodes); "
    "Hand and fingers (first logged 18 Nov 2026, 1 episode)."
)


def spreading(user: User) -> None:
    """Calf twitching for two months, then the thigh from 5 November and a hand on the 18th."""
    for days_ago in range(60, 0, -3):
        EpisodeFactory(
            user=user, started_at=_at(TODAY - timedelta(days=days_ago)), locations=[LocationInput("calf", "left")]
        )
    for day in (date(2026, 11, 5), date(2026, 11, 9)):
        EpisodeFactory(user=user, started_at=_at(day), locations=[LocationInput("thigh", "right")])
    EpisodeFactory(user=user, started_at=_at(date(2026, 11, 18)), locations=[LocationInput("hand", "left")])


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)


def _first_page(user: User, date_from: date) -> str:
    report = report_assemble(user_id=user.pk, date_from=date_from, date_to=TODAY)
    out = io.BytesIO()
    FORMATS["pdf"].render(report, out, [].append)
    return " ".join(PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text().split())


def test_the_dashboard_names_the_new_places_with_the_day_each_was_first_logged(
    alice: User, frozen_now: datetime
) -> None:
    spreading(alice)
    html = signed_in(alice).get(reverse("dashboard")).content.decode()
    assert NEW_SENTENCE in html


def test_pdf_page_one_names_the_new_places_and_says_no_red_flag_was_recorded(alice: User, frozen_now: datetime) -> None:
    spreading(alice)
    first = _first_page(alice, date(2026, 9, 1))
    assert NEW_SENTENCE in first
    assert "Red flags None recorded in 23 episodes. Looked for: red-flag symptoms with an episode (" in first
    assert "muscle weakness, numbness, pain" in first


def test_a_short_range_knows_the_places_logged_before_it(alice: User, frozen_now: datetime) -> None:
    """Two weeks of a diary that began two months ago: the calf is not new, though first seen
    within the range; the thigh's first day lies before the range, so it is not new here either."""
    spreading(alice)
    diary = load_diary(user_id=alice.pk, date_from=date(2026, 11, 7), date_to=TODAY)
    assert diary.earlier is not None
    assert diary.earlier.regions >= {"calf", "thigh"}
    page = _first_page(alice, date(2026, 11, 7))
    assert "New in the last 30 days: Hand and fingers (first logged 18 Nov 2026, 1 episode)." in page


def test_nothing_is_new_in_a_diary_younger_than_the_window(alice: User, frozen_now: datetime) -> None:
    for day in (date(2026, 11, 10), date(2026, 11, 15)):
        EpisodeFactory(user=alice, started_at=_at(day), locations=[LocationInput("calf", "left")])
    EpisodeFactory(user=alice, started_at=_at(date(2026, 11, 18)), locations=[LocationInput("hand", "left")])
    assert "New in the last 30 days" not in _first_page(alice, date(2026, 9, 1))


def test_the_share_page_names_the_new_places_and_the_absence_of_red_flags(alice: User, frozen_now: datetime) -> None:
    spreading(alice)
    _, token = share_create(user=alice, date_from=date(2026, 9, 1), date_to=TODAY)
    html = Client().get(f"/s/{token}/").content.decode()
    assert NEW_SENTENCE in html
    assert "None recorded in 23 episodes. Looked for: red-flag symptoms with an episode (" in html
    assert "muscle weakness, numbness, pain" in html


def test_a_red_flag_replaces_the_none_recorded_line(alice: User, frozen_now: datetime) -> None:
    spreading(alice)
    EpisodeFactory(user=alice, started_at=_at(date(2026, 11, 19)), symptoms=["weakness"])
    first = _first_page(alice, date(2026, 9, 1))
    assert "none recorded" not in first
    assert "Red flags (1)" in first
