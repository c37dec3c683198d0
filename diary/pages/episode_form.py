"""The logging form of an episode: what the page offers (reference choices, the body outline),
what was typed (kept as text, to show again on an error), and its translation to the service's
EpisodeInput. The form checks only what it must to build the input (a number is a number);
everything else (codes, ranges, a start in the future) is the service's, whose field errors
map back onto the form's fields. One set of rules for the API and the web."""

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.safestring import SafeString

from conditions.models import BodyRegion, RegionGroup, Symptom, Trigger
from conditions.reference import PerReferenceVersion
from diary.body_outline import BOTH, LEFT, MIDLINE, RIGHT, VIEWS, Shape, render_view, sides_drawn
from diary.formatting import location_text
from diary.models import MAX_DURATION_SECONDS, Episode, Side
from diary.selectors import RECENT_PLACES, RecentPlaces
from diary.services import EpisodeChildren, EpisodeInput, LocationInput

# Duration presets: value sent, label shown. "ongoing" saves the episode still going, with no
# duration until it ends (DESIGN.md, "Data": never a made-up one).
ONGOING = "ongoing"
DURATION_PRESETS = (("5", "A few seconds"), ("60", "About a minute"), ("300", "Several minutes"))
# A new form shows the first preset chosen: it is said in the words next to Save, so it is never
# saved unseen. Nothing else is chosen for the person (no pattern, no strength).
DEFAULT_DURATION = DURATION_PRESETS[0][0]
UNITS = {"seconds": 1, "minutes": 60, "hours": 3600}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

# The service's error keys, as the form's field names; anything else shows above the form.
FIELD_OF_ERROR = {
    "started_at": "started_at",
    "duration_seconds": "duration",
    "ongoing": "duration",
    "locations": "locations",
    "intensity": "intensity",
    "pattern": "pattern",
    "triggers": "triggers",
    "symptoms": "symptoms",
    "notes": "notes",
}
FORM_ERROR = "__all__"


@dataclass(frozen=True)
class RegionChoice:
    code: str
    name: str
    has_sides: bool

    def options(self) -> list[tuple[str, str]]:
        """(form value, label) of each checkbox of the region: one per side, or one midline."""
        if not self.has_sides:
            return [(f"{self.code}:{MIDLINE}", self.name)]
        lower = self.name[0].lower() + self.name[1:]
        return [(f"{self.code}:{LEFT}", f"Left {lower}"), (f"{self.code}:{RIGHT}", f"Right {lower}")]


@dataclass(frozen=True)
class SymptomChoice:
    code: str
    name: str
    red_flag: bool
    advice: str


@dataclass(frozen=True)
class Choices:
    """What the form offers, from the reference tables (kept per reference version)."""

    groups: list[tuple[str, list[RegionChoice]]]  # (group label, its regions)
    regions: dict[str, RegionChoice]
    triggers: list[tuple[str, str]]  # (code, name)
    symptoms: list[SymptomChoice]

    @classmethod
    def from_tables(cls) -> "Choices":
        rows = list(BodyRegion.objects.all())
        regions = [RegionChoice(r.code, r.name, r.has_sides) for r in rows]
        groups = [
            (str(label), [choice for choice, row in zip(regions, rows, strict=True) if row.group == value])
            for value, label in RegionGroup.choices
        ]
        return cls(
            groups=[(label, members) for label, members in groups if members],
            regions={r.code: r for r in regions},
            triggers=list(Trigger.objects.values_list("code", "name")),
            symptoms=[SymptomChoice(s.code, s.name, s.red_flag, s.advice) for s in Symptom.objects.all()],
        )

    @classmethod
    def load(cls) -> "Choices":
        """One query (the reference version) while the reference data stays the same."""
        return _CHOICES.get()

    def location_label(self, region: str, side: str) -> str:
        """ "Calf (left)", as the history and the reports say it."""
        choice = self.regions.get(region)
        return location_text(choice.name if choice else region, Side(side).label)

    def place_labels(self) -> dict[str, str]:
        """Every location checkbox's label ("Left calf") by its value ("calf:left")."""
        return {value: text for _, regions in self.groups for region in regions for value, text in region.options()}

    def red_flags(self, codes: Sequence[str]) -> list[SymptomChoice]:
        wanted = set(codes)
        return [s for s in self.symptoms if s.red_flag and s.code in wanted]


_CHOICES = PerReferenceVersion(Choices.from_tables)


