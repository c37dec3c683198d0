import csv
import io
from datetime import UTC, date, datetime

from django.contrib.auth.models import User

from diary.models import Episode
from diary.services import profile_update
from tests.factories import EpisodeFactory
from tests.tracker.reports.conftest import FROM, TO
from tracker.reports import FORMATS
from tracker.reports.assembly import ReportPerson, report_assemble
from tracker.summaries.reference import load_reference


def test_it_takes_the_episodes_of_the_local_dates_oldest_first(alice: User, diary: list[Episode]) -> None:
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    assert [e.id for e in report.episodes] == [str(e.id) for e in sorted(diary[1:5], key=lambda e: e.started_at)]
    assert report.episodes[0].local_start.isoformat() == "2026-11-01T00:30:00+01:00"
    assert report.episodes[0].started_at.isoformat() == "2026-10-31T23:30:00+00:00"
    assert [c.date.isoformat() for c in report.checkins] == ["2026-11-02"]
    assert report.user_id == alice.pk
    assert report.time_zone == "Europe/Paris"


def test_it_leaves_notes_out_unless_asked(alice: User, diary: list[Episode]) -> None:
    without = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    with_notes = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO, include_notes=True)
    assert {e.notes for e in without.episodes} | {c.notes for c in without.checkins} == {""}
    assert "slept badly" in [c.notes for c in with_notes.checkins]
    assert any(e.notes.startswith("=HYPERLINK") for e in with_notes.episodes)


def test_it_analyses_exactly_the_range(alice: User, diary: list[Episode]) -> None:
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    assert report.findings["period"] == {"start": "2026-11-01", "end": "2026-11-14", "days": 14}
    assert report.findings["frequency"]["episodes"] == 4


def test_it_carries_what_the_person_set_for_their_reports_and_nothing_else(
    alice: User, bob: User, diary: list[Episode]
) -> None:
    assert report_assemble(user_id=bob.pk, date_from=FROM, date_to=TO).person == ReportPerson()  # no profile
    assert report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO).person == ReportPerson()  # none set
    profile_update(
        user=alice, display_name="A. Martin", date_of_birth=date(1980, 5, 17), twitching_since=date(2026, 6, 1)
    )
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    assert report.person == ReportPerson("A. Martin", date(1980, 5, 17), date(2026, 6, 1))
    assert report.first_entry == date(2026, 10, 31)  # before the range: the diary's first day


def test_it_reads_a_fixed_number_of_queries(alice: User, diary: list[Episode], django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    load_reference()  # kept per reference version, as in a process that has served a request
    EpisodeFactory.create_batch(30, user=alice, started_at=datetime(2026, 11, 9, 8, 0, tzinfo=UTC))
    # Two of these ask what the diary holds before the range (diary.selectors.read._earlier): the
    # places logged before it, and when there are none, whether a check-in began the diary.
    # The diary is read once: notes, instants and offsets come with it, at no query of their own;
    # its treatments and function checks are a query each.
    with django_assert_max_num_queries(10):
        report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO, include_notes=True)
    with django_assert_max_num_queries(10):
        report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)


def test_it_writes_a_csv_that_reads_back_with_a_hostile_note_neutralised(alice: User, diary: list[Episode]) -> None:
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO, include_notes=True)
    out = io.BytesIO()
    FORMATS["csv"].render(report, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8"))))
    assert [row["id"] for row in rows] == [e.id for e in report.episodes]
    busy = next(row for row in rows if row["intensity"] == "7")
    assert busy["locations"] == "calf:left;thigh:right"
    assert busy["triggers"] == "Caffeine;Exercise" or set(busy["triggers"].split(";")) == {
        report.names.trigger("caffeine"),
        report.names.trigger("exercise"),
    }
    assert busy["symptoms"] == report.names.symptom("weakness")
    assert busy["local_start"] == "2026-11-05T20:00:00+01:00"
    assert busy["utc_start"] == "2026-11-05T19:00:00Z"
    assert busy["notes"].startswith("'=HYPERLINK")
    assert FORMATS["csv"].file_name(report) == "twitch-diary-2026-11-01-to-2026-11-14.csv"


def test_it_writes_an_episode_still_going_with_an_empty_duration_in_the_csv(
    alice: User, diary: list[Episode], still_going: Episode
) -> None:
    report = report_assemble(user_id=alice.pk, date_from=FROM, date_to=TO)
    out = io.BytesIO()
    FORMATS["csv"].render(report, out)
    text = out.getvalue().decode("utf-8")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    going = rows.pop(str(still_going.id))
    assert (going["duration_seconds"], going["ongoing"], going["local_start"]) == (
        "",
        "true",
        "2026-11-10T07:30:00+01:00",
    )
    assert {(row["duration_seconds"], row["ongoing"]) for row in rows.values()} == {("30", "false"), ("600", "false")}
    # A column added after the others: a sheet that reads them by position finds them where they were.
    assert (
        text.splitlines()[0]
        == "id,local_start,utc_start,duration_seconds,locations,intensity,pattern,triggers,symptoms,ongoing"
    )
