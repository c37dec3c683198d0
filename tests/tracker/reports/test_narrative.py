import copy
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from diary.formatting import duration_text
from diary.models import Episode
from tests.factories import make_checkin
from tests.tracker.reports.conftest import FROM, TO, significant_caffeine
from tracker.analysis.findings import AssociationTested, Findings
from tracker.reports.assembly import ReportData, report_assemble
from tracker.reports.narrative import (
    checkin_sentences,
    episode_rows,
    red_flag_lines,
    summary_sentences,
)

GENERATED = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("UTC"))


def _report(user: User, *, include_notes: bool = False) -> ReportData:
    return report_assemble(user_id=user.pk, date_from=FROM, date_to=TO, include_notes=include_notes, now=GENERATED)


def _with_findings(report: ReportData, findings: Findings) -> ReportData:
    """The same report read with other findings: `findings` is a cached property."""
    report.__dict__["findings"] = findings
    return report


def test_it_counts_episodes_and_days(alice: User, diary: list[Episode]) -> None:
    sentences = summary_sentences(_report(alice))
    # 1, 5, 7 and 14 November: four episodes on four of the fourteen local days.
    assert sentences[0] == (
        "4 episodes on 4 of the 14 days from 1 Nov 2026 to 14 Nov 2026 (29% of days), 2.0 a week on average."
    )
    assert any(s.startswith("Main locations: Eyelid (3 episodes: left 3); Calf (1 episode: left 1)") for s in sentences)
    assert any("Caffeine 1 (25%)".lower() in s for s in sentences)


def test_it_says_so_when_the_period_has_no_episode(alice: User) -> None:
    report = _report(alice)
    assert summary_sentences(report) == ["No episodes in this period (1 Nov 2026 to 14 Nov 2026)."]
    assert red_flag_lines(report) == []
    assert checkin_sentences(report) == ["No daily check-ins in this period."]


def test_it_writes_a_peak_sentence_only_when_the_analysis_found_one(alice: User, diary: list[Episode]) -> None:
    report = _report(alice)
    assert report.findings["timing"]["time_of_day"]["peak"] is None  # 4 episodes: too few to test
    assert not any("Most episodes come" in s for s in summary_sentences(report))
    findings = copy.deepcopy(report.findings)
    findings["timing"]["time_of_day"].update(peak="evening", p_value=0.004, shares={"evening": 0.62})
    findings["timing"]["weekday"].update(
        peak="friday", p_value=0.0001, per_day={"friday": 3.0, "monday": 1.0, "tuesday": 2.0}
    )
    sentences = summary_sentences(_with_findings(report, findings))
    assert "Most episodes come in the evening: 62% of those between 06:00 and midnight (p = 0.004)." in sentences
    assert "Episodes are more frequent on Fridays: 3.0 a day against 1.5 on the other days (p < 0.001)." in sentences


def test_it_states_a_significant_association_with_its_numbers(alice: User, diary: list[Episode]) -> None:
    report = _report(alice)
    tested = significant_caffeine(lag_days=1)
    not_significant: AssociationTested = {**tested, "lag_days": 0, "significant": False, "rate_ratio": 1.1}
    findings = copy.deepcopy(report.findings)
    findings["associations"] = [not_significant, tested]
    sentences = summary_sentences(_with_findings(report, findings))
    assert (
        "Days after a day with 3 or more cups of caffeine had 1.65 times the episodes of days after a day without "
        "(rate ratio 1.65, 99.7% interval 1.20 to 2.27; adjusted for the other factors, the weekday and a slow "
        "trend)."
    ) in sentences
    assert not any("1.10" in s for s in sentences)  # not significant: not on page 1

    findings["associations"] = [not_significant]
    assert "None of the 1 check-in factor tested went with significantly more or fewer episodes." in summary_sentences(
        _with_findings(report, findings)
    )


def test_it_gives_each_red_flag_its_local_time_and_advice(alice: User, diary: list[Episode]) -> None:
    report = _report(alice)
    busy = diary[2]
    [line] = red_flag_lines(report)
    assert line.when == "Thu 5 Nov 2026, 20:00 (UTC+01:00)"
    assert line.what == report.names.symptom("weakness")
    assert line.advice
    assert all(line.advice)
    assert line.episode_ids == (str(busy.id),)


def test_it_makes_one_row_per_episode_in_local_time(alice: User, diary: list[Episode]) -> None:
    rows = episode_rows(_report(alice))
    assert [row.when for row in rows] == [
        "2026-11-01 00:30 +01:00",
        "2026-11-05 20:00 +01:00",
        "2026-11-07 09:15 +01:00",
        "2026-11-14 23:59 +01:00",
    ]
    busy = rows[1]
    assert busy.where == "Calf (left), Thigh (right)"
    assert busy.duration == "10 min"
    assert busy.intensity == "7"
    assert busy.pattern == "Continuous rippling"
    assert set(busy.triggers.split(", ")) == {"Caffeine", "Exercise"}
    assert busy.notes == ""
    with_notes = episode_rows(_report(alice, include_notes=True))
    assert with_notes[1].notes == '=HYPERLINK("http://evil.example","click")'


def test_it_says_durations_as_a_person_would() -> None:
    assert [duration_text(s) for s in (0, 45, 60, 150, 600, 3600, 3900)] == [
        "0 s",
        "45 s",
        "1 min",
        "2 min 30 s",
        "10 min",
        "1 h",
        "1 h 5 min",
    ]


def test_it_sums_up_the_checkins(alice: User, diary: list[Episode]) -> None:
    assert checkin_sentences(_report(alice)) == [
        "1 daily check-in over 14 days.",
        "On average a day had 2.0 cups of caffeine, 7.5 hours of sleep, stress 3.0 out of 10.",
    ]


def test_it_says_why_there_is_no_trend(alice: User, diary: list[Episode]) -> None:
    sentences = summary_sentences(_report(alice))
    assert (
        "Trend: not enough data to compare the last four weeks with before: needs 14 days before the last 4 weeks."
        in sentences
    )


def test_it_says_how_many_days_answered_when_some_did_not(alice: User, diary: list[Episode]) -> None:
    make_checkin(alice, date(2026, 11, 3), caffeine_cups=4, sleep_hours=None, stress=5)
    assert checkin_sentences(_report(alice))[1] == (
        "On average a day had 3.0 cups of caffeine, 7.5 hours of sleep (1 day), stress 4.0 out of 10."
    )
