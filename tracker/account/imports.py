"""Reading the documented JSON export format (docs/reports.md, "The export format") back, any
version up to the one tracker.account.export writes: what an import restores, with errors that
name where in the file the problem is."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError

from diary.plain import FUNCTION_SIGNS
from diary.services import (
    EpisodeInput,
    Kept,
    LocationInput,
    RestoredCheckIn,
    RestoredEpisode,
    RestoredFunctionCheck,
    RestoredRecord,
)
from diary.services.checkins import checkin_values
from diary.services.clinical import INVESTIGATIONS, TREATMENTS, RecordKind, values_of
from diary.services.records import FieldErrors
from tracker.account.export import FORMAT, VERSION

# A file with more errors than this is refused with the first ones only.
MAX_ERRORS = 100
# A treatment's and an investigation's fields that are dates (YYYY-MM-DD, or null) in the file.
DATE_FIELDS = frozenset({"started_on", "stopped_on", "done_on"})
# A function check's sign on the wire (diary.api.clinical_serializers) and as stored.
ANSWERS: dict[str | None, bool | None] = {"yes": True, "no": False, None: None}


@dataclass(frozen=True)
class ClinicalIn:
    """The clinical profile of a file (version 3 on): blank in an earlier one."""

    display_name: str = ""
    date_of_birth: date | None = None
    twitching_since: date | None = None
    family_history: str = ""


@dataclass(frozen=True)
class ExportFile:
    """What an import takes from a file: the profile (its zone, its clinical fields) and the
    diary's records."""

    version: int
    username: str
    time_zone: str
    clinical: ClinicalIn
    episodes: list[RestoredEpisode]
    checkins: list[RestoredCheckIn]
    treatments: list[RestoredRecord]
    investigations: list[RestoredRecord]
    function_checks: list[RestoredFunctionCheck]
    skipped: list[str]  # what an import does not restore, e.g. "2 shares"


def export_read(raw: bytes | str) -> ExportFile:
    """Read a file of this format, any version up to VERSION. Raises ValidationError whose keys
    name where the problem is (`file`, `version`, `episodes[12].started_at`...), with the reason."""
    document, version = _document(raw)
    errors = FieldErrors()
    profile = document.get("profile")
    if not isinstance(profile, dict):
        errors.add("profile", "Must be an object with username and time_zone.")
        profile = {}
    time_zone = profile.get("time_zone")
    if not isinstance(time_zone, str):
        errors.add("profile.time_zone", "Must be an IANA time zone name.")
    clinical = _clinical(_Row(errors, "profile", profile)) if profile else ClinicalIn()
    episodes = [_episode(errors, f"episodes[{i}]", row) for i, row in enumerate(_rows(errors, document, "episodes"))]
    checkins = [_checkin(errors, f"checkins[{i}]", row) for i, row in enumerate(_rows(errors, document, "checkins"))]
    # Version 4 on; an earlier file has none of these (and `_rows` reads an absent list as empty).
    treatments = _read_rows(errors, document, "treatments", lambda e, at, row: _record(e, at, row, TREATMENTS))
    investigations = _read_rows(
        errors, document, "investigations", lambda e, at, row: _record(e, at, row, INVESTIGATIONS)
    )
    checks = _read_rows(errors, document, "function_checks", _function_check)
    skipped = {name: _rows(errors, document, name) for name in ("shares", "reports")}
    _raise_first(errors)
    return ExportFile(
        version=version,
        username=str(profile.get("username", "")),
        time_zone=str(time_zone),
        clinical=clinical,
        episodes=[episode for episode in episodes if episode is not None],
        checkins=[checkin for checkin in checkins if checkin is not None],
        treatments=treatments,
        investigations=investigations,
        function_checks=checks,
        skipped=[f"{len(rows)} {name}" for name, rows in skipped.items() if rows],
    )


Read = TypeVar("Read")


def _read_rows(
    errors: FieldErrors, document: dict[str, Any], name: str, read: Callable[[FieldErrors, str, Any], Read | None]
) -> list[Read]:
    """The rows of the list `name` that `read` could read (it adds the others' problems)."""
    rows = (read(errors, f"{name}[{i}]", row) for i, row in enumerate(_rows(errors, document, name)))
    return [row for row in rows if row is not None]


