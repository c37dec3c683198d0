"""The report in words: plain sentences with their numbers, which the PDF prints after its
first page (tracker.reports.first_page) and the share page shows above the charts. Plain text,
no HTML: each renderer escapes it its own way.

Every sentence states what the diary records and the figure behind it; none says what it
means for the person's health (that is the doctor's part; see summary.DISCLAIMER).

Over 400 lines on purpose: every sentence the person and the doctor read is here, so that the
wording is reviewed, and kept calm and consistent, in one place."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import mean

from diary.formatting import day_text, duration_text, offset_text
from diary.plain import FUNCTION_SIGN_SYMPTOMS
from tracker.analysis.findings import (
    AssociationTested,
    Findings,
    FunctionCheckFlag,
    MatchedFeature,
    RedFlag,
    ReferenceMatch,
    ReferenceSource,
)
from tracker.analysis.reference_match import characteristic
from tracker.reports.assembly import Names, ReportCheckIn, ReportData, ReportEpisode

MAIN_LOCATIONS = 3
MAIN_TRIGGERS = 5
EYELID_ADVICE = (
    "The sources advise a prompt medical check when eyelid twitching comes with this sign; on its own, eyelid "
    "twitching is generally harmless."
)
DIRECTIONS = {
    "more_frequent": "more frequent than before",
    "less_frequent": "less frequent than before",
    "stable": "with no clear change from before",
}


def long_when(moment: datetime, offset_minutes: int) -> str:
    """Thu 5 Nov 2026, 20:00 (UTC+01:00): the day named, for a reader on paper."""
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M} (UTC{offset_text(offset_minutes)})"


def short_when(episode: ReportEpisode) -> str:
    """2026-11-05 20:00 +01:00: sortable, one line in a table."""
    return f"{episode.local_start:%Y-%m-%d %H:%M} {offset_text(episode.utc_offset_minutes)}"


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def p_text(p_value: float) -> str:
    """p = 0.012, p < 0.001 (a p-value rounded to 0 is small, not zero)."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"


def _interval(low: float, high: float, level: float = 0.95) -> str:
    return f"{level:.1%}".replace(".0%", "%") + f" interval {low:.2f} to {high:.2f}"


# Page 1


def period_text(report: ReportData) -> str:
    """1 Nov 2026 to 28 Nov 2026: the range asked for."""
    return f"{day_text(report.date_from)} to {day_text(report.date_to)}"


def covered_period_text(report: ReportData) -> str:
    """The range, and the days the diary covers within it when it starts later: "1 Nov 2026 to
    28 Nov 2026; the diary starts 25 Nov 2026, so 4 days are covered"."""
    diary = report.diary
    asked = (report.date_to - report.date_from).days + 1
    if diary.start <= report.date_from or not (diary.episodes or diary.checkins):
        return f"{period_text(report)} ({_plural(asked, 'day')}, both included)"
    return (
        f"{period_text(report)}; the diary starts {day_text(diary.start)}, so it covers "
        f"{_plural(diary.days, 'day')} of the {asked:,}"
    )


def summary_sentences(report: ReportData) -> list[str]:
    if not report.episodes:
        return [f"No episodes in this period ({day_text(report.date_from)} to {day_text(report.date_to)})."]
    return findings_sentences(report.findings, report.names, date_from=report.date_from)


def findings_sentences(findings: Findings, names: Names, *, date_from: date | None = None) -> list[str]:
    """The sentences of findings that count at least one episode: a report's over a range that
    starts on `date_from`, or the stored all-time summary the dashboard shows."""
    sentences = [_counts(findings, date_from), _trend(findings)]
    sentences += _peaks(findings)
    sentences += [locations_sentence(findings, names), *new_places_sentences(findings), _triggers(findings)]
    sentences += _associations(findings)
    return sentences


def covered_text(findings: Findings, date_from: date | None) -> str:
    """Over which days the figures count: "since 3 Dec 2026, when the diary starts" when the
    diary starts within the range (or the range is all of it), else the range's own dates."""
    period = findings["period"]
    start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
    if date_from is None or start > date_from:
        return f"since {day_text(start)}, when the diary starts"
    return f"from {day_text(start)} to {day_text(end)}"


