"""One throttle for every door that takes a secret: the API's token sign-in, the admin (and
later the web) log-in, registration, and share-link guessing to come.

Every try is counted *before* the secret is checked, with the cache's atomic add-then-increment
(django-ratelimit's counters, Redis INCR when REDIS_URL is set), so concurrent guesses cannot
slip past a cap: the eleventh of forty simultaneous tries already sees a count of eleven.

Sign-in counts each try under three keys, in this order, and stops at the first that is over:

- the account *and* the client address: 10 tries per 15 minutes, then that pair is refused.
  This is the lockout, and it only locks out the one who guesses: the owner on another network
  (and every other account behind the same address) is not affected.
- the account from any address: a slowdown against guessing from many addresses (15 per 10 min,
  90 an hour: OWASP ASVS 2.2.1 asks at most 100);
- the address across accounts: a slowdown against trying many accounts (50 per 5 min).

A try refused by an earlier key is not counted by the later ones, so a locked-out stranger who
keeps hammering does not use up the owner's allowance. Right and wrong tries count alike (the
counters only ever grow, which is what keeps them atomic); the limits leave room for that.

When the cache cannot be reached the throttle fails safe: `ThrottleUnavailable` (503 with
Retry-After), never a sign-in that skips counting, never a 500.
"""

import hashlib
import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

# How long a client should wait when the cache is down before trying again.
UNAVAILABLE_RETRY_SECONDS = 30


class TooManyTries(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many tries; retry after {retry_after} s.")
        self.retry_after = max(1, retry_after)


class ThrottleUnavailable(Exception):
    """The counters' cache cannot be reached: refuse rather than guess unthrottled."""

    retry_after = UNAVAILABLE_RETRY_SECONDS


@dataclass(frozen=True)
class Limit:
    group: str  # what is counted, e.g. "signin-pair"
    rate: str  # django-ratelimit's form: "10/15m" is 10 tries per 15 minutes


def _limits(name: str) -> Limit:
    return Limit(f"throttle-{name}", settings.SECRET_THROTTLE_RATES[name])


def count_try(request: HttpRequest, checks: Sequence[tuple[Limit, str]]) -> None:
    """Count one try under each (limit, key) in order. Raises TooManyTries at the first key that
    is over its rate (the later ones are not counted), ThrottleUnavailable if the cache is down."""
    for limit, key in checks:
        try:
            usage = get_usage(request, group=limit.group, key=_constant(key), rate=limit.rate, increment=True)
        except Exception as error:  # any cache or connection error (redis.ConnectionError, timeouts...)
            raise ThrottleUnavailable from error
        if usage is None:  # RATELIMIT_ENABLE is off
            continue
        if usage["limit"] == 0:  # django-ratelimit's answer when the cache failed quietly
            raise ThrottleUnavailable
        if usage["should_limit"]:
            raise TooManyTries(retry_after=usage["time_left"])


def _constant(key: str) -> Callable[[str, HttpRequest], str]:
    return lambda _group, _request: key


def count_sign_in(request: HttpRequest, username: str) -> None:
    """Count a password try for `username` from this request's client, before the password
    is checked (see the module docstring for the keys)."""
    account = _digest(username.strip().lower())  # the cache never holds what people typed
    address = client_address(request)
    count_try(
        request,
        [
            (_limits("signin_pair"), f"{account}|{address}"),
            (_limits("signin_account"), account),
            (_limits("signin_address"), address),
        ],
    )


def count_registration(request: HttpRequest) -> None:
    """Count an account creation from this client: it bounds sign-up spam and probing which
    user names exist."""
    count_try(request, [(_limits("register_address"), client_address(request))])


def count_password_reset(request: HttpRequest) -> None:
    """Count a password reset request from this client: each one may send an e-mail."""
    count_try(request, [(_limits("password_reset_address"), client_address(request))])


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    """The client's address for throttling. REMOTE_ADDR unless TRUSTED_PROXY_COUNT says that
    many proxies of ours stand in front: then the address the outermost of them saw, which is
    that many entries from the right of X-Forwarded-For (each proxy appends the address it
    saw; anything further left was written by the client and proves nothing). An IPv6 client
    counts as its /64, which one household or phone usually holds whole."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    hops: int = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return _network(address)


def _network(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
