"""How episodes and check-ins look on the wire (field names fixed by the mobile contract)."""

from datetime import datetime, timedelta
from typing import Any

from rest_framework import serializers

from conditions.models import TwitchPattern
from config.api.common import JsonBooleanField
from diary.models import (
    CHECKIN_BOUNDS,
    MAX_DURATION_SECONDS,
    MAX_NOTES_LENGTH,
    CheckIn,
    Episode,
    EpisodeSource,
    Side,
)
from diary.services import CheckInInput, EpisodeChildren, EpisodeInput, LocationInput
from diary.services.checkins import checkin_values

MAX_TAGS = 30
MAX_LOCATIONS = 20
# ISO 8601 (and PostgreSQL) stop at +-18:00; Python would take up to 23:59.
MAX_ISO_OFFSET = timedelta(hours=18)


class BoundedListField(serializers.ListField):
    """A list whose length is checked before its items: DRF's ListField validates every item
    first, so 100,000 items cost seconds and an error per item before "at most 1,000"."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        result: list[Any] = super().to_internal_value(data)
        return result


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its UTC offset, which is kept (not converted):
    the offset the phone's clock had is part of what the user logged."""

    def enforce_timezone(self, value: datetime) -> datetime:
        offset = value.utcoffset() if value.tzinfo is not None else None
        if offset is None:
            self.fail("naive")
        elif abs(offset) > MAX_ISO_OFFSET:
            self.fail("offset")
        return value

    default_error_messages = {
        "naive": "Include the UTC offset, e.g. 2026-11-20T21:30:00+13:00.",
        "offset": "The UTC offset must be within -18:00 and +18:00.",
    }


class LocationSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(max_length=40, help_text="A region code from /api/v1/reference/.")
    side = serializers.ChoiceField(choices=Side.choices)


class EpisodeSerializer(serializers.Serializer[Episode]):
    """Write fields are those a client may set; the server owns the rest (read-only)."""

    id = serializers.UUIDField(required=False, help_text="Client-generated id; replays with the same id are safe.")
    started_at = OffsetDateTimeField(help_text="When it started, with the phone's UTC offset.")
    duration_seconds = serializers.IntegerField(
        min_value=1,
        max_value=MAX_DURATION_SECONDS,
        allow_null=True,
        required=False,
        help_text="How long it lasted; null (or left out) while it is still going (`ongoing`).",
    )
    ongoing = JsonBooleanField(
        required=False,
        help_text="Still going: no duration until it ends. Send `false` alone to end it now (its duration then "
        "runs from started_at until now), or `false` with the duration it lasted.",
    )
    locations = BoundedListField(child=LocationSerializer(), min_length=1, max_length=MAX_LOCATIONS)
    intensity = serializers.IntegerField(min_value=1, max_value=10)
    pattern = serializers.ChoiceField(
        choices=TwitchPattern.choices,
        allow_null=True,
        required=False,
        help_text="What it was like; null (or left out) when the person did not say: it is then not recorded.",
    )
    triggers = BoundedListField(
        child=serializers.CharField(max_length=40), max_length=MAX_TAGS, default=list, help_text="Trigger codes."
    )
    symptoms = BoundedListField(
        child=serializers.CharField(max_length=40), max_length=MAX_TAGS, default=list, help_text="Symptom codes."
    )
    notes = serializers.CharField(max_length=MAX_NOTES_LENGTH, allow_blank=True, default="", trim_whitespace=False)
    # DRF pops declared fields off the class, so this does not clash with Field.source at run time.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=EpisodeSource.choices, default=EpisodeSource.MOBILE
    )
    utc_offset_minutes = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    deleted_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, instance: Episode) -> dict[str, Any]:
        return episode_data(instance)

    def to_input(self) -> EpisodeInput:
        return episode_input_from(self.validated_data)

    def changes(self) -> dict[str, Any]:
        """The validated fields of a partial update, in the form episode_update() takes."""
        changes = dict(self.validated_data)
        changes.pop("id", None)
        changes.pop("source", None)
        if "locations" in changes:
            changes["locations"] = [LocationInput(loc["region"], loc["side"]) for loc in changes["locations"]]
        return changes