def _counts(findings: Findings, date_from: date | None) -> str:
    """4 episodes on 3 of the 28 days from ... (11% of days), 1.0 a week on average. A week's
    rate only over a week or more: over fewer days it would be a guess, not a figure."""
    frequency = findings["frequency"]
    days, on_days = frequency["days"], frequency["days_with_twitching"]
    covered = covered_text(findings, date_from)
    # A summary stored before ANALYSIS_VERSION 4 has no count of episodes still going.
    still_going = frequency.get("still_going", 0)
    going = f" ({still_going:,} still going)" if still_going else ""
    episodes = _plural(frequency["episodes"], "episode") + going
    if days == 1:
        sentence = f"{episodes} on the one day {covered}"
    else:
        sentence = f"{episodes} on {on_days:,} of the {days:,} days {covered}"
    if days >= 7:
        sentence += (
            f" ({frequency['share_of_days_with_twitching']:.0%} of days), {frequency['per_week']:.1f} a week on average"
        )
    busiest = frequency["busiest_day"]
    if busiest is not None and busiest["episodes"] > 1 and on_days > 1:
        sentence += f"; the busiest day was {day_text(date.fromisoformat(busiest['date']))} with {busiest['episodes']}"
    return sentence + "."


def new_places_sentences(findings: Findings) -> list[str]:
    """Spreading is what a neurologist asks about first: the places new in recent weeks, each
    with the day it was first logged. A summary stored before these were kept has none."""
    new = findings["locations"].get("new_recently", [])
    if not new:
        return []
    places = "; ".join(
        f"{place['name']} (first logged {day_text(date.fromisoformat(place['first_seen']))}, "
        f"{_plural(place['episodes'], 'episode')})"
        for place in new
    )
    return [f"New in the last 30 days: {places}."]


