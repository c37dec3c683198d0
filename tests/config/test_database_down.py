"""With the database down, every answer is a 503 with Retry-After (issue 22, finding 10): the
API in its JSON error shape, /healthz as JSON, the pages as a short page; and the first request
after the database returns is answered as usual. The failure is real: the connection is closed
and pointed where no database can be opened, so the driver itself raises OperationalError."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db(transaction=True)  # the connection is closed mid-test


@contextmanager
def database_down() -> Iterator[None]:
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/no.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="9")  # the discard port: refused
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def test_healthz_answers_503_json_while_the_database_is_down_and_200_after() -> None:
    with database_down():
        down = Client().get("/healthz")
    assert (down.status_code, down.json(), down["Retry-After"]) == (503, {"status": "unavailable"}, "5")
    assert down["Cache-Control"] == "no-store"
    up = Client().get("/healthz")
    assert (up.status_code, up.json()) == (200, {"status": "ok"})


def test_the_api_answers_503_in_its_error_shape_with_retry_after(as_alice: APIClient, frozen_now: datetime) -> None:
    with database_down():
        down = as_alice.get("/api/v1/episodes/")
    assert down.status_code == 503
    assert down["Retry-After"] == "5"
    assert down.json()["code"] == "unavailable"
    assert set(down.json()) == {"code", "message", "fields"}
    assert as_alice.get("/api/v1/episodes/").status_code == 200


def test_a_page_answers_503_with_retry_after_and_recovers(alice_web: Client, alice: User) -> None:
    with database_down():
        down = alice_web.get("/history/")
    assert down.status_code == 503
    assert down["Retry-After"] == "5"
    assert "Back in a moment" in down.content.decode()
    assert "alice" not in down.content.decode()
    assert alice_web.get("/history/").status_code == 200
