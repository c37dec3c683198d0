"""The report in words: plain sentences with their numbers, which the PDF prints on its first
page and the share page shows above the charts. Plain text, no HTML: each renderer escapes it
its own way.

Every sentence states what the diary records and the figure behind it; none says what it
means for the person's health (that is the doctor's part; see summary.DISCLAIMER)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import mean

from diary.formatting import duration_text, offset_text
from tracker.analysis.findings import AssociationTested, Findings, RedFlag
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


def summary_sentences(report: ReportData) -> list[str]:
    if not report.episodes:
        return [f"No episodes in this period ({report.date_from} to {report.date_to})."]
    return findings_sentences(report.findings, report.names)


def findings_sentences(findings: Findings, names: Names) -> list[str]:
    """The sentences of findings that count at least one episode: a report's, or the stored
    summary the dashboard shows."""
    sentences = [_counts(findings), _trend(findings)]
    sentences += _peaks(findings)
    sentences += [_locations(findings, names), _triggers(findings)]
    sentences += _associations(findings)
    return sentences


def _counts(findings: Findings) -> str:
    frequency = findings["frequency"]
    # A summary stored before ANALYSIS_VERSION 4 has no count of episodes still going.
    still_going = frequency.get("still_going", 0)
    going = f" ({still_going:,} still going)" if still_going else ""
    sentence = (
        f"{_plural(frequency['episodes'], 'episode')}{going} on {frequency['days_with_twitching']:,} of "
        f"{_plural(frequency['days'], 'day')} ({frequency['share_of_days_with_twitching']:.0%} of days), "
        f"{frequency['per_week']:.1f} a week on average"
    )
    busiest = frequency["busiest_day"]
    if busiest is not None and busiest["episodes"] > 1:
        sentence += f"; the busiest day was {busiest['date']} with {busiest['episodes']}"
    return sentence + "."


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


def _locations(findings: Findings, names: Names) -> str:
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


# Red flags


@dataclass(frozen=True)
class RedFlagLine:
    when: str  # local date and time with offset, e.g. "Thu 5 Nov 2026, 20:00 (UTC+01:00)"
    what: str  # e.g. "Weakness" or the eyelid rule's description
    advice: tuple[str, ...]
    episode_ids: tuple[str, ...]


def red_flag_lines(report: ReportData) -> list[RedFlagLine]:
    """The report's flags, each dated with its episode's offset (the report has the episodes)."""
    if not report.episodes:
        return []
    flags = report.findings["red_flags"]["flags"]
    wanted = {flag["episode_id"] for flag in flags}
    episodes = {e.id: e for e in report.episodes if e.id in wanted}

    def when(flag: RedFlag) -> str:
        episode = episodes[flag["episode_id"]]
        return long_when(episode.local_start, episode.utc_offset_minutes)

    return flag_lines(report.findings, report.names, when=when)


def flag_lines(findings: Findings, names: Names, *, when: Callable[[RedFlag], str] | None = None) -> list[RedFlagLine]:
    """The findings' flags as lines. Without `when`, each is dated by the wall-clock time the
    analysis stored (the dashboard, which reads no episode): "Thu 5 Nov 2026, 20:00"."""
    return [_red_flag_line(names, flag, (when or _wall_clock)(flag)) for flag in findings["red_flags"]["flags"]]


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
    days = (report.date_to - report.date_from).days + 1
    if not checkins:
        return ["No daily check-ins in this period."]
    sentences = [f"{_plural(len(checkins), 'daily check-in')} over {_plural(days, 'day')}."]
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