def _listed(items: Sequence[str], last: str) -> str:
    """ "a, b and c" (or "a, b or c"): a list as a sentence says it."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def _trend(findings: Findings) -> str:
    trend = findings["trend"]
    if trend["direction"] == "not_enough_data":
        reason = trend["reason"].rstrip(".")
        return f"Trend: not enough data to compare the last four weeks with before: {reason[0].lower()}{reason[1:]}."
    per_week_recent = 7 * trend["recent_episodes"] / trend["recent_days"]
    per_week_earlier = 7 * trend["earlier_episodes"] / trend["earlier_days"]
    return (
        f"In the last four weeks episodes were {DIRECTIONS[trend['direction']]}: {per_week_recent:.1f} a week "
        f"against {per_week_earlier:.1f} (rate ratio {trend['rate_ratio']:.2f}, "
        f"{_interval(trend['ci_low'], trend['ci_high'])})."
    )


def _peaks(findings: Findings) -> list[str]:
    """Only the peaks the analysis found: an even spread is not news on page 1."""
    timing = findings["timing"]
    sentences = []
    part = timing["time_of_day"]
    if part["peak"] is not None:
        share = part["shares"].get(part["peak"], 0.0)
        sentences.append(
            f"Most episodes come in the {part['peak']}: {share:.0%} of those between "
            f"{part['window']['start']} and midnight ({p_text(part.get('p_value', 0.0))})."
        )
    weekday = timing["weekday"]
    if weekday["peak"] is not None:
        day = weekday["peak"]
        others = [rate for name, rate in weekday["per_day"].items() if name != day]
        sentences.append(
            f"Episodes are more frequent on {day.capitalize()}s: {weekday['per_day'][day]:.1f} a day against "
            f"{mean(others):.1f} on the other days ({p_text(weekday.get('p_value', 0.0))})."
        )
    return sentences


def locations_sentence(findings: Findings, names: Names) -> str:
    locations = findings["locations"]
    parts = []
    for region in locations["by_region"][:MAIN_LOCATIONS]:
        sides = [s for s in locations["by_side"] if s["region"] == region["region"]]
        by_side = ", ".join(f"{names.side(s['side']).lower()} {s['episodes']:,}" for s in sides)
        parts.append(f"{region['name']} ({_plural(region['episodes'], 'episode')}: {by_side})")
    more = len(locations["by_region"]) - MAIN_LOCATIONS
    tail = f", and {_plural(more, 'other place')}" if more > 0 else ""
    return f"Main locations: {'; '.join(parts)}{tail}."


def _triggers(findings: Findings) -> str:
    triggers = findings["triggers"]
    if not triggers["by_trigger"]:
        return "No trigger was tagged on any episode."
    listed = ", ".join(
        f"{t['name'].lower()} {t['episodes']:,} ({t['share']:.0%})" for t in triggers["by_trigger"][:MAIN_TRIGGERS]
    )
    total = findings["frequency"]["episodes"]
    return (
        f"Triggers were tagged on {triggers['episodes_with_a_trigger']:,} of {_plural(total, 'episode')}; "
        f"the most tagged: {listed}."
    )


def _associations(findings: Findings) -> list[str]:
    tested = [a for a in findings["associations"] if a["status"] == "ok"]
    if not tested:
        return ["Too few check-ins to test whether caffeine, sleep, stress, exercise or alcohol go with more episodes."]
    significant = [a for a in tested if a["significant"]]
    if not significant:
        return [
            f"None of the {_plural(len(tested), 'check-in factor')} tested went with significantly more or fewer "
            "episodes."
        ]
    return [association_sentence(a) for a in significant]


def association_sentence(association: AssociationTested) -> str:
    """Days with 3 or more cups of caffeine had 1.65 times the episodes of days without ..."""
    ratio = association["rate_ratio"]
    label = association["label"]
    if association["lag_days"]:
        subject, against = f"Days after a day with {label}", "days after a day without"
    else:
        subject, against = f"Days with {label}", "days without"
    return (
        f"{subject} had {ratio:.2f} times the episodes of {against} (rate ratio {ratio:.2f}, "
        f"{_interval(association['ci_low'], association['ci_high'], association['interval_level'])}; "
        "adjusted for the other factors, the weekday and a slow trend)."
    )


# Reference notes

FEATURE_KINDS = {"region": "place", "symptom": "symptom", "trigger": "trigger", "pattern": "pattern"}


def reference_sentence(matches: Sequence[ReferenceMatch]) -> str:
    """The one plain sentence the comparison is folded under. It names no serious condition: a
    person reads the list only by choosing to unfold it, and a doctor reads it whole."""
    if not matches:
        return "No condition in the reference material has two or more of its characteristic features in this diary."
    benign = [m["name"] for m in matches if m["benign"] and not m["against_features"]]
    if len(benign) == len(matches):
        return (
            f"Features in this diary are among those the sources describe for {_listed(benign, 'and')}, usually "
            "harmless. Material to discuss with a doctor, not a diagnosis."
        )
    return (
        f"Two or more features in this diary are among those the sources describe for "
        f"{_plural(len(matches), 'condition')}{_benign_first(benign)}. This comparison is material for a doctor "
        "to read, not a diagnosis: sharing features does not mean having a condition."
    )


def _benign_first(benign: list[str]) -> str:
    return f", {_listed(benign, 'and')} (usually harmless) first" if benign else ""


def characteristic_features(features: Sequence[MatchedFeature]) -> list[MatchedFeature]:
    return [f for f in features if characteristic(f)]


def context_features(features: Sequence[MatchedFeature]) -> list[MatchedFeature]:
    return [f for f in features if not characteristic(f)]


def feature_name(feature: MatchedFeature, names: Names) -> str:
    """A reference feature as a reader says it: the region, symptom, trigger or pattern name."""
    lookups = {"region": names.region, "symptom": names.symptom, "trigger": names.trigger, "pattern": names.pattern}
    lookup = lookups.get(feature["kind"])
    return lookup(feature["code"]) if lookup else feature["code"]


def feature_text(feature: MatchedFeature, names: Names) -> str:
    """Cramp (symptom, in 3 episodes): cramps may come with the twitching, without weakness"""
    kind = FEATURE_KINDS.get(feature["kind"], "feature")
    count = f", in {_plural(feature['episodes'], 'episode')}" if feature["episodes"] else ""
    note = f": {feature['note']}" if feature["note"] else ""
    return f"{feature_name(feature, names)} ({kind}{count}){note}"


def source_text(source: ReferenceSource) -> str:
    """“Diseases That Cause Muscle Twitches” (003_f617ebba62bb73a1.txt): cited by its title, with
    the file name for traceability. A summary stored before sources had titles shows the file."""
    title = source.get("title") or source["seed"]
    return f"“{title}” ({source['seed']})"


# Red flags


@dataclass(frozen=True)
class RedFlagLine:
    when: str  # local date and time with offset, e.g. "Thu 5 Nov 2026, 20:00 (UTC+01:00)"
    what: str  # e.g. "Weakness" or the eyelid rule's description
    advice: tuple[str, ...]
    episode_ids: tuple[str, ...]


def red_flag_lines(report: ReportData) -> list[RedFlagLine]:
    """The report's flags, each dated with its episode's offset (the report has the episodes),
    then the weekly checks that answered yes to a warning sign."""
    checks = function_check_lines(report.findings["red_flags"].get("function_checks", []), report.names)
    if not report.episodes:
        return checks
    flags = report.findings["red_flags"]["flags"]
    wanted = {flag["episode_id"] for flag in flags}
    episodes = {e.id: e for e in report.episodes if e.id in wanted}

    def when(flag: RedFlag) -> str:
        episode = episodes[flag["episode_id"]]
        return long_when(episode.local_start, episode.utc_offset_minutes)

    return flag_lines(flags, report.names, when=when) + checks


def function_check_lines(flags: Sequence[FunctionCheckFlag], names: Names) -> list[RedFlagLine]:
    """Weekly checks with a yes to a warning sign, as lines beside the episodes' flags: "Weekly
    check: Muscle weakness", with the advice of the red-flag symptom each sign is."""
    return [
        RedFlagLine(
            when=day_text(date.fromisoformat(flag["date"])),
            what="Weekly check: " + ", ".join(names.symptom(FUNCTION_SIGN_SYMPTOMS[sign]) for sign in flag["signs"]),
            advice=tuple(flag["advice"]),
            episode_ids=(),
        )
        for flag in flags
    ]


