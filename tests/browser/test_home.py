from typing import Any

from tests.browser.conftest import look_at


def test_it_shows_the_welcome_page_to_a_visitor(page: Any) -> None:
    page.goto("/")
    assert page.get_by_role("heading", name="Twitch diary").is_visible()
    assert page.get_by_role("button", name="Create an account").is_visible()
    assert page.get_by_text("This diary never diagnoses.").count() == 1  # it said so twice
    look_at(page, "home")
