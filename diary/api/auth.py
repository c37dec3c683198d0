"""Registration and per-device tokens.

A phone registers (or signs in) and asks for a token for itself; every later request sends
`Authorization: Bearer <token>`. Tokens are stored hashed (django-rest-knox), expire, and are
revoked one at a time by DELETE on the same address with the token to revoke.
"""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config import throttle
from config.api.errors import InvalidCredentials
from config.api.schema import ErrorSerializer
from diary.models import DEFAULT_TIME_ZONE, DeviceToken
from diary.services import account_register, device_token_create, device_token_revoke


class RegisterSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    # Its length is checked with the rest of the password policy (account_register), so that
    # every problem is answered at once; the schema states the minimum (config.api.schema).
    password = serializers.CharField(
        max_length=128,
        write_only=True,
        trim_whitespace=False,  # spaces are part of a passphrase
        style={"input_type": "password"},
        help_text="At least 8 characters, not only digits, not a common password, not like the user name.",
    )
    time_zone = serializers.CharField(
        max_length=64, default=DEFAULT_TIME_ZONE, help_text="IANA name, e.g. Europe/Paris."
    )


class AccountSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    time_zone = serializers.CharField(source="diary_profile.time_zone")


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    device_name = serializers.CharField(max_length=100, help_text="Shown to the user, e.g. 'Pixel 8'.")


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`. Shown only once.")
    expiry = serializers.DateTimeField()
    device_name = serializers.CharField()
    username = serializers.CharField()


class RegisterView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=RegisterSerializer,
        responses={201: AccountSerializer, 429: ErrorSerializer, 503: ErrorSerializer},
        auth=[],
        description="429 with Retry-After after many registrations from one address; 503 with Retry-After "
        "when the throttle cannot count (try again shortly).",
    )
    def post(self, request: Request) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        throttle.count_registration(request._request)
        user = account_register(**data.validated_data)
        return Response(AccountSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    def get_authenticators(self) -> list[Any]:
        # POST signs in with a password (a stale token sent along must not get in the way);
        # DELETE needs the token it revokes. (No request yet while the schema is generated.)
        request = getattr(self, "request", None)
        return [] if request is not None and request.method == "POST" else super().get_authenticators()

    def get_permissions(self) -> list[Any]:
        request = getattr(self, "request", None)
        return [AllowAny()] if request is not None and request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: TokenSerializer, 401: ErrorSerializer, 429: ErrorSerializer, 503: ErrorSerializer},
        auth=[],
        description="401 for a wrong user name or password. 429 with Retry-After after too many tries for this "
        "account from this address (or, more slowly, from anywhere). 503 with Retry-After when the throttle "
        "cannot count tries (try again shortly).",
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        throttle.count_sign_in(request._request, username)  # before the password is checked
        user = authenticate(request._request, username=username, password=password)
        if not isinstance(user, User):
            raise InvalidCredentials()
        token, raw = device_token_create(user=user, device_name=data.validated_data["device_name"])
        body = {"token": raw, "expiry": token.expiry, "device_name": token.device_name, "username": user.username}
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, DeviceToken):
            raise ValidationError("Sign in with a token to revoke it; a browser session signs out at /admin/logout/.")
        device_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
