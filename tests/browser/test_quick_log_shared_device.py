"""A shared phone: once an account logs out, from any page, nothing of its diary can be read
on the phone by the next person (finding 2 of issue 22)."""

import json
from typing import Any

from django.contrib.auth.models import User

from tests.browser.test_quick_log import (
    log_episode,
    open_quick_log,
    server_counts,
    sign_in_again_and_sync,
    wait_for_status,
)

NOTE = "alice's private note"

# Everything the phone keeps in IndexedDB, as one JSON text.
DUMP = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open("twitch-diary");
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result;
    const names = Array.from(db.objectStoreNames);
    if (!names.length) { db.close(); resolve("{}"); return; }
    const tx = db.transaction(names, "readonly");
    const out = {};
    names.forEach((name) => { tx.objectStore(name).getAll().onsuccess = (e) => { out[name] = e.target.result; }; });
    tx.oncomplete = () => { db.close(); resolve(JSON.stringify(out)); };
  };
})"""


def log_and_sync(page: Any) -> None:
    open_quick_log(page)
    log_episode(page, "Left calf", "4", notes=NOTE)
    wait_for_status(page, "^synced just now$")
    assert NOTE in page.evaluate(DUMP)


def log_out_from_history(page: Any) -> None:
    page.goto("/history/")
    with page.expect_navigation():
        page.locator("footer").get_by_role("button", name="Log out").click()
    assert page.locator("footer").get_by_role("button", name="Log out").count() == 0


def assert_nothing_of_alice(page: Any) -> None:
    text = page.locator("body").inner_text()
    assert NOTE not in text
    assert "Calf" not in page.locator("#recent-list").inner_text()
    assert page.locator("#recent-list li[data-key], #waiting-list li[data-key]").count() == 0
    stored = page.evaluate(DUMP)
    assert NOTE not in stored
    assert "alice" not in stored


def test_logging_out_from_any_page_leaves_nothing_of_the_account_in_the_quick_log(
    signed_in_page: Any, browser_user: User
) -> None:
    page = signed_in_page
    log_and_sync(page)
    log_out_from_history(page)
    page.goto("/quick/")
    wait_for_status(page, "^Signed out")
    assert "You are not signed in" in page.locator("#account-notice").inner_text()
    assert_nothing_of_alice(page)


def test_logging_out_from_any_page_leaves_nothing_to_read_offline(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    log_and_sync(page)
    log_out_from_history(page)
    context.set_offline(True)
    page.goto("/quick/")
    page.locator("#episode-form").wait_for(state="visible")
    wait_for_status(page, "^Offline")
    assert_nothing_of_alice(page)


def test_an_unsent_entry_stays_hidden_after_logging_out_and_goes_when_the_account_signs_in(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_quick_log(page, synced=True)

    def refused(route: Any) -> None:
        if route.request.method == "POST":
            route.fulfill(status=503)
        else:
            route.continue_()

    context.route("**/api/v1/sync/", refused)  # the server is struggling: nothing is sent
    log_episode(page, "Left calf", "4", notes=NOTE)
    wait_for_status(page, "^Could not sync · 1 waiting")
    log_out_from_history(page)
    context.unroute("**/api/v1/sync/", refused)
    page.goto("/quick/")
    wait_for_status(page, "^Signed out")
    assert NOTE not in page.locator("body").inner_text()
    # Kept, but sealed: nothing of it (or of whose it is) can be read from the phone's storage.
    stored = page.evaluate(DUMP)
    assert NOTE not in stored
    assert "alice" not in stored
    assert "phone_key" not in stored
    [item] = json.loads(stored)["queue"]
    assert item["sealed"]
    assert set(item) == {"key", "sealed", "kid", "iv", "data"}
    assert "logged under another account waits on this phone, locked" in page.locator("#waiting-list").inner_text()
    page.locator("#account-notice").get_by_role("link", name="Sign in").click()
    sign_in_again_and_sync(page)
    assert server_counts(browser_user) == (1, 0)
