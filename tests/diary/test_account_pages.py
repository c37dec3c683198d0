import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from diary.models import Episode, Profile
from tests.factories import EpisodeFactory, write_history

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "a brand new pass phrase 7"
SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def rates(settings: Any, **changed: str) -> None:
    settings.SECRET_THROTTLE_RATES = {**settings.SECRET_THROTTLE_RATES, **changed}


def signup_data(**changed: str) -> dict[str, str]:
    return {
        "username": "carol",
        "email": "carol@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "Pacific/Auckland",
        **changed,
    }


def html(response: Any) -> str:
    return str(response.content.decode())


def signed_in_as(client: Client) -> str | None:
    user = client.get("/settings/").wsgi_request.user
    return user.get_username() if user.is_authenticated else None


# --- Sign up ---------------------------------------------------------------------------------


def test_it_shows_a_fresh_sign_up_form_at_utc_for_the_browser_to_guess(db: None) -> None:
    page = html(Client().get(SIGNUP))
    select = re.search(r"<select[^>]*>", page)
    assert select is not None
    assert "data-guess-time-zone" in select.group()
    assert '<option value="UTC" selected>' in page
    assert "Without JavaScript this starts at UTC" in page
    assert 'value="Europe/Paris"' in page


def test_it_signs_up_signs_in_and_opens_the_log_page(db: None) -> None:
    client = Client()
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/log/"
    carol = User.objects.get(username="carol")
    assert carol.email == "carol@example.org"
    assert carol.check_password(PASSWORD)
    assert Profile.objects.get(user=carol).time_zone == "Pacific/Auckland"
    assert signed_in_as(client) == "carol"


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"username": "ALICE"}, "username", "This user name is taken."),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "This password is too common."),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a time zone name this diary knows"),
        ({"password2": "correct horse battery stable"}, "password2", "The two passwords are not the same."),
        ({"email": "carol@"}, "email", "Enter a valid email address."),
    ],
)
def test_it_refuses_a_bad_sign_up_keeping_what_was_typed(
    alice: User, changed: dict[str, str], field: str, message: str
) -> None:
    response = Client().post(SIGNUP, signup_data(**changed))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    page = html(response)
    # The message is next to its field, which points at it.
    assert f'id="id_{field}_error"' in page
    control = re.search(rf'<(input|select)[^>]*name="{field}"[^>]*>', page)
    assert control is not None
    assert 'aria-invalid="true"' in control.group()
    assert f"id_{field}_error" in control.group()
    # What was typed stays (but passwords, which are never sent back).
    typed = signup_data(**changed)
    assert f'value="{typed["username"]}"' in page
    if field != "email":
        assert f'value="{typed["email"]}"' in page
    if field != "time_zone":
        assert f'<option value="{typed["time_zone"]}" selected>' in page
    assert PASSWORD not in page
    assert list(User.objects.values_list("username", flat=True)) == ["alice"]
    assert not Profile.objects.exists()


def test_it_throttles_sign_ups_per_address(db: None, settings: Any) -> None:
    rates(settings, register_address="1/h")
    assert Client().post(SIGNUP, signup_data(), REMOTE_ADDR="192.0.2.8").status_code == 302
    refused = Client().post(SIGNUP, signup_data(username="dave"), REMOTE_ADDR="192.0.2.8")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many attempts from your network" in html(refused)
    assert 'value="dave"' in html(refused)
    assert not User.objects.filter(username="dave").exists()


def test_it_refuses_a_sign_up_it_cannot_count(db: None, cache_down: None) -> None:
    response = Client().post(SIGNUP, signup_data())
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "unavailable for a moment" in html(response)
    assert not User.objects.exists()


def test_it_sends_a_signed_in_person_from_sign_up_to_the_log(alice_web: Client) -> None:
    assert alice_web.get(SIGNUP)["Location"] == "/log/"


# --- Log in and out -------------------------------------------------------------------------


def test_it_logs_in_and_out(alice: User) -> None:
    client = Client()
    assert client.get(LOGIN).status_code == 200
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/log/"
    assert signed_in_as(client) == "alice"
    assert 'action="/accounts/logout/"' in html(client.get("/settings/"))
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert signed_in_as(client) is None


def test_it_refuses_a_wrong_password(alice: User) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "alice", "password": "not it"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in html(response)
    assert 'value="alice"' in html(response)
    assert signed_in_as(client) is None


def test_it_throttles_sign_in_tries(alice: User, settings: Any) -> None:
    rates(settings, signin_pair="2/15m")
    client = Client()
    for _ in range(2):
        assert client.post(LOGIN, {"username": "alice", "password": "not it"}).status_code == 200
    refused = client.post(LOGIN, {"username": "alice", "password": PASSWORD})  # right, but too late
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many sign-in attempts" in html(refused)
    assert signed_in_as(client) is None


