"""The one assembly every report format is built from: a user's diary over a date range, in
the user's local time, with the names a reader needs, plus the analysis of exactly that range.

Plain, typed data (no ORM rows) so that each renderer is a function of it alone. The analysis is
computed on first use: a CSV never needs it, a PDF or a share page always does."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property

from django.utils import timezone as django_timezone

from conditions.models import TwitchPattern
from diary.formatting import location_text
from diary.models import Side, profile_zone
from diary.plain import FUNCTION_SIGNS, Diary
from diary.selectors.profiles import user_with_profile
from diary.selectors.read import load_diary
from diary.selectors.records import range_function_checks, range_investigations, range_treatments
from tracker.analysis.data import Reference
from tracker.analysis.findings import Findings
from tracker.summaries.reference import load_reference
from tracker.summaries.selectors import summary_of_range

# What a report says of a field the person left out (the pattern): never a made-up value.
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class ReportEpisode:
    id: str
    started_at: datetime  # aware, UTC
    local_start: datetime  # aware, at the offset the user's clock had then
    duration_seconds: int | None  # None while it is still going
    locations: tuple[tuple[str, str], ...]  # (region code, side code)
    intensity: int
    pattern: str | None  # None: not recorded
    triggers: tuple[str, ...]  # codes
    symptoms: tuple[str, ...]  # codes
    notes: str  # "" unless the report includes notes

    @property
    def local_date(self) -> date:
        return self.local_start.date()

    @property
    def ongoing(self) -> bool:
        return self.duration_seconds is None

    @property
    def utc_offset_minutes(self) -> int:
        offset = self.local_start.utcoffset()
        return int(offset.total_seconds() // 60) if offset is not None else 0


@dataclass(frozen=True)
class ReportCheckIn:
    date: date
    caffeine_cups: int | None
    sleep_hours: float | None
    stress: int | None
    exercise_minutes: int | None
    alcohol_units: float | None
    twitching_today: bool | None
    notes: str  # "" unless the report includes notes


@dataclass(frozen=True)
class ReportTreatment:
    id: str
    name: str
    kind: str  # medication, supplement, lifestyle, therapy, other
    dose: str
    started_on: date
    stopped_on: date | None  # None: still going on
    notes: str  # "" unless the report includes notes


@dataclass(frozen=True)
class ReportInvestigation:
    id: str
    name: str
    kind: str  # emg, nerve_conduction, blood, mri, other
    done_on: date
    result: str  # the person's own words or the letter's
    notes: str  # "" unless the report includes notes


@dataclass(frozen=True)
class ReportFunctionCheck:
    id: str
    date: date
    answers: tuple[tuple[str, bool], ...]  # (sign, yes) for each sign answered, in the form's order
    weakness_where: tuple[tuple[str, str], ...]  # (limb, side)
    notes: str  # "" unless the report includes notes


@dataclass(frozen=True)
class ClinicalRecords:
    """The live treatments that overlap the range, and the tests and function checks within it."""

    treatments: list[ReportTreatment]  # oldest first
    investigations: list[ReportInvestigation]  # oldest first
    function_checks: list[ReportFunctionCheck]  # oldest first


@dataclass(frozen=True)
class Names:
    """Reference codes as a reader says them."""

    regions: dict[str, str]
    triggers: dict[str, str]
    symptoms: dict[str, str]
    red_flag_symptoms: frozenset[str]
    patterns: dict[str, str] = field(default_factory=lambda: dict(TwitchPattern.choices))
    sides: dict[str, str] = field(default_factory=lambda: dict(Side.choices))

    def region(self, code: str) -> str:
        return self.regions.get(code, code)

    def trigger(self, code: str) -> str:
        return self.triggers.get(code, code)

    def symptom(self, code: str) -> str:
        return self.symptoms.get(code, code)

    def pattern(self, code: str | None) -> str:
        return NOT_RECORDED if code is None else self.patterns.get(code, code)

    def side(self, code: str) -> str:
        return self.sides.get(code, code)

    def location(self, region: str, side: str) -> str:
        """ "Left calf", "Tongue (midline)", "Both eyelids"... kept plain: region, then side."""
        return location_text(self.region(region), self.side(side))


@dataclass(frozen=True)
class Patient:
    """What the person chose to say about themselves for a doctor: each empty when not set."""

    display_name: str = ""
    date_of_birth: date | None = None
    twitching_since: date | None = None  # the onset, which may predate the diary


@dataclass
class ReportData:
    user_id: int  # never the user name: it is often a real name or an e-mail address (issue 22)
    time_zone: str
    date_from: date
    date_to: date
    generated_at: datetime  # aware, in the user's zone
    include_notes: bool
    episodes: list[ReportEpisode]  # oldest first
    checkins: list[ReportCheckIn]  # oldest first
    names: Names
    diary: Diary  # what the analysis reads
    patient: Patient = field(default_factory=Patient)

    @cached_property
    def findings(self) -> Findings:
        """The analysis of exactly this range: the stored summary when it is fresh, else
        computed now (and not stored)."""
        summary = summary_of_range(
            user_id=self.user_id, date_from=self.date_from, date_to=self.date_to, diary=self.diary
        )
        assert summary.findings is not None  # summary_of_range always answers with findings
        return summary.findings

    @cached_property
    def clinical_records(self) -> ClinicalRecords:
        """Read on first use (three queries): the FHIR Bundle needs them, a CSV does not."""
        return clinical_records(
            user_id=self.user_id, date_from=self.date_from, date_to=self.date_to, include_notes=self.include_notes
        )

    def file_name(self, extension: str, suffix: str = "") -> str:
        """twitch-diary-2026-09-01-to-2026-11-30.pdf (a suffix such as "-fhir" before the dot)."""
        return f"twitch-diary-{self.date_from}-to-{self.date_to}{suffix}.{extension}"


def report_assemble(
    *, user_id: int, date_from: date, date_to: date, include_notes: bool = False, now: datetime | None = None
) -> ReportData:
    """Read the user's diary over [date_from, date_to] (local dates, both included), once, with
    the notes when the report includes them: a fixed number of queries whatever its size."""
    _, profile = user_with_profile(user_id=user_id)
    zone = profile_zone(profile)
    now = now or django_timezone.now()
    diary = load_diary(user_id=user_id, date_from=date_from, date_to=date_to, notes=include_notes)
    reference = load_reference()
    return ReportData(
        user_id=user_id,
        time_zone=zone.key,
        date_from=date_from,
        date_to=date_to,
        generated_at=now.astimezone(zone),
        include_notes=include_notes,
        episodes=_episodes(diary),
        checkins=_checkins(diary),
        names=reference_names(reference),
        diary=diary,
        patient=Patient(profile.display_name, profile.date_of_birth, profile.twitching_since) if profile else Patient(),
    )


def clinical_records(*, user_id: int, date_from: date, date_to: date, include_notes: bool) -> ClinicalRecords:
    def notes(text: str) -> str:
        return text if include_notes else ""

    return ClinicalRecords(
        treatments=[
            ReportTreatment(str(t.id), t.name, t.kind, t.dose, t.started_on, t.stopped_on, notes(t.notes))
            for t in range_treatments(user_id=user_id, date_from=date_from, date_to=date_to)
        ],
        investigations=[
            ReportInvestigation(str(i.id), i.name, i.kind, i.done_on, i.result, notes(i.notes))
            for i in range_investigations(user_id=user_id, date_from=date_from, date_to=date_to)
        ],
        function_checks=[
            ReportFunctionCheck(
                id=str(check.id),
                date=check.date,
                answers=tuple(
                    (sign, answer) for sign in FUNCTION_SIGNS if (answer := getattr(check, sign)) is not None
                ),
                weakness_where=tuple((place["limb"], place["side"]) for place in check.weakness_where),
                notes=notes(check.notes),
            )
            for check in range_function_checks(user_id=user_id, date_from=date_from, date_to=date_to)
        ],
    )


def reference_names(reference: Reference) -> Names:
    """The names a reader needs, from the reference data (a report's, or the dashboard's)."""
    return Names(
        regions=reference.region_names,
        triggers=reference.trigger_names,
        symptoms={code: symptom.name for code, symptom in reference.symptoms.items()},
        red_flag_symptoms=frozenset(code for code, symptom in reference.symptoms.items() if symptom.red_flag),
    )


def _episodes(diary: Diary) -> list[ReportEpisode]:
    """The diary's episodes (already limited to the range's local dates, with their notes when
    the report includes them), at their UTC instants and the offsets they were logged with."""
    zones: dict[int, timezone] = {}
    episodes = []
    for episode in diary.episodes:
        offset = episode.utc_offset_minutes
        zone = zones.get(offset) or zones.setdefault(offset, timezone(timedelta(minutes=offset)))
        episodes.append(
            ReportEpisode(
                id=episode.id,
                started_at=episode.started_at,
                local_start=episode.local_start.replace(tzinfo=zone),
                duration_seconds=episode.duration_seconds,
                locations=episode.locations,
                intensity=episode.intensity,
                pattern=episode.pattern,
                triggers=episode.triggers,
                symptoms=episode.symptoms,
                notes=episode.notes,
            )
        )
    episodes.sort(key=lambda e: (e.started_at, e.id))
    return episodes


def _checkins(diary: Diary) -> list[ReportCheckIn]:
    """The diary's check-ins (oldest first, with their notes when the report includes them)."""
    return [
        ReportCheckIn(
            date=checkin.day,
            caffeine_cups=checkin.caffeine_cups,
            sleep_hours=checkin.sleep_hours,
            stress=checkin.stress,
            exercise_minutes=checkin.exercise_minutes,
            alcohol_units=checkin.alcohol_units,
            twitching_today=checkin.twitching_today,
            notes=checkin.notes,
        )
        for checkin in diary.checkins
    ]
