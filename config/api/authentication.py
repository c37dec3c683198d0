"""Token authentication that reads one row per request.

knox's TokenAuthentication finds the token by its key, then, on every request, loads all of
the user's tokens to delete the expired ones (a query that grows with the user's devices, and
a delete in the middle of a read). Here a request reads only the token it was sent, with its
user, in one query; the other expired tokens are deleted at sign-in instead
(diary.services.device_token_create). Hashing, expiry and revocation are knox's: the digest is
knox's hash compared in constant time, an expired token is refused and deleted, a revoked one
is gone.
"""

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework.exceptions import AuthenticationFailed

INVALID = "Invalid token."


class TokenAuthentication(KnoxTokenAuthentication):  # type: ignore[misc]
    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            raw = token.decode("utf-8")
            digest = hash_token(raw)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise AuthenticationFailed(INVALID) from None
        candidates = get_token_model().objects.filter(token_key=raw[: CONSTANTS.TOKEN_KEY_LENGTH])
        for auth_token in candidates.select_related("user"):
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=type(self), username=username, source="auth_token")
                break
            if knox_settings.AUTO_REFRESH and auth_token.expiry:
                self.renew_token(auth_token)
            return self.validate_user(auth_token)  # type: ignore[no-any-return]
        raise AuthenticationFailed(INVALID)


class TokenScheme(KnoxTokenScheme):  # type: ignore[no-untyped-call]
    """The schema's description of the scheme: knox's bearer token, as before."""

    target_class = "config.api.authentication.TokenAuthentication"
