"""What a client sends as an episode (EpisodeInput), and its checks: every field's errors at once,
against the reference codes of the stored version, before anything is written."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from conditions.models import BodyRegion, Symptom, Trigger, TwitchPattern
from conditions.reference import PerReferenceVersion
from diary.models import (
    EARLIEST_DATE,
    MAX_DURATION_SECONDS,
    MAX_NOTES_LENGTH,
    MAX_UTC_OFFSET_MINUTES,
    MIN_UTC_OFFSET_MINUTES,
    EpisodeSource,
    Side,
)

from .records import (
    FieldErrors,
    check_notes,
    check_range,
)

# A phone's clock may run a little fast; anything further ahead is a mistake.
FUTURE_TOLERANCE = timedelta(minutes=5)
EARLIEST_START = datetime.combine(EARLIEST_DATE, datetime.min.time(), tzinfo=ZoneInfo("UTC"))


@dataclass(frozen=True)
class LocationInput:
    region: str
    side: str


@dataclass(frozen=True)
class EpisodeInput:
    """An episode as a client describes it, before validation."""

    started_at: datetime
    duration_seconds: int | None  # None while it is still going
    locations: Sequence[LocationInput]
    intensity: int
    pattern: str | None = None  # None: not recorded (the person did not say)
    triggers: Sequence[str] = ()
    symptoms: Sequence[str] = ()
    notes: str = ""
    # None: derive it from started_at's own offset, or the user's time zone at that instant.
    utc_offset_minutes: int | None = None
    id: uuid.UUID | None = None
    source: str = EpisodeSource.WEB
    ongoing: bool = False


@dataclass(frozen=True)
class ReferenceCodes:
    """Reference rows by code. Read from the tables once per process and reference version:
    a write then costs the one query that reads the stored version (see `load`)."""

    regions: dict[str, BodyRegion] = field(default_factory=dict)
    triggers: dict[str, int] = field(default_factory=dict)
    symptoms: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "ReferenceCodes":
        """The codes of the stored reference version: one query while it stays the same, three
        more when it changed (conditions.reference.PerReferenceVersion)."""
        return _CODES.get()

    @classmethod
    def from_tables(cls) -> "ReferenceCodes":
        return cls(
            regions={r.code: r for r in BodyRegion.objects.all()},
            triggers=dict(Trigger.objects.values_list("code", "id")),
            symptoms=dict(Symptom.objects.values_list("code", "id")),
        )


_CODES = PerReferenceVersion(ReferenceCodes.from_tables)


def _unknown_codes_message(kind: str, unknown: Iterable[str], allowed: Iterable[str]) -> str:
    return f"Unknown {kind} code(s): {', '.join(sorted(unknown))}. Allowed: {', '.join(sorted(allowed))}."


def _check_locations(errors: FieldErrors, locations: Any, codes: ReferenceCodes) -> None:
    if not isinstance(locations, Sequence) or isinstance(locations, str) or not locations:
        errors.add("locations", "At least one location is required.")
        return
    seen: set[str] = set()
    for index, location in enumerate(locations):
        if not isinstance(location, LocationInput):
            errors.add("locations", f"[{index}] Must be a region code and a side.")
            continue
        region = codes.regions.get(location.region)
        if region is None:
            errors.add("locations", f"[{index}] " + _unknown_codes_message("region", [location.region], codes.regions))
            continue
        if location.region in seen:
            errors.add("locations", f"[{index}] Region {location.region} is listed twice.")
        seen.add(location.region)
        allowed_sides = [Side.LEFT, Side.RIGHT, Side.BOTH] if region.has_sides else [Side.MIDLINE]
        if location.side not in allowed_sides:
            errors.add(
                "locations",
                f"[{index}] Side {location.side!r} is not valid for {region.code}; "
                f"allowed: {', '.join(allowed_sides)}.",
            )


def _check_codes(errors: FieldErrors, name: str, values: Any, known: dict[str, int]) -> None:
    if isinstance(values, str) or not isinstance(values, Sequence):
        errors.add(name, "Must be a list of codes.")
        return
    unknown = {code for code in values if code not in known}
    if unknown:
        errors.add(name, _unknown_codes_message(name.rstrip("s"), map(str, unknown), known))


def _check_started_at(errors: FieldErrors, started_at: Any, now: datetime) -> None:
    if not isinstance(started_at, datetime) or timezone.is_naive(started_at):
        errors.add("started_at", "Must be a date and time with a UTC offset.")
    elif not _is_real_offset(started_at.utcoffset()):
        errors.add("started_at", "The UTC offset must be a real one, from -12:00 to +14:00.")
    elif started_at > now + FUTURE_TOLERANCE:
        errors.add("started_at", "Cannot be more than 5 minutes in the future.")
    elif started_at < EARLIEST_START:
        errors.add("started_at", "Cannot be before 1900.")


def _is_real_offset(offset: timedelta | None) -> bool:
    minutes = offset.total_seconds() / 60 if offset is not None else 0
    return MIN_UTC_OFFSET_MINUTES <= minutes <= MAX_UTC_OFFSET_MINUTES


def _check_duration(errors: FieldErrors, data: EpisodeInput) -> None:
    """A duration in range, or none while the episode is still going: one or the other."""
    if not isinstance(data.ongoing, bool):
        errors.add("ongoing", "Must be true or false.")
    elif data.ongoing and data.duration_seconds is not None:
        errors.add(
            "duration_seconds",
            "Must be null while the episode is still going (ongoing is true); "
            "once it has ended, send ongoing false with its duration.",
        )
    elif not data.ongoing and data.duration_seconds is None:
        errors.add("duration_seconds", "Say how long it lasted, or send ongoing true while it is still going.")
    elif not data.ongoing:
        check_range(errors, "duration_seconds", data.duration_seconds, 1, MAX_DURATION_SECONDS, whole=True)


def episode_errors(data: EpisodeInput, codes: ReferenceCodes, *, now: datetime) -> FieldErrors:
    """Every problem with `data`, by field. Pure: reads nothing but its arguments."""
    errors = FieldErrors()
    _check_started_at(errors, data.started_at, now)
    _check_duration(errors, data)
    check_range(errors, "intensity", data.intensity, 1, 10, whole=True)
    if data.pattern is not None and data.pattern not in TwitchPattern.values:
        errors.add("pattern", f"Unknown pattern {data.pattern!r}. Allowed: {', '.join(TwitchPattern.values)}.")
    _check_locations(errors, data.locations, codes)
    _check_codes(errors, "triggers", data.triggers, codes.triggers)
    _check_codes(errors, "symptoms", data.symptoms, codes.symptoms)
    check_notes(errors, data.notes, MAX_NOTES_LENGTH)
    if data.utc_offset_minutes is not None:
        check_range(
            errors,
            "utc_offset_minutes",
            data.utc_offset_minutes,
            MIN_UTC_OFFSET_MINUTES,
            MAX_UTC_OFFSET_MINUTES,
            whole=True,
        )
    if data.source not in EpisodeSource.values:
        errors.add("source", f"Unknown source {data.source!r}. Allowed: {', '.join(EpisodeSource.values)}.")
    return errors


def utc_offset_minutes_at(started_at: datetime, zone: ZoneInfo) -> int:
    """The offset to record for an episode: the one the client wrote with its time if it wrote
    a non-UTC one (the phone knows its own clock), else the user's zone at that instant."""
    offset = started_at.utcoffset()
    if not offset:
        offset = started_at.astimezone(zone).utcoffset()
    assert offset is not None  # astimezone() to a ZoneInfo always yields an offset
    return int(offset.total_seconds() // 60)


def dedupe(codes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(codes))
