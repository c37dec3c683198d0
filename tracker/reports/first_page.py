"""Page 1: what a doctor reads in one minute, as plain structured content that the PDF's first
page, the top of the share page and the admin's summary all show (tracker/reports/pdf.py draws
it, tracker/templates/tracker/first_page.html renders it).

Who, which period and that it is self-reported; since when; how often and the trend; where; the
red flags or what was looked for; the weekly checks; what was tried and the tests done; the
strongest triggers in plain words with their numbers, the method as a footnote. No p-value and
no "rate ratio" here: the numbers a reader needs are "about 2.5 times as many (between 1.1 and
5.5 times)". Each section says calmly what is not there rather than leaving a gap."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from diary.formatting import day_text
from tracker.analysis.findings import AssociationTested, Findings, TreatmentEffect, Trend
from tracker.reports.assembly import ReportData, ReportTreatment
from tracker.reports.charts import Chart, first_page_charts
from tracker.reports.narrative import covered_period_text, locations_sentence, new_places_sentences, red_flag_lines
from tracker.reports.plain_words import about, check_lines, effect_text, times_text

TITLE = "Twitch diary: report for a doctor"
SELF_REPORTED = "Self-reported by the patient; not a diagnosis."
MAIN_TRIGGERS = 3
TREND_WORDS = {"more_frequent": "more frequent", "less_frequent": "less frequent", "stable": "no clear change"}


@dataclass(frozen=True)
class Section:
    key: str  # "since", "how_often", "where", "red_flags", "checks", "tried", "tests", "triggers"
    title: str
    lines: list[str]
    alert: bool = False  # red flags recorded: drawn in red


@dataclass(frozen=True)
class FirstPage:
    title: str
    who: str | None  # "Anna Example, born 3 Mar 1985"; None when the person set neither
    period: str
    self_reported: str
    sections: list[Section]
    footnote: str  # how the triggers were found; "" when none is listed
    charts: list[Chart]  # the weekly chart and the body map, when there are episodes

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def first_page(report: ReportData, *, phone_charts: bool = False) -> FirstPage:
    """Page 1 of `report`; `phone_charts`: each chart with its phone-sized picture too."""
    findings = report.findings
    sections = [
        Section("since", "Since when", _since(report)),
        Section("how_often", "How often", _how_often(report, findings)),
        Section("where", "Where", _where(report, findings)),
        _red_flags(report),
        Section("checks", "Weekly function checks", _checks(findings)),
        Section("tried", "What was tried", _tried(report, findings["treatment_effects"])),
        Section("tests", "Tests done", _tests(report)),
        Section("triggers", "Strongest triggers", _triggers(findings)),
    ]
    return FirstPage(
        title=TITLE,
        who=who_text(report),
        period=covered_period_text(report),
        self_reported=SELF_REPORTED,
        sections=sections,
        footnote=_footnote(_strongest(findings)),
        charts=first_page_charts(report, narrow=phone_charts),
    )


def who_text(report: ReportData) -> str | None:
    """The display name and date of birth the person chose, each only when set; never the
    account's user name."""
    person = report.person
    born = f"born {day_text(person.date_of_birth)}" if person.date_of_birth else ""
    parts = [part for part in (person.display_name.strip(), born) if part]
    return ", ".join(parts) or None


def _since(report: ReportData) -> list[str]:
    onset = report.person.twitching_since
    lines = [f"Twitching since {day_text(onset)}, as the patient reports." if onset else "Onset not recorded."]
    first = report.first_entry  # the diary's, which may be before this period
    lines.append(f"Diary kept since {day_text(first)}." if first else "No diary entry yet.")
    return lines


def _how_often(report: ReportData, findings: Findings) -> list[str]:
    """ "About 7.8 episodes a week over the 91 days the diary covers (102 episodes on 54 days)." """
    if not report.episodes:
        return ["No episodes in this period."]
    frequency = findings["frequency"]
    days, count, going = frequency["days_covered"], frequency["episodes"], frequency.get("still_going", 0)
    episodes = f"{count:,} episode{'s' if count != 1 else ''}" + (f" ({going:,} still going)" if going else "")
    on_days = f"{episodes} on {frequency['days_with_twitching']:,} of the {days:,} days the diary covers"
    if days < 7:  # a week's rate over fewer days would be a guess, not a figure
        return [f"{on_days[0].upper()}{on_days[1:]}.", trend_text(findings["trend"])]
    return [f"About {frequency['per_week']:.1f} episodes a week: {on_days}.", trend_text(findings["trend"])]


