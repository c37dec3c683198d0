from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from conditions.reference import PerReferenceVersion, load_reference
from diary.services.episode_input import ReferenceCodes
from tests.api.conftest import client_for
from tests.factories import UserFactory

# Every test that depends on "now" runs at this instant unless it travels elsewhere.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    # The migration loads the reference data, but a reused test database may have been
    # flushed by an interrupted transactional test: loading again is idempotent and cheap.
    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test's writes are not committed (they roll back), so a background thread could not
    # see them: in-process analyses run inline here. test_pipeline covers the thread.
    settings.ANALYSIS_IN_THREAD = False


@pytest.fixture(autouse=True)
def _reference_caches(request: pytest.FixtureRequest) -> None:
    """What this process keeps from the reference tables is dropped before each test, so that
    nothing outlives the test that built it (an edit rolled back, a patched builder). A test
    on the database then finds the write path's codes read, as in a process that has served
    a request: query counts are those of every request but a process's first, whatever ran
    before."""
    PerReferenceVersion.forget_all()
    if "db" in request.fixturenames:
        request.getfixturevalue("db")
        ReferenceCodes.load()


@pytest.fixture
def cache_down(settings: Any) -> None:
    """The cache is Redis at a port where nothing listens: a real client meeting an outage."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def alice(db: None) -> User:
    return UserFactory(username="alice")


@pytest.fixture
def bob(db: None) -> User:
    return UserFactory(username="bob")


@pytest.fixture(autouse=True)
def _reports_in_a_temporary_folder(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Report files go to a fresh folder per test, never to the project's var/reports."""
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("reports"))},
        },
    }


@pytest.fixture
def as_alice(alice: User) -> APIClient:
    return client_for(alice)


@pytest.fixture
def as_bob(bob: User) -> APIClient:
    return client_for(bob)


@pytest.fixture
def anonymous(db: None) -> APIClient:
    return APIClient()


def signed_in(user: User) -> Client:
    """A browser with `user`'s session, as after signing in."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_web(alice: User) -> Client:
    """The web pages as alice sees them, signed in with a session. Django's test client skips
    the CSRF check; a test of the check itself uses Client(enforce_csrf_checks=True)."""
    return signed_in(alice)


@pytest.fixture
def bob_web(bob: User) -> Client:
    return signed_in(bob)


@pytest.fixture
def operator(db: None) -> User:
    """A superuser, who may see users' diary data in the admin."""
    return UserFactory(username="operator", is_staff=True, is_superuser=True)
