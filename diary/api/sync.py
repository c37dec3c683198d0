"""GET /api/v1/sync/?since=<cursor> and POST /api/v1/sync/ (see diary.services.sync)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.common import JsonUuidField, request_user
from config.api.errors import flatten_fields
from diary.api.clinical_serializers import (
    FunctionCheckSerializer,
    InvestigationSerializer,
    TreatmentSerializer,
    function_check_data,
    function_check_input,
    investigation_data,
    treatment_data,
)
from diary.api.serializers import (
    BoundedListField,
    CheckInSerializer,
    EpisodeSerializer,
    checkin_data,
    episode_data,
    episode_input_from,
)
from diary.models import SyncedRecord
from diary.services import (
    CheckInChange,
    EpisodeChange,
    EpisodeChildren,
    FunctionCheckChange,
    ItemResult,
    RecordChange,
    sync_apply,
    sync_changes,
)
from diary.services.checkins import checkin_values

MAX_ITEMS = 1000
DEFAULT_PULL = 200
MAX_PULL = 1000


class PushItemMeta(serializers.Serializer[Any]):
    """What every pushed record carries besides its content."""

    version = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    deleted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class EpisodeKey(PushItemMeta):
    id = serializers.UUIDField()


class RecordKey(PushItemMeta):
    id = JsonUuidField()


class CheckInKey(PushItemMeta):
    date = serializers.DateField()


# The kinds a push carries, each under its key (DESIGN.md, "The mobile contract").
KINDS = ("episodes", "checkins", "treatments", "investigations", "function_checks")


class PushSerializer(serializers.Serializer[Any]):
    episodes = BoundedListField(child=serializers.DictField(), max_length=MAX_ITEMS, default=list)
    checkins = BoundedListField(child=serializers.DictField(), max_length=MAX_ITEMS, default=list)
    treatments = BoundedListField(child=serializers.DictField(), max_length=MAX_ITEMS, default=list)
    investigations = BoundedListField(child=serializers.DictField(), max_length=MAX_ITEMS, default=list)
    function_checks = BoundedListField(child=serializers.DictField(), max_length=MAX_ITEMS, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A typo such as `episode` would otherwise push nothing and answer 200.
        keys = set(self.initial_data) if isinstance(self.initial_data, dict) else set()
        unknown = keys - set(self.fields)
        if unknown or not keys:
            got = f" (got {', '.join(sorted(map(repr, unknown)))})" if unknown else ""
            named = ", ".join(f"`{kind}`" for kind in KINDS)
            message = f"Send an object with any of {named} and nothing else{got}."
            raise serializers.ValidationError(message)
        return attrs


Change = TypeVar("Change", EpisodeChange, CheckInChange, FunctionCheckChange, RecordChange)
Record = TypeVar("Record", bound=SyncedRecord)


@dataclass
class Parsed(Generic[Change]):
    """A pushed item as read: the change it asks for, or None with the errors that stop it."""

    key: object  # its id or date as read, or as sent when it could not be read
    change: Change | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


class PushParser:
    """Reads pushed items with one serializer of each kind, reused for every item: building a
    DRF serializer deep-copies its fields, which for a 1,000-item push cost more than all the
    database work together."""

    def __init__(self) -> None:
        self.episode_key, self.episode_content = EpisodeKey(), EpisodeSerializer()
        self.checkin_key, self.checkin_content = CheckInKey(), CheckInSerializer()
        self.record_key, self.check_content = RecordKey(), FunctionCheckSerializer()
        self.treatment_content, self.investigation_content = TreatmentSerializer(), InvestigationSerializer()

    @staticmethod
    def _read(serializer: serializers.Serializer[Any], item: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
        try:
            return serializer.run_validation(item), {}
        except serializers.ValidationError as error:
            return {}, flatten_fields(error.detail)

    def episode(self, item: dict[str, Any]) -> Parsed[EpisodeChange]:
        meta, errors = self._read(self.episode_key, item)
        if errors:
            return Parsed(item.get("id"), errors=errors)
        episode_id: UUID = meta["id"]
        if meta["deleted_at"] is not None:
            return Parsed(
                episode_id, EpisodeChange(id=episode_id, data=None, base_version=meta["version"], delete=True)
            )
        content, errors = self._read(self.episode_content, {**item, "id": str(episode_id)})
        data = episode_input_from(content) if not errors else None
        return Parsed(episode_id, EpisodeChange(id=episode_id, data=data, base_version=meta["version"], errors=errors))

    def checkin(self, item: dict[str, Any]) -> Parsed[CheckInChange]:
        meta, errors = self._read(self.checkin_key, item)
        if errors:
            return Parsed(item.get("date"), errors=errors)
        day: date = meta["date"]
        if meta["deleted_at"] is not None:
            return Parsed(day, CheckInChange(date=day, values={}, base_version=meta["version"], delete=True))
        content, errors = self._read(self.checkin_content, item)
        values = checkin_values(content)  # as read: the serializer gives each field a default
        return Parsed(day, CheckInChange(date=day, values=values, base_version=meta["version"], errors=errors))

    def function_check(self, item: dict[str, Any]) -> Parsed[FunctionCheckChange]:
        meta, errors = self._read(self.checkin_key, item)
        if errors:
            return Parsed(item.get("date"), errors=errors)
        day: date = meta["date"]
        if meta["deleted_at"] is not None:
            return Parsed(day, FunctionCheckChange(date=day, values={}, base_version=meta["version"], delete=True))
        content, errors = self._read(self.check_content, item)
        values = function_check_input(content)
        return Parsed(day, FunctionCheckChange(date=day, values=values, base_version=meta["version"], errors=errors))

    def treatment(self, item: dict[str, Any]) -> Parsed[RecordChange]:
        return self._record(self.treatment_content, item)

    def investigation(self, item: dict[str, Any]) -> Parsed[RecordChange]:
        return self._record(self.investigation_content, item)

    def _record(self, content_serializer: serializers.Serializer[Any], item: dict[str, Any]) -> Parsed[RecordChange]:
        meta, errors = self._read(self.record_key, item)
        if errors:
            return Parsed(item.get("id"), errors=errors)
        record_id: UUID = meta["id"]
        if meta["deleted_at"] is not None:
            return Parsed(record_id, RecordChange(id=record_id, values=None, base_version=meta["version"], delete=True))
        content, errors = self._read(content_serializer, {**item, "id": str(record_id)})
        content.pop("id", None)
        change = RecordChange(id=record_id, values=content, base_version=meta["version"], errors=errors)
        return Parsed(record_id, change)


# How a result's record is answered: the record, and its children when the push wrote it.
Render = Callable[[Record, EpisodeChildren | None], dict[str, Any]]


def _result(key_name: str, key: object, result: ItemResult[Record], render: Render[Record]) -> dict[str, Any]:
    return {
        key_name: str(key) if key is not None else None,
        "status": result.status,
        "errors": result.errors,
        "record": render(result.record, result.children) if result.record is not None else None,
    }


Fields = dict[str, serializers.Field[Any, Any, Any, Any]]
RESULT: Fields = {
    "status": serializers.ChoiceField(choices=["created", "updated", "unchanged", "conflict", "invalid"]),
    "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
}
# Each kind the sync carries, for the schema: its key, its key field, its wire form, its name
# in the schema and in words.
SCHEMA_KINDS: tuple[tuple[str, str, type[serializers.Serializer[Any]], str, str], ...] = (
    ("episodes", "id", EpisodeSerializer, "Episode", "Episodes"),
    ("checkins", "date", CheckInSerializer, "CheckIn", "Check-ins"),
    ("treatments", "id", TreatmentSerializer, "Treatment", "Treatments"),
    ("investigations", "id", InvestigationSerializer, "Investigation", "Investigations"),
    ("function_checks", "date", FunctionCheckSerializer, "FunctionCheck", "Function checks"),
)
assert tuple(kind for kind, *_ in SCHEMA_KINDS) == KINDS
PULL_RESPONSE = inline_serializer(
    "SyncPull",
    {
        "cursor": serializers.CharField(help_text="Pass as ?since= next time."),
        "has_more": serializers.BooleanField(),
        **{kind: serializer(many=True) for kind, _, serializer, _, _ in SCHEMA_KINDS},
    },
)
PUSH_RESPONSE = inline_serializer(
    "SyncPushResult",
    {
        "results": inline_serializer(
            "SyncPushResults",
            {
                kind: inline_serializer(
                    f"Sync{name}Result",
                    {key: serializers.CharField(allow_null=True), **RESULT, "record": serializer(allow_null=True)},
                    many=True,
                )
                for kind, key, serializer, name, _ in SCHEMA_KINDS
            },
        )
    },
)
PUSH_REQUEST = inline_serializer(
    "SyncPush",
    {
        kind: serializers.ListField(
            child=serializers.DictField(),
            required=False,
            max_length=MAX_ITEMS,
            help_text=f"{words}, each with its {key}, version and deleted_at.",
        )
        for kind, key, _, _, words in SCHEMA_KINDS
    },
)


class SyncView(APIView):
    @extend_schema(
        summary="Everything that changed since a cursor",
        parameters=[
            OpenApiParameter(
                "since",
                {"type": "string", "pattern": r"^\d{0,18}$"},
                description="The cursor of the last pull; omit for everything.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_PULL},
                description=f"Records per page (at most {MAX_PULL}).",
            ),
        ],
        responses={200: PULL_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        since = _int_param(request, "since", default=0, high=10**18 - 1, empty_is_absent=True)
        limit = _int_param(request, "limit", default=DEFAULT_PULL, low=1, high=MAX_PULL)
        changes = sync_changes(user=request_user(request), since=since, limit=limit)
        return Response(
            {
                "cursor": str(changes.cursor),
                "has_more": changes.has_more,
                "episodes": [episode_data(e) for e in changes.episodes],
                "checkins": [checkin_data(c) for c in changes.checkins],
                "treatments": [treatment_data(t) for t in changes.treatments],
                "investigations": [investigation_data(i) for i in changes.investigations],
                "function_checks": [function_check_data(f) for f in changes.function_checks],
            }
        )

    @extend_schema(summary="Push a batch of offline changes", request=PUSH_REQUEST, responses={200: PUSH_RESPONSE})
    def post(self, request: Request) -> Response:
        push = PushSerializer(data=request.data)
        push.is_valid(raise_exception=True)
        parser, data = PushParser(), push.validated_data
        episodes = [parser.episode(item) for item in data["episodes"]]
        checkins = [parser.checkin(item) for item in data["checkins"]]
        treatments = [parser.treatment(item) for item in data["treatments"]]
        investigations = [parser.investigation(item) for item in data["investigations"]]
        function_checks = [parser.function_check(item) for item in data["function_checks"]]
        results = sync_apply(
            user=request_user(request),
            episodes=_changes(episodes),
            checkins=_changes(checkins),
            treatments=_changes(treatments),
            investigations=_changes(investigations),
            function_checks=_changes(function_checks),
        )
        return Response(
            {
                "results": {
                    "episodes": _merge(episodes, results.episodes, "id", episode_data),
                    "checkins": _merge(checkins, results.checkins, "date", _plain(checkin_data)),
                    "treatments": _merge(treatments, results.treatments, "id", _plain(treatment_data)),
                    "investigations": _merge(investigations, results.investigations, "id", _plain(investigation_data)),
                    "function_checks": _merge(
                        function_checks, results.function_checks, "date", _plain(function_check_data)
                    ),
                }
            }
        )


def _changes(parsed: list[Parsed[Change]]) -> list[Change]:
    """The changes to apply: the items whose key could be read."""
    return [item.change for item in parsed if item.change is not None]


def _plain(data: Callable[[Record], dict[str, Any]]) -> Render[Record]:
    """A record without children answered as it is."""
    return lambda record, _children: data(record)


def _merge(
    parsed: list[Parsed[Change]], applied: list[ItemResult[Record]], key_name: str, render: Render[Record]
) -> list[dict[str, Any]]:
    """One result per pushed item, in the order pushed: an item whose key could not be read is
    `invalid` here; the others get what sync_apply decided."""
    results = iter(applied)
    merged = []
    for item in parsed:
        result: ItemResult[Record] = (
            next(results) if item.change is not None else ItemResult("invalid", errors=item.errors)
        )
        merged.append(_result(key_name, item.key, result, render))
    return merged


def _int_param(
    request: Request, name: str, *, default: int, low: int = 0, high: int, empty_is_absent: bool = False
) -> int:
    """A whole-number query parameter. Empty counts as absent only where the schema says so
    (`since`, a cursor a phone may not have yet); elsewhere it is a 400, like any bad value."""
    raw = request.query_params.get(name)
    if raw is None or (raw == "" and empty_is_absent):
        return default
    if raw == "":
        raise ValidationError({name: ["Must not be empty when given."]})
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValidationError({name: [f"Must be a whole number from {low} to {high}."]})
    return int(raw)