def _document(raw: bytes | str) -> tuple[dict[str, Any], int]:
    """The file's JSON object and its format version, or a ValidationError saying why not."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError({"file": [f"Not valid JSON ({error})."]}) from None
    except RecursionError:  # nested deeper than the parser goes: no export of ours is
        raise ValidationError({"file": ["Nested too deeply to be an export."]}) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError({"format": [f'Not a Twitch diary export (its "format" must be "{FORMAT}").']})
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValidationError({"version": ["Must be a whole number from 1."]})
    if version > VERSION:
        raise ValidationError(
            {"version": [f"The file is format version {version}; this server reads versions up to {VERSION}."]}
        )
    return document, version


def _raise_first(errors: FieldErrors) -> None:
    if len(errors.errors) > MAX_ERRORS:
        first = dict(list(errors.errors.items())[:MAX_ERRORS])
        first["file"] = [f"{len(errors.errors)} problems; the first {MAX_ERRORS} are shown."]
        raise ValidationError(first)
    errors.raise_if_any()


def _rows(errors: FieldErrors, document: dict[str, Any], name: str) -> list[Any]:
    rows = document.get(name, [])
    if not isinstance(rows, list):
        errors.add(name, "Must be a list.")
        return []
    return rows


class _Row:
    """One record of the file, read field by field; each problem is added as `row.field`."""

    def __init__(self, errors: FieldErrors, row: str, data: Any) -> None:
        self.errors, self.row = errors, row
        self.data = data if isinstance(data, dict) else {}
        self.ok = isinstance(data, dict)
        if not self.ok:
            errors.add(row, "Must be an object.")

    def fail(self, name: str, message: str) -> None:
        self.errors.add(f"{self.row}.{name}", message)
        self.ok = False

    def value(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def text(self, name: str, default: str | None = None) -> str:
        value = self.data.get(name, default)
        if not isinstance(value, str):
            self.fail(name, "Must be text.")
            return ""
        return value

    def uuid(self, name: str) -> uuid.UUID:
        try:
            return uuid.UUID(self.text(name))
        except ValueError:
            self.fail(name, "Must be a UUID.")
            return uuid.UUID(int=0)

    def instant(self, name: str, *, optional: bool = False) -> datetime | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.utcoffset() is None:
            self.fail(name, "Must be an ISO 8601 date and time with a UTC offset.")
            return None
        try:
            parsed.astimezone(UTC)  # what the database stores: 0001-01-01T00:00+05:00 has no UTC instant
        except OverflowError:
            self.fail(name, "Out of range in UTC.")
            return None
        return parsed

    def day(self, name: str) -> date | None:
        value = self.data.get(name)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(name, "Must be a date (YYYY-MM-DD).")
        return None

    def codes(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            self.fail(name, "Must be a list of codes.")
            return []
        return value

    def kept(self) -> Kept | None:
        created, updated = self.instant("created_at"), self.instant("updated_at")
        deleted = self.instant("deleted_at", optional=True)
        if created is None or updated is None:
            return None
        return Kept(version=self.value("version"), created_at=created, updated_at=updated, deleted_at=deleted)


def _episode(errors: FieldErrors, row: str, data: Any) -> RestoredEpisode | None:
    read = _Row(errors, row, data)
    if not read.ok:
        return None
    locations = read.value("locations")
    if not isinstance(locations, list) or not all(
        isinstance(loc, dict) and isinstance(loc.get("region"), str) and isinstance(loc.get("side"), str)
        for loc in locations
    ):
        read.fail("locations", "Must be a list of {region, side}.")
        locations = []
    episode_id, started_at, kept = read.uuid("id"), read.instant("started_at"), read.kept()
    data_in = EpisodeInput(
        id=episode_id,
        started_at=started_at,  # type: ignore[arg-type]  # None only when the row is refused
        utc_offset_minutes=read.value("utc_offset_minutes"),
        duration_seconds=read.value("duration_seconds"),
        ongoing=read.value("ongoing", False),
        locations=[LocationInput(loc["region"], loc["side"]) for loc in locations],
        intensity=read.value("intensity"),
        pattern=None if read.value("pattern") is None else read.text("pattern"),  # null: not recorded
        triggers=read.codes("triggers"),
        symptoms=read.codes("symptoms"),
        notes=read.text("notes", ""),
        source=read.text("source"),
    )
    if not read.ok or kept is None:
        return None
    return RestoredEpisode(data=data_in, kept=kept)


def _checkin(errors: FieldErrors, row: str, data: Any) -> RestoredCheckIn | None:
    read = _Row(errors, row, data)
    if not read.ok:
        return None
    checkin_id, day, kept = read.uuid("id"), read.day("date"), read.kept()
    values = checkin_values(read.data)
    if not read.ok or day is None or kept is None:
        return None
    return RestoredCheckIn(id=checkin_id, date=day, values=values, kept=kept)


def _record(errors: FieldErrors, row: str, data: Any, kind: RecordKind[Any]) -> RestoredRecord | None:
    """A treatment or an investigation: its dates read here, every other field as the file has
    it, for the kind's own checks (record_errors, at the restore) to judge."""
    read = _Row(errors, row, data)
    if not read.ok:
        return None
    record_id, kept = read.uuid("id"), read.kept()
    values = values_of(kind, read.data)
    for name in DATE_FIELDS.intersection(values):
        values[name] = None if values[name] is None else read.day(name)
    if not read.ok or kept is None:
        return None
    return RestoredRecord(id=record_id, values=values, kept=kept)


def _function_check(errors: FieldErrors, row: str, data: Any) -> RestoredFunctionCheck | None:
    """A check with its signs as the wire writes them ("yes", "no" or null), stored as True,
    False or None; anything else (true, "maybe") is refused here."""
    read = _Row(errors, row, data)
    if not read.ok:
        return None
    check_id, day, kept = read.uuid("id"), read.day("date"), read.kept()
    values: dict[str, Any] = {}
    for sign in FUNCTION_SIGNS:
        answer = read.value(sign)
        if isinstance(answer, str | None) and answer in ANSWERS:
            values[sign] = ANSWERS[answer]
        else:
            read.fail(sign, 'Must be "yes", "no" or null.')
    values["weakness_where"] = read.value("weakness_where", [])
    values["notes"] = read.value("notes", "")
    if not read.ok or day is None or kept is None:
        return None
    return RestoredFunctionCheck(id=check_id, date=day, values=values, kept=kept)


def _clinical(row: _Row) -> ClinicalIn:
    """The profile's clinical fields, each absent one blank; the service checks their bounds."""

    def day(name: str) -> date | None:
        return None if row.value(name) is None else row.day(name)

    return ClinicalIn(
        display_name=row.text("display_name", ""),
        date_of_birth=day("date_of_birth"),
        twitching_since=day("twitching_since"),
        family_history=row.text("family_history", ""),
    )
