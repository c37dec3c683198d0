"""What a single-record call costs, counted exactly, through the real API with a real token.

The counts are the statements of the request itself. Inside a test the request's transaction
is a savepoint (SAVEPOINT and RELEASE are counted, where a server counts BEGIN and COMMIT, which
Django does not log); what runs after the commit (the analysis request that diary.changes hands
to tracker) is not in the count: it is one callback, registered once per transaction."""

import uuid
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from diary.models import DeviceToken, Episode
from tests.api.test_sync import episode

URL = "/api/v1/episodes/"


@pytest.fixture
def phone(alice: User, frozen_now: datetime) -> APIClient:
    """Alice's phone, with a knox token as sign-in issues it, among her other devices' tokens,
    after a first write (which creates her profile and has this process read the codes)."""
    for device in ("tablet", "old phone", "laptop"):
        DeviceToken.objects.create(user=alice, device_name=device)
    _, raw = DeviceToken.objects.create(user=alice, device_name="Pixel 8")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.post(URL, episode()).status_code == 201
    return client


def test_it_creates_an_episode_in_nine_queries(phone: APIClient, django_assert_num_queries: Any) -> None:
    # The token with its user; the stored reference version (the codes are this process's);
    # SAVEPOINT; the change number's claim (UPDATE ... RETURNING, which also takes the user's
    # lock); the episode, its location, trigger and symptom inserts; RELEASE. No read-back,
    # and not the analysis request, which waits for the commit (never, inside a test).
    with django_assert_num_queries(9):
        response = phone.post(URL, episode(triggers=["exercise", "caffeine"], symptoms=["cramp"]))
    assert response.status_code == 201
    body = response.json()
    stored = Episode.objects.get(pk=body["id"])
    assert (body["version"], body["triggers"], body["symptoms"]) == (1, ["caffeine", "exercise"], ["cramp"])
    assert body["locations"] == [{"region": "calf", "side": "right"}]
    assert body["updated_at"] == stored.updated_at.isoformat().replace("+00:00", "Z")
    assert response["ETag"] == '"1"'


def test_it_reads_one_episode_in_three_queries(phone: APIClient, django_assert_num_queries: Any) -> None:
    created = phone.post(URL, episode(triggers=["exercise", "caffeine"], symptoms=["cramp"])).json()
    # The token with its user; the episode; its locations, triggers and symptoms in one query.
    with django_assert_num_queries(3):
        response = phone.get(f"{URL}{created['id']}/")
    assert response.status_code == 200
    assert response.json() == created


def test_a_matching_etag_costs_two_queries(phone: APIClient, django_assert_num_queries: Any) -> None:
    tag = phone.get("/api/v1/reference/")["ETag"]
    # The token with its user; the stored reference version.
    with django_assert_num_queries(2):
        response = phone.get("/api/v1/reference/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 304


def test_a_replayed_create_answers_the_stored_record_as_created(phone: APIClient) -> None:
    body = episode(id=str(uuid.uuid4()))
    first = phone.post(URL, body)
    again = phone.post(URL, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
