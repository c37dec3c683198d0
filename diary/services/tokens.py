"""Per-device API tokens (django-rest-knox): issuing one at sign-in and revoking one."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from diary.models import DeviceToken


@transaction.atomic
def device_token_create(*, user: User, device_name: str) -> tuple[DeviceToken, str]:
    """A new token for one device, stored hashed; returns it with the raw token, which is shown
    once. The user's expired tokens are deleted at the same time: the authentication of each request
    reads only the token it was sent (config.api.authentication), so this is where they are
    cleared, once per sign-in rather than on every request."""
    DeviceToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    token, raw = DeviceToken.objects.create(user=user, device_name=device_name)  # expires after TOKEN_TTL
    return token, str(raw)


def device_token_revoke(*, token: DeviceToken) -> None:
    """Revoke one token: the device that held it must sign in again; the others are unaffected."""
    token.delete()
