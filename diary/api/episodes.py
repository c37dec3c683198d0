"""GET|POST /api/v1/episodes/ and GET|PATCH|DELETE /api/v1/episodes/{id}/."""

from typing import Any
from uuid import UUID

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.common import IF_MATCH, etag, expected_version, request_user
from config.api.errors import Conflict
from config.api.schema import ErrorSerializer
from config.api.views import QueryFilterSet, UserListView
from diary.api.common import NewestFirstPagination
from diary.api.serializers import EpisodeSerializer, episode_data
from diary.dates import DATE_BOUNDS
from diary.models import Episode
from diary.selectors import EpisodeFilters, episode_detail, episode_get, episode_list
from diary.services import (
    EpisodeChildren,
    Replay,
    Replayed,
    episode_create_or_replay,
    episode_delete,
    episode_update,
)


class EpisodeFilter(QueryFilterSet[EpisodeFilters]):
    date_from = django_filters.DateFilter(
        validators=DATE_BOUNDS, help_text="First local date (YYYY-MM-DD), from 1900-01-01."
    )
    date_to = django_filters.DateFilter(
        validators=DATE_BOUNDS, help_text="Last local date, inclusive, until 2100-12-31."
    )
    region = django_filters.CharFilter(help_text="A region code.")
    trigger = django_filters.CharFilter(help_text="A trigger code.")
    symptom = django_filters.CharFilter(help_text="A symptom code.")

    class Meta:
        model = Episode
        fields: list[str] = []

    def parsed(self) -> EpisodeFilters:
        data = self.form.cleaned_data  # a code left out is "", a date None
        return EpisodeFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            region=data["region"] or None,
            trigger=data["trigger"] or None,
            symptom=data["symptom"] or None,
        )


def _respond(
    episode: Episode, status_code: int = status.HTTP_200_OK, children: EpisodeChildren | None = None
) -> Response:
    body = episode_data(episode, children)
    return Response(body, status=status_code, headers={"ETag": etag(episode.version)})


@extend_schema_view(
    get=extend_schema(
        summary="List episodes, newest first", operation_id="episodes_list", responses=EpisodeSerializer(many=True)
    )
)
class EpisodeListView(UserListView[Episode, EpisodeFilters]):
    model = Episode
    serializer_class = EpisodeSerializer
    filterset_class = EpisodeFilter
    pagination_class = NewestFirstPagination

    def select(self, *, user: User, filters: EpisodeFilters | None) -> QuerySet[Episode]:
        return episode_list(user=user, filters=filters)

    def serialize(self, item: Episode) -> dict[str, Any]:
        return episode_data(item)

    @extend_schema(
        summary="Log an episode",
        operation_id="episodes_create",
        description="Send your own `id` to make retries safe: the first request creates (201), an identical "
        "replay answers the same record (200), the same id with a different body is a conflict (409).",
        responses={201: EpisodeSerializer, 200: EpisodeSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = EpisodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = episode_create_or_replay(user=request_user(request), data=serializer.to_input())
        if isinstance(result, Replayed):
            if result.same is None:
                raise Conflict(REPLAY_CONFLICTS[result.outcome])
            return _respond(result.same)
        return _respond(result.episode, status.HTTP_201_CREATED, result.children)


REPLAY_CONFLICTS = {
    Replay.NEW: "This id is already in use.",  # taken, then gone: an erased diary
    Replay.NOT_YOURS: "This id is already in use.",  # says nothing of whose
    Replay.DELETED: "This episode was deleted.",
    Replay.DIFFERENT: "An episode with this id exists with different content.",
}


class EpisodeDetailView(GenericAPIView[Episode]):
    serializer_class = EpisodeSerializer

    @extend_schema(summary="One episode", operation_id="episode_retrieve")
    def get(self, request: Request, id: UUID) -> Response:
        episode, children = episode_detail(user=request_user(request), id=id)
        return _respond(episode, children=children)

    @extend_schema(
        summary="Edit an episode",
        operation_id="episode_update",
        parameters=[IF_MATCH],
        description='Send only the fields to change. `{"ongoing": false}` ends an episode still going now: '
        "its duration runs from started_at until now (at least a second); ending an ended one changes nothing. "
        "One that started longer ago than an episode can last (7 days) is a 400 on duration_seconds: send "
        '`{"ongoing": false, "duration_seconds": ...}` with how long it lasted instead.',
    )
    def patch(self, request: Request, id: UUID) -> Response:
        episode = episode_get(user=request_user(request), id=id)
        serializer = EpisodeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        episode_update(episode=episode, expected_version=expected_version(request), **serializer.changes())
        episode, children = episode_detail(user=request_user(request), id=id)
        return _respond(episode, children=children)

    @extend_schema(
        summary="Delete an episode", operation_id="episode_delete", parameters=[IF_MATCH], responses={204: None}
    )
    def delete(self, request: Request, id: UUID) -> Response:
        episode = episode_get(user=request_user(request), id=id)
        episode_delete(episode=episode, expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
