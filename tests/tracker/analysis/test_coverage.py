"""Days the diary did not cover are not twitch-free days: every ranged reading (the analysis,
the summary API with dates, the PDF, the share page, the JSON report) counts from the later of
the range's start and the diary's first entry, and says so (issue: "A report counts days the
diary did not cover")."""

import io
import json
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from diary.selectors.read import load_diary
from diary.services import LocationInput
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory, make_checkin
from tracker.analysis.summary import analyse
from tracker.reports import FORMATS
from tracker.reports.assembly import report_assemble
from tracker.reports.narrative import covered_period_text
from tracker.shares.services import share_create
from tracker.summaries.reference import load_reference

TODAY = date(2026, 11, 20)  # the frozen now's date (tests/conftest.py)
DIARY_STARTS = date(2026, 11, 17)  # four days before the end of a four-week range
FOUR_WEEKS = TODAY - timedelta(days=27)


def flat_diary(user: User, *, starts: date = DIARY_STARTS, per_day: int = 2) -> None:
    """The same number of calf episodes every day from `starts` to TODAY."""
    day = starts
    while day <= TODAY:
        for hour in range(per_day):
            EpisodeFactory(
                user=user,
                started_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8 + 3 * hour),
                locations=[LocationInput("calf", "left")],
            )
        day += timedelta(days=1)


def test_a_range_starting_before_the_diary_counts_from_its_first_entry(alice: User, frozen_now: datetime) -> None:
    flat_diary(alice)
    ranged = load_diary(user_id=alice.pk, date_from=FOUR_WEEKS, date_to=TODAY)
    unranged = load_diary(user_id=alice.pk)
    assert ranged.start == unranged.start == DIARY_STARTS
    reference = load_reference()
    found, everything = analyse(ranged, reference), analyse(unranged, reference)
    assert found["frequency"]["days_covered"] == found["frequency"]["days"] == 4
    assert found["frequency"]["per_week"] == everything["frequency"]["per_week"] == 14.0
    assert found["period"]["start"] == "2026-11-17"
    assert found["trend"]["direction"] != "more_frequent"


def test_a_checkin_before_the_first_episode_starts_the_diary(alice: User, frozen_now: datetime) -> None:
    flat_diary(alice)
    make_checkin(alice, date(2026, 11, 10))
    assert load_diary(user_id=alice.pk, date_from=FOUR_WEEKS, date_to=TODAY).start == date(2026, 11, 10)


def test_a_diary_that_began_before_the_range_counts_the_whole_range(alice: User, frozen_now: datetime) -> None:
    flat_diary(alice)
    EpisodeFactory(user=alice, started_at=datetime(2026, 9, 1, 9, 0, tzinfo=UTC))
    diary = load_diary(user_id=alice.pk, date_from=FOUR_WEEKS, date_to=TODAY)
    assert diary.start == FOUR_WEEKS
    assert diary.earlier is not None
    assert diary.earlier.regions == {"eyelid"}


def test_the_summary_api_with_dates_counts_the_covered_days(alice: User, frozen_now: datetime) -> None:
    flat_diary(alice)
    answer = client_for(alice).get("/api/v1/summary/", {"date_from": str(FOUR_WEEKS), "date_to": str(TODAY)}).json()
    assert answer["status"] == "ready"
    assert answer["frequency"]["days_covered"] == 4
    assert answer["frequency"]["per_week"] == 14.0
    assert answer["period"]["start"] == "2026-11-17"


def test_the_pdf_names_the_day_the_diary_starts(alice: User, frozen_now: datetime) -> None:
    flat_diary(alice)
    report = report_assemble(user_id=alice.pk, date_from=FOUR_WEEKS, date_to=TODAY)
    out = io.BytesIO()
    FORMATS["pdf"].render(report, out, [].append)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(out.getvalue())).pages]
    first = pages[0]
    assert "the diary starts 17 Nov 2026, so it covers 4 days of the 28" in first
    assert "8 episodes on 4 of the 4 days the diary covers." in first
    assert "Diary kept since 17 Nov 2026." in first
    assert "8 episodes on 4 of the 4 days since 17 Nov 2026, when the diary starts" in pages[1]  # the detail
    assert "of 28 days" not in " ".join(pages)


def test_the_share_page_names_the_day_the_diary_starts(alice: User, frozen_now: datetime) -> None:
    flat_diary(alice)
    _, token = share_create(user=alice, date_from=FOUR_WEEKS, date_to=TODAY)
    html = Client().get(f"/s/{token}/").content.decode()
    assert "the diary starts 17 Nov 2026, so it covers 4 days of the 28" in html
    assert "since 17 Nov 2026, when the diary starts" in html


def test_the_json_report_says_from_when_the_diary_covers_the_range(alice: User, frozen_now: datetime) -> None:
    flat_diary(alice)
    report = report_assemble(user_id=alice.pk, date_from=FOUR_WEEKS, date_to=TODAY)
    out = io.BytesIO()
    FORMATS["json"].render(report, out, [].append)
    head = json.loads(out.getvalue())
    assert head["range"]["date_from"] == str(FOUR_WEEKS)
    assert head["range"]["covered_from"] == "2026-11-17"


def test_a_range_over_an_empty_diary_says_only_its_dates(alice: User, frozen_now: datetime) -> None:
    report = report_assemble(user_id=alice.pk, date_from=FOUR_WEEKS, date_to=TODAY)
    assert covered_period_text(report) == "24 Oct 2026 to 20 Nov 2026 (28 days, both included)"
