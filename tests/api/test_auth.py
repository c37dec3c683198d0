from datetime import UTC, datetime, timedelta
from typing import Any

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


def sign_in(  # type: ignore[no-untyped-def]
    client: APIClient, username: str = "alice", password: str = PASSWORD, address: str = "10.0.0.1", **headers: str
):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password, "device_name": "Pixel 8"},
        REMOTE_ADDR=address,
        **headers,
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


def test_it_locks_out_the_guesser_not_the_owner(alice: User) -> None:
    client = APIClient()
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, 0), tick=False):
        for _ in range(10):
            assert sign_in(client, password="wrong", address="203.0.113.9").status_code == 401
        locked = sign_in(client, address="203.0.113.9")  # even the right password, from there
        assert_error(locked, 429, "throttled")
        assert 0 < int(locked["Retry-After"]) <= 15 * 60
        assert not DeviceToken.objects.exists()
        assert sign_in(client, address="198.51.100.7").status_code == 201  # the owner, elsewhere


def test_a_locked_address_does_not_lock_other_accounts_behind_it(alice: User, bob: User) -> None:
    client = APIClient()
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, 0), tick=False):
        for _ in range(11):
            sign_in(client, password="wrong", address="203.0.113.9")
        assert_error(sign_in(client, address="203.0.113.9"), 429, "throttled")
        assert sign_in(client, username="bob", address="203.0.113.9").status_code == 201


def test_it_slows_guessing_one_account_from_many_addresses(alice: User) -> None:
    client = APIClient()
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, 0), tick=False) as clock:
        for n in range(15):  # THROTTLE_SIGNIN_ACCOUNT's default, 15/10m
            assert sign_in(client, password="wrong", address=f"10.0.1.{n}").status_code == 401
        slowed = sign_in(client, address="10.0.2.1")
        assert_error(slowed, 429, "throttled")
        assert 0 < int(slowed["Retry-After"]) <= 10 * 60  # a slowdown, not a lockout
        clock.shift(timedelta(minutes=10, seconds=1))
        assert sign_in(client, address="10.0.2.1").status_code == 201


def test_it_slows_one_address_trying_many_accounts(alice: User) -> None:
    client = APIClient()
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, 0), tick=False):
        for n in range(50):
            assert sign_in(client, username=f"user{n}", password="wrong", address="192.0.2.50").status_code == 401
        assert_error(sign_in(client, address="192.0.2.50"), 429, "throttled")
        assert sign_in(client, address="192.0.2.51").status_code == 201


def test_the_lockout_ends_with_its_window(alice: User) -> None:
    client = APIClient()
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, 0), tick=False) as clock:
        for _ in range(10):
            sign_in(client, password="wrong", address="203.0.113.9")
        assert sign_in(client, address="203.0.113.9").status_code == 429
        clock.shift(timedelta(minutes=31))  # a 15-minute window, wherever its edge fell
        assert sign_in(client, address="203.0.113.9").status_code == 201


def test_a_forwarded_address_is_ignored_unless_a_proxy_is_trusted(alice: User, settings: Any) -> None:
    client = APIClient()
    for n in range(10):  # a guesser who writes a new X-Forwarded-For each time gains nothing
        sign_in(client, password="wrong", address="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.9.0.{n}")
    assert sign_in(client, address="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.0.200").status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_on_its_own(alice: User, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    proxy = "10.0.0.2"  # every request arrives from the proxy
    for _ in range(10):  # the stranger's spoofed left part is ignored; the proxy's entry counts
        sign_in(client, password="wrong", address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert sign_in(client, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert sign_in(client, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 201


def test_registration_is_throttled_per_address(anonymous: APIClient) -> None:
    for n in range(20):
        response = anonymous.post(
            "/api/v1/auth/register/", {"username": f"new{n}", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8"
        )
        assert response.status_code == 201
    refused = anonymous.post(
        "/api/v1/auth/register/", {"username": "new20", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8"
    )
    assert_error(refused, 429, "throttled")
    assert not User.objects.filter(username="new20").exists()


def test_it_answers_503_when_the_throttle_cannot_count(alice: User, cache_down: None, caplog: Any) -> None:
    client = APIClient()
    for response in [
        sign_in(client),
        client.post("/api/v1/auth/register/", {"username": "carol", "password": PASSWORD}),
    ]:
        assert_error(response, 503, "unavailable")
        assert int(response["Retry-After"]) > 0
    assert not DeviceToken.objects.exists()
    assert not User.objects.filter(username="carol").exists()
    assert not [r for r in caplog.records if r.exc_info]  # no traceback in the log


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


def test_a_passphrase_keeps_its_spaces(anonymous: APIClient) -> None:
    spaced = "  spaces around a passphrase  "
    assert anonymous.post("/api/v1/auth/register/", {"username": "dana", "password": spaced}).status_code == 201
    assert sign_in(anonymous, username="dana", password=spaced).status_code == 201
    assert sign_in(anonymous, username="dana", password=spaced.strip()).status_code == 401


def test_options_answers_405_not_a_description(as_alice: APIClient) -> None:
    for url in ["/api/v1/episodes/", "/api/v1/checkins/2026-11-01/", "/api/v1/sync/"]:
        assert_error(as_alice.options(url), 405, "method_not_allowed")
