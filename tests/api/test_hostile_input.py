"""Hostile input, as an outside attack sent it: every shape answers a small JSON 4xx with field
details, changes nothing, and leaves no traceback in the log (the attack's finding 2 and 6)."""

import json
import logging
import uuid
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from config.api.errors import exception_handler
from diary.models import CheckIn, Episode
from tests.api.conftest import assert_error
from tests.api.test_sync import episode
from tests.factories import EpisodeFactory


@pytest.fixture(autouse=True)
def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> Any:
    """No test here may log an error with a traceback: that is what a 500 leaves behind."""
    cache.clear()
    with caplog.at_level(logging.INFO):
        yield
    # Django's security log names each refused request (one line, its traceback dropped).
    records = caplog.get_records("call")
    assert not [r for r in records if r.exc_info or r.exc_text], caplog.text
    assert not [r for r in records if r.levelno >= logging.ERROR and not r.name.startswith("django.security")]


def post_raw(client: APIClient, url: str, body: str) -> Any:
    return client.generic("POST", url, body.encode("utf-8", "surrogatepass"), content_type="application/json")


def test_a_100000_item_push_is_refused_small_and_cheap(as_alice: APIClient) -> None:
    response = post_raw(as_alice, "/api/v1/sync/", json.dumps({"episodes": [1] * 100_000}))
    assert_error(response, 400, "malformed")
    assert len(response.content) < 1000
    assert not Episode.objects.exists()


def test_a_push_over_the_cap_is_refused_by_field_before_its_items_are_read(as_alice: APIClient) -> None:
    response = post_raw(as_alice, "/api/v1/sync/", json.dumps({"episodes": [1] * 1001, "checkins": []}))
    body = assert_error(response, 400, "invalid", "episodes")
    assert body["fields"] == {"episodes": ["Ensure this field has no more than 1000 elements."]}


def test_an_episodes_long_lists_are_refused_by_their_length(as_alice: APIClient, frozen_now: datetime) -> None:
    response = as_alice.post("/api/v1/episodes/", episode(triggers=["x"] * 5000, locations=[{}] * 5000))
    body = assert_error(response, 400, "invalid", "triggers", "locations")
    assert len(response.content) < 2000, body


@pytest.mark.parametrize("url", ["/api/v1/sync/", "/api/v1/episodes/", "/api/v1/auth/token/", "/api/v1/auth/register/"])
def test_deeply_nested_json_is_malformed(db: None, as_alice: APIClient, url: str) -> None:
    for depth in (1000, 100_000, 9):
        response = post_raw(as_alice, url, "[" * depth + "]" * depth)
        assert_error(response, 400, "malformed")
    if "/auth/" in url:  # these take anonymous requests
        assert_error(post_raw(APIClient(), url, '{"a":' * 1000 + "1" + "}" * 1000), 400, "malformed")


@pytest.mark.parametrize("field", ["pattern", "source", "notes", "id"])
def test_a_lone_surrogate_is_refused_without_being_echoed(
    as_alice: APIClient, frozen_now: datetime, field: str
) -> None:
    body = json.dumps(episode(**{field: "x\ud800y"}))  # json.dumps writes it as the escape \ud800
    response = post_raw(as_alice, "/api/v1/episodes/", body)
    assert_error(response, 400, "malformed")
    response.content.decode("utf-8")  # the answer itself is valid UTF-8
    assert not Episode.objects.exists()


def test_a_lone_surrogate_in_a_side_or_a_sync_id_is_refused(as_alice: APIClient, frozen_now: datetime) -> None:
    for item in [episode(locations=[{"region": "calf", "side": "\udfff"}]), {**episode(), "id": "\ud83d"}]:
        response = post_raw(as_alice, "/api/v1/sync/", json.dumps({"episodes": [item]}))
        assert_error(response, 400, "malformed")
    assert not Episode.objects.exists()


@pytest.mark.parametrize("params", [1001, 51])
def test_too_many_query_parameters_are_a_400(as_alice: APIClient, params: int) -> None:
    query = "&".join(f"p{n}=1" for n in range(params))
    for url in ["/api/v1/episodes/", "/api/v1/sync/", "/api/v1/summary/", "/api/v1/nowhere/"]:
        assert_error(as_alice.get(f"{url}?{query}"), 400, "invalid")


