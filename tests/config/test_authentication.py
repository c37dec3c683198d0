"""The API's token check (config.api.authentication): one query whatever the user's devices,
with knox's hashing, expiry and revocation."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from diary.models import DeviceToken
from diary.services import device_token_create, device_token_revoke
from tests.api.conftest import token_for


def client_with(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_it_reads_only_the_token_it_was_sent_with_its_user_in_one_query(alice: User) -> None:
    for n in range(20):
        token_for(alice, f"device {n}", ttl=timedelta(hours=1) if n % 2 else None)
    phone = client_with(token_for(alice, "phone"))
    later = datetime.now(tz=UTC) + timedelta(hours=2)  # half of the others have expired by then
    with time_machine.travel(later), CaptureQueriesContext(connection) as queries:
        assert phone.get("/api/v1/episodes/").status_code == 200
    tokens = [q["sql"] for q in queries.captured_queries if "diary_devicetoken" in q["sql"]]
    assert len(tokens) == 1
    assert '"auth_user"' in tokens[0]  # the user comes with it
    assert DeviceToken.objects.filter(user=alice).count() == 21  # no clean-up on a request


def test_it_refuses_a_token_whose_hash_differs_in_the_same_key(alice: User) -> None:
    raw = token_for(alice)
    forged = raw[:15] + ("0" if raw[15] != "0" else "1") + raw[16:]
    assert client_with(forged).get("/api/v1/episodes/").status_code == 401
    assert client_with(raw).get("/api/v1/episodes/").status_code == 200


def test_an_expired_token_is_refused_and_deleted(alice: User) -> None:
    raw = token_for(alice, "old", ttl=timedelta(hours=1))
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(hours=2)):
        assert client_with(raw).get("/api/v1/episodes/").status_code == 401
    assert not DeviceToken.objects.filter(device_name="old").exists()


def test_signing_in_clears_the_users_expired_tokens_only(alice: User, bob: User) -> None:
    token_for(alice, "expired", ttl=timedelta(hours=1))
    token_for(alice, "current")
    token_for(bob, "bob's expired", ttl=timedelta(hours=1))
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(hours=2)):
        token, raw = device_token_create(user=alice, device_name="new phone")
        assert client_with(raw).get("/api/v1/episodes/").status_code == 200
    assert token.expiry is not None
    assert set(DeviceToken.objects.values_list("device_name", flat=True)) == {"current", "new phone", "bob's expired"}


def test_a_revoked_token_is_refused(alice: User) -> None:
    token, raw = device_token_create(user=alice, device_name="phone")
    device_token_revoke(token=token)
    assert client_with(raw).get("/api/v1/episodes/").status_code == 401


def test_a_token_that_is_not_text_is_refused(db: None) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer \xff\xfe")
    assert client.get("/api/v1/episodes/").status_code == 401
