"""The admin's sign-in shares the API's throttle (config.throttle): staff can read every diary,
so this door must not take unlimited guesses."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "a long staff passphrase"


@pytest.fixture
def operator(db: None) -> User:
    user: User = UserFactory(username="operator", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def log_in(client: Client, password: str, address: str = "203.0.113.9") -> Any:
    return client.post("/admin/login/", {"username": "operator", "password": password}, REMOTE_ADDR=address)


def test_it_refuses_the_right_password_after_ten_wrong_ones(operator: User) -> None:
    client = Client()
    for _ in range(10):
        assert log_in(client, "wrong").status_code == 200  # the form again, with its error
    refused = log_in(client, PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert b"Too many sign-in attempts" in refused.content
    assert "_auth_user_id" not in client.session
    other = Client()  # the operator, from their own network
    assert log_in(other, PASSWORD, address="198.51.100.7").status_code == 302
    assert other.session["_auth_user_id"] == str(operator.pk)


def test_it_answers_503_when_the_throttle_cannot_count(operator: User, cache_down: None) -> None:
    client = Client()
    response = log_in(client, PASSWORD)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_the_admin_pages_carry_a_strict_content_security_policy(operator: User) -> None:
    response = Client().get("/admin/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_the_api_docs_run_under_the_policy_with_no_inline_script(db: None) -> None:
    client = Client()
    page = client.get("/api/docs/")
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert b"<script>" not in page.content  # every script comes from a file of this site
    assert client.get("/api/docs/?script=").status_code == 200