@pytest.mark.parametrize("offset", ["+23:59", "-23:00", "+18:30", "+15:00", "-12:30"])
def test_an_impossible_utc_offset_is_a_field_error(as_alice: APIClient, frozen_now: datetime, offset: str) -> None:
    for response in [
        as_alice.post("/api/v1/episodes/", episode(started_at=f"2026-11-18T07:45:00{offset}")),
        as_alice.patch(f"/api/v1/episodes/{uuid.uuid4()}/", {"started_at": f"2026-11-18T07:45:00{offset}"}),
    ]:
        if response.status_code != 404:  # the PATCH of a missing episode is a 404 first
            assert_error(response, 400, "invalid", "started_at")
    result = as_alice.post("/api/v1/sync/", {"episodes": [episode(started_at=f"2026-11-18T07:45:00{offset}")]})
    assert result.json()["results"]["episodes"][0]["status"] == "invalid"
    assert not Episode.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31", "2101-01-01"])
def test_dates_outside_the_diarys_bounds_are_field_errors(as_alice: APIClient, frozen_now: datetime, day: str) -> None:
    for url in ["/api/v1/episodes/", "/api/v1/checkins/", "/api/v1/summary/"]:
        for name in ["date_from", "date_to"]:
            assert_error(as_alice.get(url, {name: day}), 400, "invalid", name)


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_a_check_in_before_1900_is_refused(as_alice: APIClient, frozen_now: datetime, day: str) -> None:
    assert_error(as_alice.put(f"/api/v1/checkins/{day}/", {"stress": 3}), 400, "invalid", "date")
    result = as_alice.post("/api/v1/sync/", {"checkins": [{"date": day, "stress": 3}]}).json()
    assert result["results"]["checkins"][0]["status"] == "invalid"
    assert not CheckIn.objects.exists()


def test_an_unknown_host_gets_a_json_400_under_the_api(db: None, settings: Any) -> None:
    settings.DEBUG = False
    client = Client()
    response = client.get("/api/v1/episodes/", HTTP_HOST="evil.example")
    assert_error(response, 400, "invalid")
    assert client.get("/admin/", HTTP_HOST="evil.example").status_code == 400


def test_an_error_body_names_at_most_fifty_fields() -> None:
    detail = {f"episodes.{n}.intensity": ["Must be a whole number."] for n in range(120)}
    response = exception_handler(ValidationError(detail), {})
    assert response.status_code == 400
    assert len(response.data["fields"]) == 50
    assert "first 50 of 120" in response.data["message"]


def test_api_answers_with_diary_data_are_never_cached(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    for url in ["/api/v1/episodes/", "/api/v1/checkins/", "/api/v1/sync/", "/api/v1/summary/", "/api/v1/nowhere/"]:
        assert as_alice.get(url)["Cache-Control"] == "no-store", url
    assert as_alice.get("/api/v1/reference/")["Cache-Control"] == "private, no-cache"  # its own, with an ETag


@pytest.mark.parametrize("value", ["false", 0, "", [], {}, "no" * 5000, None])
def test_an_ongoing_that_is_not_a_json_boolean_is_a_small_field_error(
    as_alice: APIClient, alice: User, frozen_now: datetime, value: Any
) -> None:
    """An end forged with another type never ends anything, nor starts one: PATCH, POST and a
    push alike answer a field error that does not echo the value."""
    going = EpisodeFactory(user=alice, started_at=frozen_now, ongoing=True, duration_seconds=None)
    for response in [
        as_alice.patch(f"/api/v1/episodes/{going.id}/", {"ongoing": value}),
        as_alice.post("/api/v1/episodes/", episode(ongoing=value, duration_seconds=None)),
    ]:
        assert_error(response, 400, "invalid", "ongoing")
        assert len(response.content) < 1000
    result = as_alice.post("/api/v1/sync/", {"episodes": [episode(ongoing=value, duration_seconds=None)]}).json()
    assert result["results"]["episodes"][0]["status"] == "invalid"
    going.refresh_from_db()
    assert (Episode.objects.count(), going.ongoing, going.version) == (1, True, 1)


def test_an_end_of_a_deleted_episode_is_a_404_and_does_not_bring_it_back(
    as_alice: APIClient, alice: User, frozen_now: datetime
) -> None:
    going = EpisodeFactory(user=alice, started_at=frozen_now, ongoing=True, duration_seconds=None)
    assert as_alice.delete(f"/api/v1/episodes/{going.id}/").status_code == 204
    assert_error(as_alice.patch(f"/api/v1/episodes/{going.id}/", {"ongoing": False}), 404, "not_found")
    going.refresh_from_db()
    assert (going.ongoing, going.deleted_at is not None) == (True, True)
