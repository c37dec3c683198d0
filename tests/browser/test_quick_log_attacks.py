"""The quick log attacked as an outside tester would, in Chromium: two tabs at once, pushes
answered late, a phone clock ahead of the server's, a record deleted elsewhere, hostile text, a
new release, long pulls, and signing out with entries waiting. Each test is a bug that was found
or a way in that held."""

from typing import Any

from django.contrib.auth.models import User

from tests.browser.test_quick_log import log_episode, open_quick_log, server_counts, wait_for_status


def is_pull(url: str) -> bool:
    return "/api/v1/sync/?" in url


def open_and_sync(page: Any) -> None:
    """The quick log opened and its first sync over (the account shows once a sync answered)."""
    open_quick_log(page)
    page.locator("#account").wait_for(state="visible")


def held_until_released(context: Any, page: Any, matches: Any) -> list[Any]:
    """The first request of `page` (not of the service worker) that `matches`, held: the test
    lets it go with held[0].continue_(). Later requests go through."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        if not held and route.request.service_worker is None and route.request.frame.page == page:
            held.append(route)
        else:
            route.continue_()

    context.route(matches, hold)
    return held


def wait_until_held(page: Any, held: list[Any]) -> None:
    for _ in range(100):
        if held:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the request was never made")


def test_it_sends_an_entry_logged_in_a_second_tab_while_the_first_tab_syncs(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    first = signed_in_page
    open_and_sync(first)
    second = context.new_page()
    open_and_sync(second)
    held = held_until_released(context, first, is_pull)
    first.get_by_role("button", name="Sync now").click()
    wait_until_held(first, held)  # the first tab holds the sync's lock until its pull is answered
    log_episode(second, "Tongue", "3")  # the second's own sync, and its worker's, find the lock taken
    held[0].continue_()
    wait_for_status(second, "^synced just now$")
    assert server_counts(browser_user) == (1, 0)
