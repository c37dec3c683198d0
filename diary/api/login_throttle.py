"""Slow down, then refuse, repeated failed logins: per account and per client address.

After SLOW_AFTER failures in a row a key must wait 1 s, then 2 s, 4 s... before the next try;
after LOCK_AFTER it is refused for the whole window. A refused try answers 429 with
Retry-After and never reaches the password check, so guessing gains nothing by hammering.
State lives in the cache (Redis when REDIS_URL is set, so all web processes share it).
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limits:
    slow_after: int
    lock_after: int
    window_seconds: int

    @classmethod
    def from_settings(cls) -> "Limits":
        conf = settings.LOGIN_THROTTLE
        return cls(conf["SLOW_AFTER"], conf["LOCK_AFTER"], conf["WINDOW_SECONDS"])


def login_keys(*, username: str, client_address: str) -> list[str]:
    # Hash the user name so that the cache never holds what people typed into it.
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:account:{account}", f"login-fail:address:{client_address}"]


def _wait_seconds(failures: int, last: float, now: float, limits: Limits) -> float:
    if failures >= limits.lock_after:
        return float(limits.window_seconds - (now - last))
    if failures >= limits.slow_after:
        return float(2 ** (failures - limits.slow_after) - (now - last))
    return 0.0


def retry_after(keys: list[str]) -> int:
    """Seconds to wait before trying again (0: go ahead)."""
    limits, now = Limits.from_settings(), time.time()
    longest = 0.0
    for key in keys:
        failures, last = cache.get(key, (0, 0.0))
        longest = max(longest, _wait_seconds(int(failures), float(last), now, limits))
    return math.ceil(longest) if longest > 0 else 0


def record_failure(keys: list[str]) -> None:
    limits, now = Limits.from_settings(), time.time()
    for key in keys:
        failures, _ = cache.get(key, (0, 0.0))
        cache.set(key, (failures + 1, now), timeout=limits.window_seconds)


def record_success(keys: list[str]) -> None:
    """A good password clears the account's count; the address keeps its own."""
    cache.delete(keys[0])
