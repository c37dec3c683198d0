import re
from typing import Any

from django.contrib.auth.models import User

from diary.models import Profile
from tests.browser.conftest import BROWSER_PASSWORD, look_at


def test_it_signs_up_in_the_browsers_time_zone_then_logs_out_and_in(page: Any, transactional_db: None) -> None:
    page.goto("/accounts/signup/")
    zone = page.get_by_label("Time zone")
    assert zone.input_value() == "Europe/Paris"  # set by timezone.js from the browser
    assert page.get_by_text("Set from your browser (Europe/Paris)").is_visible()
    look_at(page, "signup")

    page.get_by_label("User name").fill("carol")
    page.get_by_label("Password", exact=True).fill("a long pass phrase 2")
    page.get_by_label("Password again").fill("a long pass phrase 3")
    page.get_by_role("button", name="Create my account").click()
    assert page.get_by_text("The two passwords are not the same.").is_visible()
    assert page.get_by_label("User name").input_value() == "carol"
    assert page.get_by_label("Time zone").input_value() == "Europe/Paris"  # what was chosen stays
    look_at(page, "signup-errors")

    page.get_by_label("Password", exact=True).fill("a long pass phrase 2")
    page.get_by_label("Password again").fill("a long pass phrase 2")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(re.compile(r"/log/$"))
    assert Profile.objects.get(user__username="carol").time_zone == "Europe/Paris"

    page.goto("/settings/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))  # home (the form goes once the phone's copy is cleared)
    assert page.get_by_role("link", name="Log in").is_visible()

    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("User name").fill("carol")
    page.get_by_label("Password").fill("a long pass phrase 2")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/log/$"))


def test_it_shows_a_wrong_password_and_the_forgotten_password_page(page: Any, browser_user: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
    look_at(page, "login")

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail").fill("alice@example.org")
    look_at(page, "password-reset")
    page.get_by_role("button", name="Send me a link").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()


def test_it_changes_the_time_zone_in_the_settings(signed_in_page: Any, browser_user: User) -> None:
    page = signed_in_page
    page.goto("/settings/")
    assert page.get_by_label("Time zone").input_value() == "Europe/Paris"
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_label("E-mail (optional)").fill("alice@example.org")
    page.get_by_label("Your password (to change the e-mail)").fill(BROWSER_PASSWORD)  # a new address needs it
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Your settings are saved.").is_visible()
    assert Profile.objects.get(user=browser_user).time_zone == "Asia/Tokyo"
    look_at(page, "settings")

    page.get_by_role("button", name="Delete my account…").click()
    page.get_by_label("Your password").fill("not it")
    page.get_by_role("button", name="Erase my account for good").click()
    assert page.get_by_text("The password is not right; nothing was erased.").is_visible()
    look_at(page, "account-delete")

    page.goto("/accounts/password/change/")
    page.get_by_label("Old password").fill("not it")
    page.get_by_label("New password", exact=True).fill("x")
    page.get_by_label("New password again").fill("y")
    page.get_by_role("button", name="Change my password").click()
    assert page.get_by_role("alert").is_visible()
    look_at(page, "password-change")


def test_an_unknown_page_is_the_sites_own(page: Any, transactional_db: None) -> None:
    page.goto("/no-such-page/")
    assert page.get_by_role("heading", name="There is nothing here").is_visible()
    look_at(page, "404")
