"""A form whose sending makes something new (a report, a share link) acts once, however often it
is sent: a double tap, or a browser sending it again after its answer was lost. Each rendering of
such a form carries a fresh submission id; the first request with it claims the id in the cache,
atomically (`cache.add`, one command in Redis), and any later one with the same id is a resend.

A form without a readable id, or a cache that is down, counts as a first sending: refusing would
lose the person's request, and a duplicate report or link costs little and can be deleted."""

import logging
import uuid

from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

FIELD = "submission"
KEEP_SECONDS = 24 * 3600


def submission_id() -> str:
    return uuid.uuid4().hex


def first_sending(request: HttpRequest, *, kind: str) -> bool:
    """True unless this user already sent this `kind` of form with the same submission id."""
    try:
        sent = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return True
    key = f"submission:{kind}:{request.user.pk}:{sent.hex}"
    try:
        return bool(cache.add(key, 1, KEEP_SECONDS))
    except Exception as error:  # any cache backend error: act, as without the check
        logger.warning("Submission check unavailable (%s); the form acts.", type(error).__name__)
        return True