@dataclass
class EpisodeForm:
    """The form's values as typed (text), and its errors by field name."""

    form_id: str = ""
    started_at: str = ""
    duration: str = ""
    duration_value: str = ""
    duration_unit: str = "seconds"
    locations: set[str] = field(default_factory=set)
    intensity: str = ""
    pattern: str = ""
    triggers: set[str] = field(default_factory=set)
    symptoms: set[str] = field(default_factory=set)
    notes: str = ""
    version: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def blank(cls, *, now: datetime, zone: ZoneInfo) -> "EpisodeForm":
        """A new form: starting now, in the user's zone, with its own id for safe retries."""
        return cls(form_id=str(uuid.uuid4()), started_at=local_input(now, zone), duration=DEFAULT_DURATION)

    @classmethod
    def of_episode(cls, episode: Episode, children: EpisodeChildren, zone: ZoneInfo) -> "EpisodeForm":
        value, unit = exact_duration(episode.duration_seconds) if episode.duration_seconds else ("", "seconds")
        return cls(
            started_at=local_input(episode.started_at, zone),
            duration=ONGOING if episode.ongoing else "",
            duration_value=value,
            duration_unit=unit,
            locations={key for region, side in children.locations for key in location_keys(region, side)},
            intensity=str(episode.intensity),
            pattern=episode.pattern or "",
            triggers=set(children.triggers),
            symptoms=set(children.symptoms),
            notes=episode.notes,
            version=str(episode.version),
        )

    @classmethod
    def from_post(cls, data: QueryDict) -> "EpisodeForm":
        return cls(
            form_id=data.get("form_id", ""),
            started_at=data.get("started_at", "").strip(),
            duration=data.get("duration", ""),
            duration_value=data.get("duration_value", "").strip(),
            duration_unit=data.get("duration_unit", "seconds"),
            locations=set(data.getlist("locations")),
            intensity=data.get("intensity", ""),
            pattern=data.get("pattern", ""),
            triggers=set(data.getlist("triggers")),
            symptoms=set(data.getlist("symptoms")),
            notes=data.get("notes", ""),
            version=data.get("version", ""),
        )

    @property
    def ongoing(self) -> bool:
        return self.duration == ONGOING and not self.duration_value

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def add_service_errors(self, error: ValidationError) -> None:
        for key, messages in error.message_dict.items():
            for message in messages:
                self.add_error(FIELD_OF_ERROR.get(key, FORM_ERROR), message)

    def to_input(self, *, zone: ZoneInfo, now: datetime) -> EpisodeInput | None:
        """The episode this form describes, or None with errors on the fields that cannot even
        be read (the service judges the rest)."""
        started_at = self._started_at(zone, now)
        duration = None if self.ongoing else self._duration_seconds()
        intensity = self._whole("intensity", self.intensity, "Choose how strong it was, from 1 to 10.")
        locations = self._locations()
        if not self.locations:  # the service says so too, but only once the rest can be read
            self.add_error("locations", "At least one location is required.")
        if self.errors or started_at is None or (duration is None and not self.ongoing) or intensity is None:
            return None
        return EpisodeInput(
            started_at=started_at,
            duration_seconds=duration,
            ongoing=self.ongoing,
            locations=locations,
            intensity=intensity,
            pattern=self.pattern or None,  # none chosen: not recorded
            triggers=sorted(self.triggers),
            symptoms=sorted(self.symptoms),
            notes=self.notes,
            id=self._id(),
        )

    def _started_at(self, zone: ZoneInfo, now: datetime) -> datetime | None:
        try:
            naive = datetime.fromisoformat(self.started_at)
        except ValueError:
            self.add_error("started_at", "Enter the date and time it started, such as 2026-11-20 14:30.")
            return None
        if naive.tzinfo is not None:  # a forged value with an offset: the form speaks local time
            self.add_error("started_at", "Enter a local date and time, without a time zone.")
            return None
        return repeated_hour_read(naive, zone, now)

    def _duration_seconds(self) -> int | None:
        """The exact value wins when given; else the preset ("still going" has no duration)."""
        if self.duration_value:
            try:
                amount = float(self.duration_value)
            except ValueError:
                self.add_error("duration", "Enter how long it lasted as a number, such as 30.")
                return None
            if not math.isfinite(amount):  # float() reads "nan" and "inf", and "1e309" as infinity
                self.add_error("duration", "Enter how long it lasted as a number, such as 30.")
                return None
            if self.duration_unit not in UNITS:
                self.add_error("duration", "Choose seconds, minutes or hours.")
                return None
            # Bounded so that a huge number stays a small int; one past the limit is still
            # refused by the service (never shortened to the limit and saved).
            seconds = min(max(amount * UNITS[self.duration_unit], 0), MAX_DURATION_SECONDS + 1)
            return round(seconds)
        if self.duration in dict(DURATION_PRESETS):
            return int(self.duration)
        self.add_error("duration", "Choose how long it lasted, or enter an exact value.")
        return None

    def _whole(self, name: str, text: str, message: str) -> int | None:
        try:
            return int(text)
        except ValueError:
            self.add_error(name, message)
            return None

    def _locations(self) -> list[LocationInput]:
        """The checked boxes as locations: left and right of one region are one, on both sides."""
        sides: dict[str, set[str]] = {}
        for key in sorted(self.locations):
            region, _, side = key.partition(":")
            if not region or side not in (LEFT, RIGHT, MIDLINE):
                self.add_error("locations", f"{key!r} is not a region and a side.")
                continue
            sides.setdefault(region, set()).add(side)
        return [LocationInput(region, BOTH if {LEFT, RIGHT} <= got else got.pop()) for region, got in sides.items()]

    def _id(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(self.form_id)
        except ValueError:
            return None


def repeated_hour_read(naive: datetime, zone: ZoneInfo, now: datetime) -> datetime:
    """A local time in `zone`. When the clocks go back it names two instants: the later one if
    it is past already (the form's own "now" in the second 02:30 is that one, and a diary logs
    what just happened), else the earlier. A time the clocks skipped reads as zoneinfo does."""
    first, second = naive.replace(tzinfo=zone), naive.replace(tzinfo=zone, fold=1)
    later = second.astimezone(UTC)  # compared in UTC: with one tzinfo, Python ignores fold
    if later > first.astimezone(UTC) and later <= now:
        return second
    return first


def local_input(instant: datetime, zone: ZoneInfo) -> str:
    """An instant as a datetime-local input's value in `zone`, to the minute or the second."""
    local = instant.astimezone(zone)
    return local.strftime(LOCAL_FORMAT + (":%S" if local.second else ""))


def exact_duration(seconds: int) -> tuple[str, str]:
    """A stored duration as the form's exact value: in the largest unit that holds it whole."""
    for unit in ("hours", "minutes"):
        if seconds % UNITS[unit] == 0:
            return str(seconds // UNITS[unit]), unit
    return str(seconds), "seconds"


def location_keys(region: str, side: str) -> list[str]:
    """The checkboxes of a stored location: both sides check both boxes."""
    return [f"{region}:{s}" for s in sides_drawn(region, side)]


def outline_svgs(checked: set[str], choices: Choices | None = None) -> list[tuple[str, SafeString]]:
    """The three views, each shape tied to its checkbox by `data-location`, drawn "on" when
    checked (so the picture is right before any script runs, and without one). With the
    choices, each shape is named as its checkbox is (`data-name`, "Left calf"); the quick log's
    shell reads no table, and its script names the shapes as it makes the boxes."""
    names = {value: text for region in choices.regions.values() for value, text in region.options()} if choices else {}

    def attributes(shape: Shape) -> Mapping[str, object]:
        named = {"data-name": names[shape.key]} if shape.key in names else {}
        return {"class": "region on" if shape.key in checked else "region", "data-location": shape.key, **named}

    return [(view.title, render_view(view, shape_attributes=attributes)) for view in VIEWS]


def duration_words(form: EpisodeForm) -> str:
    """How long, as the words next to Save say it: "about a minute", "90 seconds"."""
    if form.duration_value:
        return f"{form.duration_value} {form.duration_unit}"
    if form.duration == ONGOING:
        return "still going"
    return dict(DURATION_PRESETS).get(form.duration, "how long?").lower()


def episode_words(form: EpisodeForm, choices: Choices, when: str) -> str:
    """The entry in words: "Left calf · about a minute · strength 4 · now" (diary/js/log-form.js
    says it the same way as the person picks)."""
    labels = choices.place_labels()
    places = ", ".join(labels.get(key, key) for key in sorted(form.locations)) or "where?"
    strength = f"strength {form.intensity}" if form.intensity else "how strong?"
    return " · ".join((places, duration_words(form), strength, when))


@dataclass(frozen=True)
class SameAsLast:
    """The latest episode's places, duration and strength, as "Same as last time" sets them."""

    locations: list[str]  # checkbox values
    duration: str  # a preset, "ongoing", or seconds
    intensity: int


@dataclass(frozen=True)
class Places:
    """The form's places: the recent ones on top (one tap each), the rest grouped below."""

    recent: list[tuple[str, str]]  # (value, label)
    groups: list[tuple[str, list[tuple[str, str]]]]  # (group label, its (value, label) not in recent)
    last: SameAsLast | None


def places_of(choices: Choices, recent: RecentPlaces | None) -> Places:
    """Each checkbox once: a recent place shows on top instead of in its group."""
    labels = choices.place_labels()
    keys = [key for region, side in (recent.locations if recent else []) for key in location_keys(region, side)]
    shown = [key for key in dict.fromkeys(keys) if key in labels][:RECENT_PLACES]
    groups = [
        (label, [option for region in regions for option in region.options() if option[0] not in shown])
        for label, regions in choices.groups
    ]
    last = recent.last if recent else None
    same = None
    if last is not None:
        duration = ONGOING if last.ongoing else str(last.duration_seconds or "")
        locations = [key for region, side in last.locations for key in location_keys(region, side)]
        same = SameAsLast(locations, duration, last.intensity)
    return Places([(key, labels[key]) for key in shown], [(label, opts) for label, opts in groups if opts], same)
