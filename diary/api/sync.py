"""GET /api/v1/sync/?since=<cursor> and POST /api/v1/sync/ (see diary.services.sync)."""

from datetime import date
from typing import Any
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diary.api.checkins import checkin_data
from diary.api.episodes import _user
from diary.api.errors import flatten_fields
from diary.api.serializers import CheckInSerializer, EpisodeSerializer, episode_data
from diary.services import CheckInChange, EpisodeChange, ItemResult, sync_apply, sync_changes

MAX_ITEMS = 1000
DEFAULT_PULL = 200
MAX_PULL = 1000


class PushItemMeta(serializers.Serializer[Any]):
    """What every pushed record carries besides its content."""

    version = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    deleted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class EpisodeKey(PushItemMeta):
    id = serializers.UUIDField()


class CheckInKey(PushItemMeta):
    date = serializers.DateField()


class PushSerializer(serializers.Serializer[Any]):
    episodes = serializers.ListField(child=serializers.DictField(), max_length=MAX_ITEMS, default=list)
    checkins = serializers.ListField(child=serializers.DictField(), max_length=MAX_ITEMS, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(self.initial_data, dict) or not {"episodes", "checkins"} & set(self.initial_data):
            raise serializers.ValidationError("Send an object with `episodes` and/or `checkins`.")
        return attrs


def _episode_change(item: dict[str, Any]) -> tuple[EpisodeChange | None, Any]:
    """The change an item asks for, or None with the item's key if its id is unusable."""
    key = EpisodeKey(data=item)
    if not key.is_valid():
        return None, item.get("id")
    episode_id: UUID = key.validated_data["id"]
    meta = key.validated_data
    if meta["deleted_at"] is not None:
        return EpisodeChange(id=episode_id, data=None, base_version=meta["version"], delete=True), episode_id
    content = EpisodeSerializer(data={**item, "id": str(episode_id)})
    if not content.is_valid():
        errors = flatten_fields(content.errors)
        return EpisodeChange(id=episode_id, data=None, base_version=meta["version"], errors=errors), episode_id
    return EpisodeChange(id=episode_id, data=content.to_input(), base_version=meta["version"]), episode_id


def _checkin_change(item: dict[str, Any]) -> tuple[CheckInChange | None, Any]:
    key = CheckInKey(data=item)
    if not key.is_valid():
        return None, item.get("date")
    day: date = key.validated_data["date"]
    meta = key.validated_data
    if meta["deleted_at"] is not None:
        return CheckInChange(date=day, values={}, base_version=meta["version"], delete=True), day
    content = CheckInSerializer(data=item)
    if not content.is_valid():
        errors = flatten_fields(content.errors)
        return CheckInChange(date=day, values={}, base_version=meta["version"], errors=errors), day
    return CheckInChange(date=day, values=dict(content.validated_data), base_version=meta["version"]), day


def _key_errors(serializer_class: type[serializers.Serializer[Any]], item: Any) -> dict[str, list[str]]:
    if not isinstance(item, dict):
        return {"non_field_errors": ["Each item must be an object."]}
    key = serializer_class(data=item)
    key.is_valid()
    return flatten_fields(key.errors)


def _result(key_name: str, key: Any, result: ItemResult, render: Any) -> dict[str, Any]:
    return {
        key_name: str(key) if key is not None else None,
        "status": result.status,
        "errors": result.errors,
        "record": render(result.record) if result.record is not None else None,
    }


Fields = dict[str, serializers.Field[Any, Any, Any, Any]]
RESULT: Fields = {
    "status": serializers.ChoiceField(choices=["created", "updated", "unchanged", "conflict", "invalid"]),
    "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
}
PULL_RESPONSE = inline_serializer(
    "SyncPull",
    {
        "cursor": serializers.CharField(help_text="Pass as ?since= next time."),
        "has_more": serializers.BooleanField(),
        "episodes": EpisodeSerializer(many=True),
        "checkins": CheckInSerializer(many=True),
    },
)
PUSH_RESPONSE = inline_serializer(
    "SyncPushResult",
    {
        "results": inline_serializer(
            "SyncPushResults",
            {
                "episodes": inline_serializer(
                    "SyncEpisodeResult",
                    {
                        "id": serializers.CharField(allow_null=True),
                        **RESULT,
                        "record": EpisodeSerializer(allow_null=True),
                    },
                    many=True,
                ),
                "checkins": inline_serializer(
                    "SyncCheckInResult",
                    {
                        "date": serializers.CharField(allow_null=True),
                        **RESULT,
                        "record": CheckInSerializer(allow_null=True),
                    },
                    many=True,
                ),
            },
        )
    },
)
PUSH_REQUEST = inline_serializer(
    "SyncPush",
    {
        "episodes": serializers.ListField(
            child=serializers.DictField(),
            required=False,
            max_length=MAX_ITEMS,
            help_text="Episodes, each with its id, version and deleted_at.",
        ),
        "checkins": serializers.ListField(
            child=serializers.DictField(),
            required=False,
            max_length=MAX_ITEMS,
            help_text="Check-ins, each with its date, version and deleted_at.",
        ),
    },
)


class SyncView(APIView):
    @extend_schema(
        summary="Everything that changed since a cursor",
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.STR, description="The cursor of the last pull; omit for everything."
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"Records per page (at most {MAX_PULL})."),
        ],
        responses={200: PULL_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        since = _int_param(request, "since", default=0, high=10**18 - 1)
        limit = _int_param(request, "limit", default=DEFAULT_PULL, low=1, high=MAX_PULL)
        changes = sync_changes(user=_user(request), since=since, limit=limit)
        return Response(
            {
                "cursor": str(changes.cursor),
                "has_more": changes.has_more,
                "episodes": [episode_data(e) for e in changes.episodes],
                "checkins": [checkin_data(c) for c in changes.checkins],
            }
        )

    @extend_schema(summary="Push a batch of offline changes", request=PUSH_REQUEST, responses={200: PUSH_RESPONSE})
    def post(self, request: Request) -> Response:
        push = PushSerializer(data=request.data)
        push.is_valid(raise_exception=True)
        episode_items = [_episode_change(item) for item in push.validated_data["episodes"]]
        checkin_items = [_checkin_change(item) for item in push.validated_data["checkins"]]
        results = sync_apply(
            user=_user(request),
            episodes=[change for change, _ in episode_items if change is not None],
            checkins=[change for change, _ in checkin_items if change is not None],
        )
        return Response(
            {
                "results": {
                    "episodes": _merge(
                        episode_items, results.episodes, "id", EpisodeKey, episode_data, push, "episodes"
                    ),
                    "checkins": _merge(
                        checkin_items, results.checkins, "date", CheckInKey, checkin_data, push, "checkins"
                    ),
                }
            }
        )


def _merge(
    items: list[tuple[Any, Any]],
    applied: list[ItemResult],
    key_name: str,
    key_serializer: type[serializers.Serializer[Any]],
    render: Any,
    push: PushSerializer,
    kind: str,
) -> list[dict[str, Any]]:
    """One result per pushed item, in the order pushed: items whose key could not be read get
    `invalid` here; the others get what sync_apply decided."""
    results = iter(applied)
    merged = []
    for (change, key), raw in zip(items, push.validated_data[kind], strict=True):
        if change is None:
            invalid = ItemResult("invalid", errors=_key_errors(key_serializer, raw))
            merged.append(_result(key_name, key, invalid, render))
        else:
            merged.append(_result(key_name, key, next(results), render))
    return merged


def _int_param(request: Request, name: str, *, default: int, low: int = 0, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValidationError({name: [f"Must be a whole number from {low} to {high}."]})
    return int(raw)