def test_it_refuses_to_sign_in_when_it_cannot_count(alice: User, cache_down: None) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "unavailable for a moment" in html(response)
    assert signed_in_as(client) is None


# --- Passwords ------------------------------------------------------------------------------


def test_it_changes_the_password(alice: User, alice_web: Client) -> None:
    url = "/accounts/password/change/"
    assert "You stay signed in here" in html(alice_web.get(url))  # our page, not the admin's
    wrong = alice_web.post(
        url, {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    done = alice_web.post(url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/settings/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert "Your password is changed." in html(alice_web.get("/settings/"))  # still signed in


def test_it_resets_a_forgotten_password_by_email(alice: User) -> None:
    alice.email = "alice@example.org"
    alice.save()
    client = Client()
    sent = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert sent["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    form = client.get(link.group(1), follow=True)  # Django moves the token out of the address
    assert "Choose a new password" in html(form)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert "This link no longer works" in html(client.get(link.group(1), follow=True))


def test_it_sends_nothing_for_an_unknown_address(alice: User) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"  # the same answer: no probing
    assert mail.outbox == []


def test_it_throttles_reset_requests_per_address(alice: User, settings: Any) -> None:
    rates(settings, password_reset_address="1/h")
    alice.email = "alice@example.org"
    alice.save()
    assert Client().post("/accounts/password/reset/", {"email": "alice@example.org"}).status_code == 302
    refused = Client().post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert refused.status_code == 429
    assert "Too many attempts from your network" in html(refused)
    assert len(mail.outbox) == 1


def test_it_refuses_a_reset_request_it_cannot_count(alice: User, cache_down: None) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 503
    assert mail.outbox == []


# --- Settings -------------------------------------------------------------------------------


def test_it_changes_the_time_zone_and_email(alice: User, alice_web: Client) -> None:
    page = alice_web.get("/settings/")
    assert page.status_code == 200
    assert '<option value="UTC" selected>' in html(page)  # no profile yet: UTC
    for text in ("Download all my data", "Delete my account", "Change my password"):
        assert text in html(page)
    response = alice_web.post(
        "/settings/", {"time_zone": "America/Argentina/Buenos_Aires", "email": "a@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/settings/"
    assert Profile.objects.get(user=alice).time_zone == "America/Argentina/Buenos_Aires"
    alice.refresh_from_db()
    assert alice.email == "a@example.org"
    again = html(alice_web.get("/settings/"))
    assert "Your settings are saved." in again
    assert '<option value="America/Argentina/Buenos_Aires" selected>' in again


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"time_zone": "Europe/Atlantis", "email": "a@example.org"}, "time_zone"),
        ({"time_zone": "Europe/Paris", "email": "not an address"}, "email"),
    ],
)
def test_it_refuses_bad_settings_writing_nothing(
    alice: User, alice_web: Client, data: dict[str, str], field: str
) -> None:
    response = alice_web.post("/settings/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'aria-invalid="true"' in html(response)
    assert not Profile.objects.filter(user=alice).exists()
    alice.refresh_from_db()
    assert alice.email == ""


@pytest.mark.parametrize("episodes", [100, 10_000])
def test_the_settings_page_costs_the_same_few_queries_whatever_the_diary(
    alice: User, alice_web: Client, episodes: int, django_assert_max_num_queries: Any
) -> None:
    write_history(alice, episodes, latest=timezone.now() - timedelta(days=1), every=timedelta(minutes=50))
    with django_assert_max_num_queries(3):  # the session, the user, the profile
        assert alice_web.get("/settings/").status_code == 200


# --- Export and erasure ---------------------------------------------------------------------


def test_it_downloads_alices_data_and_only_hers(alice: User, bob: User, alice_web: Client) -> None:
    hers, his = EpisodeFactory(user=alice), EpisodeFactory(user=bob)
    response = alice_web.get("/settings/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="twitch-diary-export-alice-')
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert str(hers.id) in body
    assert str(his.id) not in body
    assert "bob" not in body
    assert json.loads(body)["profile"]["username"] == "alice"


def test_it_asks_to_sign_in_before_the_export_or_erasure(db: None) -> None:
    for url in ("/settings/", "/settings/export/", "/settings/delete/"):
        assert Client().get(url)["Location"].startswith(f"{LOGIN}?next=")


def test_it_erases_nothing_with_a_wrong_password(alice: User, alice_web: Client) -> None:
    EpisodeFactory(user=alice)
    page = alice_web.get("/settings/delete/")
    assert "This cannot be undone." in html(page)
    response = alice_web.post("/settings/delete/", {"password": "not it"})
    assert response.status_code == 400
    assert "The password is not right; nothing was erased." in html(response)
    assert User.objects.filter(username="alice").exists()
    assert Episode.objects.filter(user=alice).count() == 1
    assert signed_in_as(alice_web) == "alice"


def test_it_throttles_erasure_tries_like_sign_in(alice: User, alice_web: Client, settings: Any) -> None:
    rates(settings, signin_pair="1/15m")
    alice_web.post("/settings/delete/", {"password": "not it"})
    refused = alice_web.post("/settings/delete/", {"password": PASSWORD})
    assert refused.status_code == 429
    assert User.objects.filter(username="alice").exists()


def test_it_erases_the_account_and_signs_out(alice: User, bob: User, alice_web: Client) -> None:
    EpisodeFactory(user=alice)
    EpisodeFactory(user=bob)
    response = alice_web.post("/settings/delete/", {"password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Your account and everything in it are erased." in html(response)
    assert not User.objects.filter(username="alice").exists()
    assert list(Episode.objects.values_list("user__username", flat=True)) == ["bob"]
    assert signed_in_as(alice_web) is None


# --- Forged forms and error pages ------------------------------------------------------------


def test_a_forged_csrf_token_gets_a_readable_403_and_writes_nothing(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/settings/")  # the real token is set in a cookie; the form sends another
    forged = {"csrfmiddlewaretoken": "x" * 64}
    for url, data in [
        ("/settings/", {"time_zone": "Asia/Tokyo", "email": "a@example.org", **forged}),
        ("/settings/delete/", {"password": PASSWORD, **forged}),
        ("/accounts/password/change/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, **forged}),
    ]:
        response = client.post(url, {**data, "new_password2": NEW_PASSWORD})
        assert response.status_code == 403
        assert "Nothing was saved." in html(response)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert alice.email == ""
    assert not Profile.objects.filter(user=alice).exists()
    assert Client(enforce_csrf_checks=True).post(SIGNUP, {**signup_data(), **forged}).status_code == 403
    assert not User.objects.filter(username="carol").exists()


def test_an_unknown_page_is_an_html_page_and_an_unknown_api_address_json(alice_web: Client) -> None:
    page = alice_web.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    assert "There is nothing here" in html(page)
    assert 'aria-label="Main"' in html(page)  # the site's own page, with its navigation
    api = alice_web.get("/api/v1/no-such-thing/")
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"


@pytest.mark.parametrize("template", ["500.html", "400.html", "403_csrf.html"])
def test_the_error_pages_render_without_a_request(template: str) -> None:
    page = render_to_string(template)
    assert "<h1>" in page


# --- Settings: for your doctor ----------------------------------------------------------------


def test_it_saves_the_clinical_profile_with_the_settings(alice: User, alice_web: Client, frozen_now: Any) -> None:
    page = html(alice_web.get("/settings/"))
    assert "For your doctor" in page
    assert "never your user name" in page
    response = alice_web.post(
        "/settings/",
        {
            "time_zone": "Europe/Paris",
            "email": "",
            "display_name": " Alice Martin ",
            "date_of_birth": "1980-04-02",
            "twitching_since": "2024-06-01",
            "family_history": "Father: ALS at 70.",
        },
    )
    assert response["Location"] == "/settings/"
    profile = Profile.objects.get(user=alice)
    assert (profile.display_name, profile.date_of_birth, profile.twitching_since, profile.family_history) == (
        "Alice Martin",
        date(1980, 4, 2),
        date(2024, 6, 1),
        "Father: ALS at 70.",
    )
    again = html(alice_web.get("/settings/"))
    assert 'value="Alice Martin"' in again
    assert 'value="1980-04-02"' in again
    assert "Father: ALS at 70." in again
    # Emptied, they are cleared.
    alice_web.post("/settings/", {"time_zone": "Europe/Paris", "email": ""})
    profile.refresh_from_db()
    assert (profile.display_name, profile.date_of_birth, profile.family_history) == ("", None, "")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date_of_birth": "2026-02-30"}, "date_of_birth", "Enter a real date"),
        ({"date_of_birth": "2026-11-21"}, "date_of_birth", "cannot be in the future"),
        ({"twitching_since": "1899-12-31"}, "twitching_since", "cannot be before 1900-01-01"),
        ({"date_of_birth": "1990-01-01", "twitching_since": "1989-01-01"}, "twitching_since", "before the date of"),
        ({"display_name": "x" * 101}, "display_name", "at most 100 characters"),
        ({"family_history": "x" * 2001}, "family_history", "at most 2000 characters"),
    ],
)
def test_it_shows_a_clinical_field_error_next_to_the_field_writing_nothing(
    alice: User, alice_web: Client, frozen_now: Any, data: dict[str, str], field: str, message: str
) -> None:
    response = alice_web.post("/settings/", {"time_zone": "Europe/Paris", "email": "", **data})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in html(response)
    assert not Profile.objects.filter(user=alice).exists()  # not even the time zone
