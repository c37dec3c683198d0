"""Integration tests need the real services. Without them they skip, so that `make test` passes
on a fresh machine; under REQUIRE_SERVICES=1 (as in CI) a missing service fails the run."""

import os
from typing import NoReturn

import pytest
import redis
from django.conf import settings
from django.db import connection


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        unavailable("DATABASE_URL does not point at PostgreSQL")


@pytest.fixture
def redis_url() -> str:
    url: str = settings.REDIS_URL
    if not url:
        unavailable("REDIS_URL is not set")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {url} does not answer: {error}")
    return url
