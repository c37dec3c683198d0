"""Integration tests need the real services. Without them they skip, so that `make test` passes
on a fresh machine; under REQUIRE_SERVICES=1 (as in CI) a missing service fails the run."""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
import redis
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.db import connection

from conditions.reference import load_reference

# Django's live server listens with a backlog of 10 connections; a test that sends 40 requests
# at once (test_races) then sees the kernel reset the ones that do not fit, which says nothing
# about the app. The live server starts at its first use, after this has been read.
WSGIServer.request_queue_size = 64


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request: pytest.FixtureRequest) -> None:
    """A transactional test flushes the database afterwards, reference data included (Django's
    serialized_rollback restores it once per test class, and pytest-django makes a class per
    test). Loading it is idempotent and fast, so each such test loads it first."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        load_reference()


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


PROJECT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {what}")


def start_worker(name: str, env: dict[str, str], pool: str = "solo") -> subprocess.Popen[bytes]:
    """A real `celery worker` process, once it answers a ping over the broker. Only the prefork
    pool enforces time limits."""
    from config.celery import app

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=WARNING",
            f"--hostname={name}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so that a test can kill it whole
    )
    wait_for(lambda: any(name in n for reply in app.control.ping(timeout=0.5) or [] for n in reply), 60, "worker up")
    return worker
