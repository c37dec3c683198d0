"""GET /api/v1/account/ (who is signed in), GET /api/v1/account/export/ (the whole account as
the documented JSON, GDPR article 20) and DELETE /api/v1/account/ (erasure with the password
again, article 17)."""

import base64
import tempfile
from typing import Any

from django.contrib.auth.models import User
from django.http import FileResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config import throttle
from config.api.common import request_user
from config.api.schema import ErrorSerializer
from diary.selectors import user_zone
from tracker.account.export import export_account
from tracker.account.services import account_erase

# An export past this size is spooled to a temporary file rather than held in memory.
SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024


class AccountExportView(APIView):
    @extend_schema(
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The export (docs/reports.md, 'The export format').")
        },
        description="Everything of the signed-in user as the documented JSON export, as an attachment.",
    )
    def get(self, request: Request) -> FileResponse:
        return account_export_response(user=request_user(request))


def account_export_response(*, user: User) -> FileResponse:
    """The whole account as the export's JSON, as an attachment: for this API and the settings
    page's "Download all my data" (tracker.account.pages)."""
    now = timezone.now()
    # Written whole before the answer starts: the queries run inside this view (a fixed
    # number), and a failure is a clean error rather than a cut-off file.
    # Built here, not as a background job (tracker.jobs) that the person would have to come back
    # for: it takes 0.8 s for an account with a year of 5,000 episodes, 2.4 s with 10,000, and
    # 11 to 13 s with five years of 50,000 (23 MB), in 11 queries whatever the size, on SQLite
    # and on PostgreSQL alike (`python -m tests.bench.bench_exports`, with DATABASE_URL for
    # PostgreSQL, on a 2-core machine under a load of 4): within a web worker's 30 s.
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115  # FileResponse closes it
    export_account(spooled, user=user, now=now)  # type: ignore[arg-type]  # a binary file
    spooled.seek(0)
    name = f"twitch-diary-export-{user.get_username()}-{now.date()}.json"
    return FileResponse(spooled, as_attachment=True, filename=name, content_type="application/json")


class EraseSerializer(serializers.Serializer[Any]):
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}, help_text="The account's password."
    )


class SignedInSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    time_zone = serializers.CharField(help_text="IANA name, e.g. Europe/Paris.")
    phone_key = serializers.CharField(
        help_text="This account's key (base64, 32 bytes) for sealing the entries it leaves unsent on a "
        "shared phone when it logs out (AES-GCM); the same every time, for this account only."
    )


def phone_key(user: User) -> str:
    """The key the phone client seals this account's unsent entries with when the account leaves
    the phone (diary/static/diary/js/pwa/seal.js). Derived from SECRET_KEY and the user's id, so
    it needs no storage and is the same on every sign-in; changing SECRET_KEY makes the entries
    sealed before it unreadable."""
    digest = salted_hmac("tracker.account.phone_key", str(user.pk), algorithm="sha256").digest()
    return base64.b64encode(digest).decode("ascii")


class AccountView(APIView):
    @extend_schema(
        responses={200: SignedInSerializer},
        description="Who is signed in. The phone client asks before each sync, so that one account's "
        "entries are never sent to another's; with a session, the answer also sets the CSRF cookie "
        "its next POST sends back.",
    )
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        user = request_user(request)
        return Response(
            {"username": user.get_username(), "time_zone": user_zone(user).key, "phone_key": phone_key(user)}
        )

    @extend_schema(
        request=EraseSerializer,
        responses={204: None, 400: ErrorSerializer, 429: ErrorSerializer, 503: ErrorSerializer},
        description="Erase the account and everything of it, for good. 400 with a password field error for a "
        "missing or wrong password; 429 with "
        "Retry-After after too many tries, as for signing in; 503 with Retry-After when tries cannot be counted.",
    )
    def delete(self, request: Request) -> Response:
        data = EraseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        throttle.count_sign_in(request._request, user.get_username())  # before the password is checked
        if not user.check_password(data.validated_data["password"]):
            raise ValidationError({"password": ["The password is not right; nothing was erased."]})
        account_erase(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
