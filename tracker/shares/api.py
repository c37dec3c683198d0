"""GET|POST /api/v1/shares/ and DELETE /api/v1/shares/{id}/: links for a doctor (the mobile
contract). The raw link is in the answer to the POST only; no answer ever holds a token's hash."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.common import JsonBooleanField, request_user
from config.api.pagination import StrictCursorPagination
from config.api.views import UserListView
from diary.dates import DATE_BOUNDS
from tracker.models import Share, ShareAccess
from tracker.shares.services import (
    ACCESSES_LISTED,
    DEFAULT_EXPIRES_IN_DAYS,
    MAX_EXPIRES_IN_DAYS,
    MAX_LABEL_LENGTH,
    share_create,
    share_list,
    share_revoke,
    share_status,
)


class TextField(serializers.CharField):
    """Text only: DRF's CharField would take the number 0 for the text "0"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """A JSON number without a fraction: DRF's IntegerField would also take "14" and 14.0."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class ShareCreateSerializer(serializers.Serializer[Any]):
    date_from = serializers.DateField(validators=DATE_BOUNDS, help_text="First local date of the range.")
    date_to = serializers.DateField(
        validators=DATE_BOUNDS, help_text="Last local date, inclusive; not before date_from, within 5 years of it."
    )
    expires_in_days = WholeNumberField(
        min_value=1, max_value=MAX_EXPIRES_IN_DAYS, default=DEFAULT_EXPIRES_IN_DAYS, help_text="The link's lifetime."
    )
    include_notes = JsonBooleanField(default=False, help_text="Show the episodes' notes to the doctor.")
    # The contract's name; DRF's stubs type Field.label (the field's title) as a string.
    label = TextField(  # type: ignore[assignment]
        max_length=MAX_LABEL_LENGTH, allow_blank=True, default="", help_text="For you, e.g. the doctor's name."
    )


class ShareAccessSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    what = serializers.ChoiceField(choices=ShareAccess.What.choices)
    client_address = serializers.CharField(help_text="The client's address (an IPv6 client's /64).")
    user_agent = serializers.CharField()


class ShareSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    label = serializers.CharField()  # type: ignore[assignment]  # as above
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    include_notes = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=["active", "expired", "revoked"])
    access_count = serializers.IntegerField(help_text="Views and downloads in all.")
    accesses = ShareAccessSerializer(many=True, help_text=f"The newest {ACCESSES_LISTED}, newest first.")


class NewShareSerializer(ShareSerializer):
    url = serializers.URLField(help_text="The link to give the doctor. Shown in this answer only: keep it now.")


class ShareListPagination(StrictCursorPagination):
    ordering = ("-created_at", "-id")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else serializers.DateTimeField().to_representation(value)


def share_data(share: Share, *, now: datetime, accesses: list[ShareAccess], access_count: int) -> dict[str, Any]:
    return {
        "id": str(share.id),
        "label": share.label,
        "date_from": share.date_from.isoformat(),
        "date_to": share.date_to.isoformat(),
        "include_notes": share.include_notes,
        "created_at": _iso(share.created_at),
        "expires_at": _iso(share.expires_at),
        "revoked_at": _iso(share.revoked_at),
        "status": share_status(share, now),
        "access_count": access_count,
        "accesses": [
            {"at": _iso(a.at), "what": a.what, "client_address": a.client_address, "user_agent": a.user_agent}
            for a in accesses
        ],
    }


@extend_schema_view(
    get=extend_schema(
        summary="List your share links, newest first, with their access log",
        operation_id="shares_list",
        responses=ShareSerializer(many=True),
    )
)
class ShareListView(UserListView[Share, None]):
    model = Share
    serializer_class = ShareSerializer
    pagination_class = ShareListPagination

    def get(self, request: Request) -> Response:
        self.now = timezone.now()  # one instant for every link's status in this answer
        return super().get(request)

    def select(self, *, user: User, filters: None) -> QuerySet[Share]:
        return share_list(user=user)

    def serialize(self, item: Share) -> dict[str, Any]:
        # share_list's annotation and prefetch, which the model's type does not know of
        accesses: list[ShareAccess] = getattr(item, "recent_accesses", [])
        return share_data(item, now=self.now, accesses=accesses, access_count=getattr(item, "access_count", 0))

    @extend_schema(
        summary="Create a link for a doctor",
        operation_id="shares_create",
        description="Answers the link (`url`) once: only its hash is kept, so it cannot be shown again.",
        request=ShareCreateSerializer,
        responses={201: NewShareSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = ShareCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        share, token = share_create(user=request_user(request), **serializer.validated_data)
        data = share_data(share, now=share.created_at, accesses=[], access_count=0)
        data["url"] = request.build_absolute_uri(reverse("share-page", args=[token]))
        return Response(data, status=status.HTTP_201_CREATED)


class ShareDetailView(APIView):
    @extend_schema(summary="Revoke a link at once", operation_id="shares_revoke", request=None, responses={204: None})
    def delete(self, request: Request, id: UUID) -> Response:
        try:
            share_revoke(user=request_user(request), share_id=id)
        except Share.DoesNotExist:
            raise NotFound("No such link of yours.") from None
        return Response(status=status.HTTP_204_NO_CONTENT)
