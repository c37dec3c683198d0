"""Every endpoint that holds a user's data refuses anonymous callers, expired tokens and revoked
tokens with a JSON 401, and changes nothing for them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from diary.models import CheckIn, DeviceToken, Episode
from tests.api.conftest import assert_error, token_for
from tests.factories import EpisodeFactory, make_checkin

EPISODE_ID = "6f1c1a43-9a53-4e39-8d1e-0d6f6f4f2f10"
ENDPOINTS = [
    ("get", "/api/v1/episodes/"),
    ("post", "/api/v1/episodes/"),
    ("get", f"/api/v1/episodes/{EPISODE_ID}/"),
    ("patch", f"/api/v1/episodes/{EPISODE_ID}/"),
    ("delete", f"/api/v1/episodes/{EPISODE_ID}/"),
    ("get", "/api/v1/checkins/"),
    ("get", "/api/v1/checkins/2026-11-02/"),
    ("put", "/api/v1/checkins/2026-11-02/"),
    ("delete", "/api/v1/checkins/2026-11-02/"),
    *(
        (method, path)
        for kind in ("treatments", "investigations")
        for method, path in (
            ("get", f"/api/v1/{kind}/"),
            ("post", f"/api/v1/{kind}/"),
            ("get", f"/api/v1/{kind}/{EPISODE_ID}/"),
            ("patch", f"/api/v1/{kind}/{EPISODE_ID}/"),
            ("delete", f"/api/v1/{kind}/{EPISODE_ID}/"),
        )
    ),
    ("get", "/api/v1/function-checks/"),
    ("get", "/api/v1/function-checks/2026-11-02/"),
    ("put", "/api/v1/function-checks/2026-11-02/"),
    ("delete", "/api/v1/function-checks/2026-11-02/"),
    ("get", "/api/v1/sync/"),
    ("post", "/api/v1/sync/"),
    ("get", "/api/v1/reference/"),
    ("get", "/api/v1/profile/"),
    ("patch", "/api/v1/profile/"),
    ("get", "/api/v1/summary/"),
    ("post", "/api/v1/summary/refresh/"),
    ("get", "/api/v1/reports/"),
    ("post", "/api/v1/reports/"),
    ("get", f"/api/v1/reports/{EPISODE_ID}/"),
    ("delete", f"/api/v1/reports/{EPISODE_ID}/"),
    ("get", f"/api/v1/reports/{EPISODE_ID}/download/"),
    ("get", "/api/v1/shares/"),
    ("post", "/api/v1/shares/"),
    ("delete", f"/api/v1/shares/{EPISODE_ID}/"),
    ("delete", "/api/v1/auth/token/"),
    ("get", "/api/v1/account/"),
    ("get", "/api/v1/account/export/"),
    ("delete", "/api/v1/account/"),
]


@pytest.fixture
def alices_data(alice: User, frozen_now: datetime) -> None:
    EpisodeFactory(user=alice, id=EPISODE_ID)
    make_checkin(alice)


def call(client: APIClient, method: str, path: str):  # type: ignore[no-untyped-def]
    return getattr(client, method)(path, {"intensity": 1, "episodes": []})


def unchanged(alice: User) -> bool:
    episode = Episode.objects.get(pk=EPISODE_ID)
    return episode.version == 1 and CheckIn.objects.get(user=alice).version == 1


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_gets_401(alices_data: None, alice: User, method: str, path: str) -> None:
    assert_error(call(APIClient(), method, path), 401, "not_authenticated")
    assert unchanged(alice)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_an_expired_token_gets_401(alices_data: None, alice: User, method: str, path: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(alice, ttl=timedelta(days=1))}")
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=2)):
        assert_error(call(client, method, path), 401, "authentication_failed")
    assert unchanged(alice)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_revoked_token_gets_401(alices_data: None, alice: User, method: str, path: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(alice)}")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert not DeviceToken.objects.exists()
    assert_error(call(client, method, path), 401, "authentication_failed")
    assert unchanged(alice)