def trend_text(trend: Trend) -> str:
    """ "Last four weeks: about 4 a week against about 2 before, more frequent (between 1.2 and
    3.5 times as many)." """
    if trend["direction"] == "not_enough_data":
        return "Trend: too early to compare the last four weeks with before."
    recent = 7 * trend["recent_episodes"] / trend["recent_days"]
    earlier = 7 * trend["earlier_episodes"] / trend["earlier_days"]
    return (
        f"Last four weeks: {about(recent)} a week against {about(earlier)} before, "
        f"{TREND_WORDS[trend['direction']]} (between {times_text(trend['ci_low'])} and "
        f"{times_text(trend['ci_high'])} times as many)."
    )


def _where(report: ReportData, findings: Findings) -> list[str]:
    if not report.episodes:
        return ["No places recorded."]
    new = new_places_sentences(findings) or ["No place new in the last 30 days."]
    return [locations_sentence(findings, report.names), *new]


def _red_flags(report: ReportData) -> Section:
    lines = red_flag_lines(report)
    if lines:
        title = f"Red flags ({len(lines)})"
        return Section("red_flags", title, [f"{line.when}: {line.what}" for line in lines], alert=True)
    names = report.names
    signs = sorted(name.lower() for code, name in names.symptoms.items() if code in names.red_flag_symptoms)
    looked = f"red-flag symptoms with an episode ({', '.join(signs)})" if signs else "red-flag symptoms with an episode"
    return Section(
        "red_flags",
        "Red flags",
        [
            f"None recorded{_in_episodes(report)}. Looked for: {looked}; eyelid twitching with other signs in "
            "the face or eyes; warning signs in the weekly checks."
        ],
    )


def _in_episodes(report: ReportData) -> str:
    count = len(report.episodes)
    return f" in {count:,} episode{'s' if count != 1 else ''}" if count else ""


def _checks(findings: Findings) -> list[str]:
    tally = findings["function_checks"]
    return check_lines(tally) or ["No weekly function checks in this period."]


def _tried(report: ReportData, effects: Sequence[TreatmentEffect]) -> list[str]:
    by_id = {effect["treatment_id"]: effect for effect in effects}
    treatments = report.clinical_records.treatments
    return [_treatment_line(t, by_id.get(t.id)) for t in treatments] or ["No treatment recorded."]


def _treatment_line(treatment: ReportTreatment, effect: TreatmentEffect | None) -> str:
    dose = f" {treatment.dose}" if treatment.dose else ""
    if treatment.stopped_on:
        when = f"{day_text(treatment.started_on)} to {day_text(treatment.stopped_on)}"
    else:
        when = f"since {day_text(treatment.started_on)}"
    stopped = treatment.stopped_on is not None
    return f"{treatment.name}{dose} ({when}): {effect_text(effect, stopped=stopped)}"


def _tests(report: ReportData) -> list[str]:
    tests = report.clinical_records.investigations
    lines = [f"{t.name}, {day_text(t.done_on)}: {t.result or 'result not recorded'}" for t in tests]
    return lines or ["No test recorded."]


def _strongest(findings: Findings) -> list[AssociationTested]:
    tested = [a for a in findings["associations"] if a["status"] == "ok" and a["significant"]]
    tested.sort(key=lambda a: -abs(math.log(a["rate_ratio"])))  # the furthest from 1, either way, first
    return tested[:MAIN_TRIGGERS]


def _triggers(findings: Findings) -> list[str]:
    if not findings["frequency"]["episodes"]:
        return ["None to compare: no episodes in this period."]
    tested = [a for a in findings["associations"] if a["status"] == "ok"]
    if not tested:
        return ["Too few daily check-ins yet to compare days with and without caffeine, sleep, stress or alcohol."]
    strongest = _strongest(findings)
    if not strongest:
        return [
            f"None clear: no check-in factor of the {len(tested)} compared went clearly with more or fewer episodes."
        ]
    return [trigger_text(a) for a in strongest]


def trigger_text(association: AssociationTested) -> str:
    """ "On days with 3+ cups of coffee, about 2.5 times as many episodes (between 1.1 and 5.5
    times)." """
    label = association["label"]
    days = f"days after a day with {label}" if association["lag_days"] else f"days with {label}"
    ratio = association["rate_ratio"]
    fewer = ": fewer" if ratio < 1 else ""
    return (
        f"On {days}, about {times_text(ratio)} times as many episodes (between "
        f"{times_text(association['ci_low'])} and {times_text(association['ci_high'])} times){fewer}."
    )


def _footnote(strongest: Sequence[AssociationTested]) -> str:
    if not strongest:
        return ""
    level = f"{strongest[0]['interval_level']:.1%}".replace(".0%", "%")
    return (
        "Triggers: episodes a day on check-in days with and without each factor, adjusted for the other factors, "
        f"the weekday and a slow trend; listed only when the whole interval ({level}, widened for the number of "
        "factors compared) is above or below 1."
    )
