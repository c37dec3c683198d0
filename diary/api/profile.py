"""GET|PATCH /api/v1/profile/: the signed-in user's own profile (no id: nobody else's exists at
this address), the time zone and the clinical profile."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.common import IF_MATCH, etag, expected_version, request_user
from diary.dates import DATE_BOUNDS
from diary.models import DEFAULT_TIME_ZONE, MAX_DISPLAY_NAME_LENGTH, MAX_NOTES_LENGTH, Profile
from diary.selectors.profiles import profile_get
from diary.services import profile_update


class ProfileSerializer(serializers.Serializer[Profile]):
    time_zone = serializers.CharField(max_length=64, help_text="IANA name, e.g. Europe/Paris.")
    display_name = serializers.CharField(
        max_length=MAX_DISPLAY_NAME_LENGTH,
        allow_blank=True,
        allow_null=True,  # null clears it, as "" does
        help_text='The name the person\'s own reports may show (never the user name); "" when not set.',
    )
    date_of_birth = serializers.DateField(
        allow_null=True, validators=DATE_BOUNDS, help_text="From 1900-01-01, not in the future; null when not set."
    )
    twitching_since = serializers.DateField(
        allow_null=True,
        validators=DATE_BOUNDS,
        help_text="When the twitching began (may predate the diary): not in the future, not before the "
        "date of birth; null when not set.",
    )
    family_history = serializers.CharField(
        max_length=MAX_NOTES_LENGTH,
        allow_blank=True,
        allow_null=True,
        trim_whitespace=False,
        help_text='Free text; "" when not set.',
    )
    version = serializers.IntegerField(read_only=True, help_text="Send it back as If-Match to edit safely.")

    def changes(self) -> dict[str, Any]:
        """The fields sent (a null text is an empty one), for profile_update."""
        texts = ("display_name", "family_history")
        return {name: ("" if value is None and name in texts else value) for name, value in self.validated_data.items()}


def profile_data(profile: Profile | None) -> dict[str, Any]:
    """The profile as the phone sees it; a user who has never written has the defaults."""
    if profile is None:
        profile = Profile(time_zone=DEFAULT_TIME_ZONE)  # version 1, as the first write makes it
    data: dict[str, Any] = ProfileSerializer(profile).data
    return data


class ProfileView(APIView):
    @extend_schema(summary="Your profile", operation_id="profile_retrieve", responses=ProfileSerializer)
    def get(self, request: Request) -> Response:
        return _respond(profile_get(user_id=request_user(request).pk))

    @extend_schema(
        summary="Edit your profile",
        operation_id="profile_update",
        description="Send only the fields to change; fields this endpoint does not know are ignored. "
        "Nothing is written when any field is refused. With If-Match, a stale version is a 412.",
        parameters=[IF_MATCH],
        request=ProfileSerializer(partial=True),
        responses=ProfileSerializer,
    )
    def patch(self, request: Request) -> Response:
        serializer = ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = profile_update(
            user=request_user(request), expected_version=expected_version(request), **serializer.changes()
        )
        return _respond(profile)


def _respond(profile: Profile | None) -> Response:
    data = profile_data(profile)
    return Response(data, headers={"ETag": etag(data["version"])})
