from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from diary.models import DeviceToken, Profile
from tests.api.conftest import assert_error, token_for

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def sign_in(client: APIClient, username: str = "alice", password: str = PASSWORD, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(
        TOKEN_URL, {"username": username, "password": password, "device_name": "Pixel 8"}, REMOTE_ADDR=address
    )


def test_it_registers_an_account_with_a_time_zone(anonymous: APIClient) -> None:
    response = anonymous.post(
        "/api/v1/auth/register/", {"username": "carol", "password": PASSWORD, "time_zone": "Pacific/Auckland"}
    )
    assert response.status_code == 201
    assert response.json() == {"username": "carol", "time_zone": "Pacific/Auckland"}
    assert Profile.objects.get(user__username="carol").time_zone == "Pacific/Auckland"
    assert User.objects.get(username="carol").check_password(PASSWORD)


def test_it_refuses_a_taken_name_a_weak_password_and_a_bad_zone(anonymous: APIClient, alice: User) -> None:
    response = anonymous.post(
        "/api/v1/auth/register/", {"username": "ALICE", "password": "123", "time_zone": "Moon/Base"}
    )
    assert_error(response, 400, "invalid", "username", "password", "time_zone")
    assert User.objects.count() == 1


def test_it_issues_a_hashed_expiring_token_per_device(anonymous: APIClient, alice: User, frozen_now: datetime) -> None:
    response = sign_in(anonymous)
    assert response.status_code == 201
    body = response.json()
    assert body["device_name"] == "Pixel 8"
    stored = DeviceToken.objects.get(user=alice)
    assert body["token"] not in (stored.digest, stored.token_key)  # only a hash is stored
    assert stored.expiry == frozen_now + timedelta(days=90)
    second = sign_in(anonymous).json()["token"]
    assert second != body["token"]
    assert DeviceToken.objects.filter(user=alice).count() == 2


def test_a_token_opens_the_api_and_revoking_it_closes_only_that_one(anonymous: APIClient, alice: User) -> None:
    phone, tablet = APIClient(), APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(alice, 'phone')}")
    tablet.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(alice, 'tablet')}")
    assert phone.get("/api/v1/episodes/").status_code == 200
    assert phone.delete(TOKEN_URL).status_code == 204
    assert_error(phone.get("/api/v1/episodes/"), 401, "authentication_failed")
    assert tablet.get("/api/v1/episodes/").status_code == 200
    assert list(DeviceToken.objects.values_list("device_name", flat=True)) == ["tablet"]


def test_an_expired_token_is_refused(alice: User) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(alice, ttl=timedelta(hours=1))}")
    assert client.get("/api/v1/episodes/").status_code == 200
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(hours=2)):
        response = client.get("/api/v1/episodes/")
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer", "Bearer not-a-token", "Bearer a b", "Token abc"])
def test_a_malformed_or_unknown_token_is_refused(db: None, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/episodes/").status_code == 401


def test_wrong_credentials_are_a_401(anonymous: APIClient, alice: User) -> None:
    assert_error(sign_in(anonymous, password="wrong"), 401, "invalid_credentials")
    assert_error(sign_in(anonymous, username="nobody"), 401, "invalid_credentials")
    assert not DeviceToken.objects.exists()


def test_failed_sign_ins_are_slowed_then_refused_per_account(alice: User) -> None:
    client = APIClient()
    start = datetime(2026, 11, 20, 12, 0, 0)
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(3):
            assert sign_in(client, password="wrong", address=f"10.0.0.{attempt}").status_code == 401
        # The fourth try must wait a second, even from another address.
        slowed = sign_in(client, address="10.0.0.99")
        assert_error(slowed, 429, "throttled")
        assert slowed["Retry-After"] == "1"
        for _ in range(7):  # keep failing, each time after the wait asked for
            clock.shift(timedelta(minutes=2))
            assert sign_in(client, password="wrong", address="10.0.0.5").status_code == 401
        clock.shift(timedelta(minutes=2))
        locked = sign_in(client, address="10.0.0.200")  # the right password no longer helps
        assert_error(locked, 429, "throttled")
        assert int(locked["Retry-After"]) > 10 * 60
        clock.shift(timedelta(minutes=16))
        assert sign_in(client, address="10.0.0.201").status_code == 201


def test_failed_sign_ins_are_limited_per_address_across_accounts(alice: User, bob: User) -> None:
    client = APIClient()
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, 0), tick=False):
        for name in ["alice", "bob", "carol"]:
            assert sign_in(client, username=name, password="wrong", address="10.9.9.9").status_code == 401
        assert_error(sign_in(client, username="bob", address="10.9.9.9"), 429, "throttled")
        assert sign_in(client, username="bob", address="10.1.1.1").status_code == 201


def test_revoking_needs_a_token(alice: User) -> None:
    client = APIClient()
    assert_error(client.delete(TOKEN_URL), 401, "not_authenticated")
    client.force_login(alice)  # a browser session is not a token
    assert_error(client.delete(TOKEN_URL), 400, "invalid")


def test_the_browser_session_needs_csrf_for_writes(alice: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/v1/episodes/").status_code == 200
    assert_error(client.post("/api/v1/episodes/", {}), 403, "permission_denied")
