"""No health data and no secret in any log line (finding 12): the API's error paths are driven
with planted values, every log record is formatted as a handler would (traceback included),
and none of the planted values may appear."""

import logging
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError
from rest_framework.test import APIClient

from tests.api.test_sync import episode

NOTE = "PLANTED-NOTE-91c2 left eyelid after the funeral"
PASSWORD = "planted-passphrase-5d7e"


def formatted(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_error_paths_log_no_health_data_or_secret(
    alice: User, frozen_now: datetime, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    cache.clear()
    alice.set_password(PASSWORD)
    alice.save()
    client = APIClient()
    with caplog.at_level(logging.DEBUG):
        signed_in = client.post(
            "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD, "device_name": "Pixel"}
        )
        token = signed_in.json()["token"]
        client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD + "x", "device_name": "P"})
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert client.post("/api/v1/episodes/", episode(notes=NOTE, intensity=99)).status_code == 400
        assert client.post("/api/v1/sync/", {"episodes": [episode(notes=NOTE, pattern="nope")]}).status_code == 200
        assert client.get("/api/v1/episodes/00000000-0000-0000-0000-000000000000/").status_code == 404

        def refuse(**kwargs: Any) -> Any:  # what a database error says: it quotes the row
            raise IntegrityError(f'new row violates check constraint DETAIL: Failing row contains ("{NOTE}", 99)')

        monkeypatch.setattr("diary.api.episodes.episode_create_or_replay", refuse)
        assert client.post("/api/v1/episodes/", episode(notes=NOTE)).status_code == 500
    logged = formatted(caplog)
    assert "Unhandled error in the API: IntegrityError" in logged  # the fault is still findable
    for secret in [NOTE, "PLANTED-NOTE", PASSWORD, token, token[:8]]:
        assert secret not in logged
