import io
from datetime import UTC, date, datetime

from django.contrib.auth.models import User
from pypdf import PdfReader

from diary.models import Episode
from tests.factories import EpisodeFactory
from tests.tracker.reports.conftest import FROM, TO
from tracker.reports import FORMATS
from tracker.reports.assembly import ReportData, report_assemble
from tracker.reports.charts import first_page_charts, report_charts
from tracker.reports.first_page import SELF_REPORTED
from tracker.reports.narrative import episode_rows, red_flag_lines, summary_sentences

GENERATED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _report(user: User, *, include_notes: bool = False, date_from: date = FROM, date_to: date = TO) -> ReportData:
    return report_assemble(
        user_id=user.pk, date_from=date_from, date_to=date_to, include_notes=include_notes, now=GENERATED
    )


def _pages(report: ReportData, progress: list[int] | None = None) -> list[str]:
    """Each page's text, its whitespace made single spaces (wrapped lines join up)."""
    out = io.BytesIO()
    FORMATS["pdf"].render(report, out, (progress if progress is not None else []).append)
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(out.getvalue())).pages]


def test_it_puts_the_one_minute_read_on_page_one(alice: User, diary: list[Episode]) -> None:
    report = _report(alice)
    first = _pages(report)[0]
    assert "alice" not in first  # never the user name (issue 22)
    assert "Period: 1 Nov 2026 to 14 Nov 2026 (14 days, both included)" in first
    assert "2026-11-20 10:00 +01:00 (Europe/Paris)" in first  # generated, in alice's zone
    assert SELF_REPORTED in first
    [flag] = red_flag_lines(report)
    assert f"{flag.when}: {flag.what}" in first
    assert "4 episodes on 4 of the 14 days" in first
    rest = " ".join(_pages(report)[1:])
    assert all(advice in rest for advice in flag.advice)  # the advice, in detail, after page 1
    for sentence in summary_sentences(report):
        assert sentence in rest


def test_it_holds_every_episode_of_the_range_once(alice: User, diary: list[Episode]) -> None:
    report = _report(alice)
    text = " ".join(_pages(report))
    rows = episode_rows(report)
    assert len(rows) == 4
    for row in rows:
        assert text.count(row.when) == 1
    outside = [e for e in diary if e.started_at.date() in (date(2026, 10, 31), date(2026, 11, 15))]
    assert outside
    assert "2026-10-31 23:30" not in text
    assert "2026-11-15 00:01" not in text


def test_it_shows_each_chart_with_its_title_and_caption(alice: User, diary: list[Episode]) -> None:
    report = _report(alice)
    text = " ".join(_pages(report))
    charts = report_charts(report)
    assert len(charts) == 4
    assert [chart.key for chart in first_page_charts(report)] == ["per_week", "body"]  # page 1's pictures
    for chart in charts:
        assert chart.title in text
        assert chart.caption in text


def test_it_numbers_every_page(alice: User, diary: list[Episode]) -> None:
    EpisodeFactory.create_batch(150, user=alice, started_at=datetime(2026, 11, 9, 8, 0, tzinfo=UTC))
    pages = _pages(_report(alice))
    assert len(pages) > 5  # the table runs over several pages
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page
    table_pages = [page for page in pages if "2026-11-09 09:00 +01:00" in page]
    assert len(table_pages) >= 2
    assert all("Local date and time Duration Where (side) Intensity" in page for page in table_pages)


def test_it_gives_a_one_page_report_for_an_empty_range(alice: User, diary: list[Episode]) -> None:
    progress: list[int] = []
    [page] = _pages(_report(alice, date_from=date(2026, 12, 1), date_to=date(2026, 12, 31)), progress)
    assert "No episodes in this period" in page
    assert "1 Dec 2026 to 31 Dec 2026" in page
    assert SELF_REPORTED in page
    assert "page 1 of 1" in page
    assert progress[-1] == 100


def test_it_prints_notes_in_any_script_and_never_cuts_them(alice: User, diary: list[Episode]) -> None:
    long_note = " ".join(f"word{n:03d}" for n in range(220))  # about 1,700 characters: one row, many lines
    EpisodeFactory(user=alice, started_at=datetime(2026, 11, 10, 8, 0, tzinfo=UTC), notes="Судорога в икре, Ωμέγα, Zoë")
    EpisodeFactory(user=alice, started_at=datetime(2026, 11, 11, 8, 0, tzinfo=UTC), notes=long_note)
    text = " ".join(_pages(_report(alice, include_notes=True)))
    assert "Судорога в икре, Ωμέγα, Zoë" in text
    assert all(f"word{n:03d}" in text for n in range(220))
    assert 'HYPERLINK("http://evil.example","click")' in text
    assert "Triggers Symptoms Notes" in text


def test_it_leaves_notes_out_unless_asked(alice: User, diary: list[Episode]) -> None:
    text = " ".join(_pages(_report(alice)))
    assert "HYPERLINK" not in text
    assert "Triggers Symptoms Notes" not in text


def test_it_reports_progress_up_to_done(alice: User, diary: list[Episode]) -> None:
    progress: list[int] = []
    _pages(_report(alice), progress)
    assert progress == sorted(progress)
    assert progress[-1] == 100


def test_it_says_an_episode_is_still_going_in_the_table_and_on_page_one(
    alice: User, diary: list[Episode], still_going: Episode
) -> None:
    report = _report(alice)
    pages = _pages(report)
    [row] = [row for row in episode_rows(report) if row.id == str(still_going.id)]
    assert (row.when, row.duration) == ("2026-11-10 07:30 +01:00", "still going")
    assert "2026-11-10 07:30 +01:00 still going Eyelid (left)" in " ".join(pages[1:])
    assert "5 episodes (1 still going) on 5 of the 14 days" in pages[0]
    assert "5 episodes (1 still going) on 5 of the 14 days" in pages[1]