def flag_lines(
    flags: Sequence[RedFlag], names: Names, *, when: Callable[[RedFlag], str] | None = None
) -> list[RedFlagLine]:
    """Red flags as lines. Without `when`, each is dated by the wall-clock time the analysis
    stored (the dashboard, which reads no episode row): "Thu 5 Nov 2026, 20:00"."""
    return [_red_flag_line(names, flag, (when or _wall_clock)(flag)) for flag in flags]


def _wall_clock(flag: RedFlag) -> str:
    moment = datetime.fromisoformat(flag["started_at"])
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def _red_flag_line(names: Names, flag: RedFlag, when: str) -> RedFlagLine:
    ids = tuple(flag["episode_ids"])
    if flag["rule"] == "red_flag_symptom":
        what = ", ".join(names.symptom(code) for code in flag["symptoms"])
        return RedFlagLine(when=when, what=what, advice=tuple(flag["advice"]), episode_ids=ids)
    return RedFlagLine(when=when, what=flag["description"], advice=(EYELID_ADVICE,), episode_ids=ids)


# Check-ins


def checkin_sentences(report: ReportData) -> list[str]:
    checkins = report.checkins
    if not checkins:
        return ["No daily check-ins in this period."]
    days = report.diary.days  # the days the diary covers, not those of the range before it began
    since = f" since {day_text(report.diary.start)}" if report.diary.start > report.date_from else ""
    sentences = [f"{_plural(len(checkins), 'daily check-in')} over {_plural(days, 'day')}{since}."]
    averages = [
        _average(checkins, "caffeine_cups", "{:.1f} cups of caffeine"),
        _average(checkins, "sleep_hours", "{:.1f} hours of sleep"),
        _average(checkins, "stress", "stress {:.1f} out of 10"),
        _average(checkins, "exercise_minutes", "{:.0f} minutes of exercise"),
        _average(checkins, "alcohol_units", "{:.1f} units of alcohol"),
    ]
    given = [text for text in averages if text]
    if given:
        sentences.append(f"On average a day had {', '.join(given)}.")
    answered = [c.twitching_today for c in checkins if c.twitching_today is not None]
    if answered:
        sentences.append(f"Twitching was reported on {sum(answered):,} of the {len(answered):,} days that answered.")
    return sentences


def _average(checkins: Sequence[ReportCheckIn], field: str, text: str) -> str:
    """The average over the check-ins that answered; how many only when some did not."""
    values = [value for c in checkins if (value := getattr(c, field)) is not None]
    if not values:
        return ""
    answered = f" ({_plural(len(values), 'day')})" if len(values) < len(checkins) else ""
    return text.format(mean(values)) + answered


# The episode table


@dataclass(frozen=True)
class EpisodeRow:
    id: str
    when: str  # "2026-11-05 20:00 +01:00"
    duration: str  # "10 min", or "still going" (since `when`)
    where: str  # "Calf (left), Thigh (right)"
    intensity: str
    pattern: str  # its name
    triggers: str  # names, ", "
    symptoms: str  # names, ", "
    notes: str  # "" unless included


def episode_rows(report: ReportData) -> list[EpisodeRow]:
    names = report.names
    return [
        EpisodeRow(
            id=e.id,
            when=short_when(e),
            duration=duration_text(e.duration_seconds),
            where=", ".join(names.location(region, side) for region, side in e.locations),
            intensity=str(e.intensity),
            pattern=names.pattern(e.pattern),
            triggers=", ".join(names.trigger(code) for code in e.triggers),
            symptoms=", ".join(names.symptom(code) for code in e.symptoms),
            notes=e.notes if report.include_notes else "",
        )
        for e in report.episodes
    ]
