"""The account flows against a stolen session or a stolen phone (issue 22): guessing the current
password, tokens and sessions outliving a new password, the e-mail changed behind the owner's back."""

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from diary.models import DeviceToken
from tests.api.conftest import token_for
from tests.conftest import signed_in
from tests.diary.test_account_pages import NEW_PASSWORD, PASSWORD, rates

CHANGE = "/accounts/password/change/"
EPISODES_API = "/api/v1/episodes/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def change(client: Client, old: str) -> Any:
    return client.post(CHANGE, {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def api_status(raw_token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    return int(client.get(EPISODES_API).status_code)


def signed_in_as(client: Client) -> str | None:
    user = client.get("/settings/").wsgi_request.user
    return user.get_username() if user.is_authenticated else None


# --- Finding 3: the old password on the password-change form is counted -----------------------


def test_it_counts_wrong_old_passwords_like_sign_in_tries(alice: User, alice_web: Client, settings: Any) -> None:
    rates(settings, signin_pair="3/15m")
    for _ in range(3):
        assert change(alice_web, "not it").status_code == 200  # wrong, and said so
    refused = change(alice_web, PASSWORD)  # even the right one, once over the limit
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many attempts from your network" in refused.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_it_shares_the_count_with_sign_in(alice: User, alice_web: Client, settings: Any) -> None:
    rates(settings, signin_pair="1/15m")
    Client().post("/accounts/login/", {"username": "alice", "password": "not it"})
    assert change(alice_web, PASSWORD).status_code == 429


def test_it_refuses_a_password_change_it_cannot_count(alice: User, alice_web: Client, cache_down: None) -> None:
    assert change(alice_web, PASSWORD).status_code == 503
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


# --- Finding 4: a new password ends every token and every other session -----------------------


def test_a_password_change_revokes_tokens_and_other_sessions(alice: User, bob: User, alice_web: Client) -> None:
    raw = token_for(alice)
    bobs = token_for(bob)
    other_browser = signed_in(alice)
    assert api_status(raw) == 200
    done = change(alice_web, PASSWORD)
    assert done["Location"] == "/settings/"
    assert api_status(raw) == 401
    assert not DeviceToken.objects.filter(user=alice).exists()
    assert api_status(bobs) == 200  # bob's are his
    assert signed_in_as(other_browser) is None
    page = alice_web.get("/settings/").content.decode()
    assert "signed out on your other devices and the phone app" in page.replace("&#x27;", "'")
    assert signed_in_as(alice_web) == "alice"  # this one stays


def test_a_password_reset_revokes_tokens_and_sessions(alice: User) -> None:
    alice.email = "alice@example.org"
    alice.save()
    raw = token_for(alice)
    other_browser = signed_in(alice)
    client = Client()
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password/reset/done/"
    assert api_status(raw) == 401
    assert signed_in_as(other_browser) is None
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(alice.pk)]
    page = client.get("/accounts/password/reset/done/").content.decode().replace("&#x27;", "'")
    assert "signed out on your other devices and the phone app" in page


def test_a_password_set_in_the_admin_revokes_tokens_and_sessions(alice: User, operator: User) -> None:
    raw = token_for(alice)
    other_browser = signed_in(alice)
    admin = signed_in(operator)
    form = admin.get(f"/admin/auth/user/{alice.pk}/password/").content.decode()
    assert "signs the account out of every other browser and phone" in form  # the admin says so
    done = admin.post(
        f"/admin/auth/user/{alice.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert done.status_code == 302
    assert api_status(raw) == 401
    assert signed_in_as(other_browser) is None
    assert signed_in_as(admin) == "operator"  # the operator's own session is not touched


def test_a_password_set_with_manage_py_changepassword_revokes_tokens(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.auth.management.commands import changepassword

    raw = token_for(alice)
    other_browser = signed_in(alice)
    monkeypatch.setattr(changepassword.getpass, "getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "alice", stdout=StringIO())
    assert api_status(raw) == 401
    assert signed_in_as(other_browser) is None


def test_a_hash_upgraded_at_sign_in_is_not_a_password_change(alice: User, settings: Any) -> None:
    """Django re-hashes a password at sign-in when its hasher's settings change; that must not
    sign the phone out."""
    raw = token_for(alice)
    alice.password = make_password(PASSWORD, hasher="md5")
    alice.save(update_fields=["password"])
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    assert Client().login(username="alice", password=PASSWORD)
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_sha256$")  # upgraded
    assert api_status(raw) == 200


# --- Finding 5: a new e-mail address needs the password, and the old address hears of it -------


def settings_post(client: Client, **data: str) -> Any:
    return client.post("/settings/", {"time_zone": "UTC", **data})


@pytest.fixture
def alice_with_email(alice: User) -> User:
    alice.email = "alice@example.org"
    alice.save()
    return alice


@pytest.mark.parametrize("password", ["", "not it"])
def test_it_keeps_the_email_without_the_right_password(
    alice_with_email: User, alice_web: Client, password: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = settings_post(alice_web, email="mallory@example.org", password=password)
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    alice_with_email.refresh_from_db()
    assert alice_with_email.email == "alice@example.org"
    assert mail.outbox == []


def test_it_changes_the_email_with_the_password_and_tells_the_old_address(
    alice_with_email: User, alice_web: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = settings_post(alice_web, email="new@example.org", password=PASSWORD)
    assert response["Location"] == "/settings/"
    alice_with_email.refresh_from_db()
    assert alice_with_email.email == "new@example.org"
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["alice@example.org"]
    assert "e-mail address was changed" in notice.subject
    assert "change your password" in notice.body


def test_it_changes_the_time_zone_alone_without_the_password(
    alice_with_email: User, alice_web: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = settings_post(alice_web, email="alice@example.org", time_zone="Europe/Paris")
    assert response["Location"] == "/settings/"
    assert mail.outbox == []


def test_it_counts_the_email_changes_password_like_sign_in_tries(
    alice_with_email: User, alice_web: Client, settings: Any
) -> None:
    rates(settings, signin_pair="2/15m")
    for _ in range(2):
        assert settings_post(alice_web, email="mallory@example.org", password="not it").status_code == 400
    refused = settings_post(alice_web, email="mallory@example.org", password=PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    alice_with_email.refresh_from_db()
    assert alice_with_email.email == "alice@example.org"


# --- Attacks tried once more (issue 22, "Done when") --------------------------------------------


def reset_link(client: Client, email: str) -> str:
    client.post("/accounts/password/reset/", {"email": email})
    found = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body)
    assert found is not None
    return found.group(1)


def use_reset_link(client: Client, link: str, password: str) -> Any:
    form = client.get(link, follow=True)
    return client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_a_reset_link_works_once(alice_with_email: User) -> None:
    link = reset_link(Client(), "alice@example.org")
    assert use_reset_link(Client(), link, NEW_PASSWORD)["Location"] == "/accounts/password/reset/done/"
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False  # the new password's hash changed the token
    assert Client().login(username=alice_with_email.username, password=NEW_PASSWORD)


def test_a_reset_link_sent_before_an_email_change_stops_working(
    alice_with_email: User, alice_web: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """A thief who asked for a reset to the old address cannot use it once the owner moved the
    account to a new address (Django's token covers the e-mail)."""
    link = reset_link(Client(), "alice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        settings_post(alice_web, email="new@example.org", password=PASSWORD)
    thief = Client()
    assert thief.get(link, follow=True).context["validlink"] is False
    assert not Client().login(username=alice_with_email.username, password=NEW_PASSWORD)
    assert Client().login(username=alice_with_email.username, password=PASSWORD)


def test_a_password_change_on_one_device_signs_the_other_out_at_its_next_request(
    alice: User, alice_web: Client
) -> None:
    phone_browser = signed_in(alice)
    assert signed_in_as(phone_browser) == alice.username
    assert change(alice_web, PASSWORD).status_code == 302
    assert signed_in_as(phone_browser) is None
    assert phone_browser.get("/history/")["Location"].startswith("/accounts/login/")
    assert signed_in_as(alice_web) == alice.username  # the device that changed it stays in