def episode_input_from(data: dict[str, Any]) -> EpisodeInput:
    """EpisodeSerializer's validated data as the services take it."""
    return EpisodeInput(
        id=data.get("id"),
        started_at=data["started_at"],
        duration_seconds=data.get("duration_seconds"),
        ongoing=data.get("ongoing", False),
        locations=[LocationInput(loc["region"], loc["side"]) for loc in data["locations"]],
        intensity=data["intensity"],
        pattern=data.get("pattern"),
        triggers=data["triggers"],
        symptoms=data["symptoms"],
        notes=data["notes"],
        source=data["source"],
    )


def episode_data(episode: Episode, children: EpisodeChildren | None = None) -> dict[str, Any]:
    """An episode as the phone sees it. Expects locations (with regions), triggers and
    symptoms prefetched (a page of them costs the same few queries), or given as `children`
    by the service that has just written them."""
    if children is None:
        children = EpisodeChildren(
            locations=[(loc.region.code, loc.side) for loc in episode.locations.all()],
            triggers=sorted(t.code for t in episode.triggers.all()),
            symptoms=sorted(s.code for s in episode.symptoms.all()),
        )
    return {
        "id": str(episode.id),
        "started_at": episode.local_started_at.isoformat(),
        "utc_offset_minutes": episode.utc_offset_minutes,
        "duration_seconds": episode.duration_seconds,
        "ongoing": episode.ongoing,
        "locations": [{"region": region, "side": side} for region, side in children.locations],
        "intensity": episode.intensity,
        "pattern": episode.pattern,
        "triggers": children.triggers,
        "symptoms": children.symptoms,
        "notes": episode.notes,
        "source": episode.source,
        "version": episode.version,
        "created_at": iso_instant(episode.created_at),
        "updated_at": iso_instant(episode.updated_at),
        "deleted_at": iso_instant(episode.deleted_at),
    }


def iso_instant(value: datetime | None) -> str | None:
    """An instant as every API answer writes it: ISO 8601 with its UTC offset, or None."""
    return None if value is None else serializers.DateTimeField().to_representation(value)


class CheckInSerializer(serializers.Serializer[CheckIn]):
    date = serializers.DateField(read_only=True, help_text="The user's local date (in the address).")
    caffeine_cups = serializers.IntegerField(
        min_value=0, max_value=int(CHECKIN_BOUNDS["caffeine_cups"][1]), allow_null=True, default=None
    )
    sleep_hours = serializers.FloatField(
        min_value=0, max_value=CHECKIN_BOUNDS["sleep_hours"][1], allow_null=True, default=None
    )
    stress = serializers.IntegerField(min_value=0, max_value=10, allow_null=True, default=None, help_text="0 to 10.")
    exercise_minutes = serializers.IntegerField(
        min_value=0, max_value=int(CHECKIN_BOUNDS["exercise_minutes"][1]), allow_null=True, default=None
    )
    alcohol_units = serializers.FloatField(
        min_value=0, max_value=CHECKIN_BOUNDS["alcohol_units"][1], allow_null=True, default=None
    )
    twitching_today = serializers.BooleanField(allow_null=True, default=None)
    notes = serializers.CharField(max_length=MAX_NOTES_LENGTH, allow_blank=True, default="", trim_whitespace=False)
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    deleted_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_input(self) -> CheckInInput:
        return checkin_values(self.validated_data)


def checkin_data(checkin: CheckIn) -> dict[str, Any]:
    """A check-in as the phone sees it: its fields, with the date it is the check-in of."""
    data: dict[str, Any] = CheckInSerializer(checkin).data
    data["date"] = checkin.date.isoformat()
    return data
