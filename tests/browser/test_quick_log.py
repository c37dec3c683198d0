"""The phone client (the quick log, /quick/) in Chromium: installable, opens offline, queues
what is logged in IndexedDB, and syncs through /api/v1/sync/ without losing or doubling."""

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from tests.browser.conftest import CHROMIUM, look_at


def sign_in(context: Any, user: User, live_server: Any) -> None:
    """The user's session cookie in the browser context (signing in has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def open_quick_log(page: Any) -> None:
    """The quick log, with its service worker in control and the reference data kept."""
    page.goto("/quick/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.locator("#episode-form").wait_for(state="visible")


def status(page: Any) -> str:
    return str(page.locator("#sync-status").inner_text())


def wait_for_status(page: Any, pattern: str) -> None:
    page.wait_for_function(
        "(pattern) => new RegExp(pattern).test(document.querySelector('#sync-status').textContent)", arg=pattern
    )


def log_episode(page: Any, place: str, intensity: str, *, notes: str = "") -> None:
    form = page.locator("#episode-form")
    form.get_by_label(place, exact=True).check()
    form.get_by_role("group", name=re.compile("How strong")).get_by_label(intensity, exact=True).check()
    if notes:
        form.get_by_label(re.compile("^Notes")).fill(notes)
    form.get_by_role("button", name="Save episode").click()
    wait_for_status(page, "saved on this phone|waiting")


def log_checkin(page: Any, *, sleep: str, stress: str) -> None:
    page.locator("#checkin-section summary").click()
    form = page.locator("#checkin-form")
    form.get_by_label(re.compile("^Sleep last night")).fill(sleep)
    form.get_by_label(re.compile("^Stress")).fill(stress)
    form.get_by_role("button", name="Save check-in").click()
    wait_for_status(page, "saved on this phone|waiting")


def server_counts(user: User) -> tuple[int, int]:
    """Alice's episodes and check-ins, as the API lists them."""
    client = Client()
    client.force_login(user)
    episodes = client.get("/api/v1/episodes/").json()
    checkins = client.get("/api/v1/checkins/").json()
    return len(episodes["results"]), len(checkins["results"])


def test_it_logs_offline_keeps_it_across_a_restart_and_syncs_it_once(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_quick_log(page)
    wait_for_status(page, "synced just now")

    context.set_offline(True)
    page.reload()
    page.locator("#episode-form").wait_for(state="visible")
    log_episode(page, "Left calf", "4")
    log_episode(page, "Right eyelid", "2")
    log_episode(page, "Left thigh", "6", notes="after the gym")
    log_checkin(page, sleep="6.5", stress="7")
    wait_for_status(page, "Offline · 4 waiting")
    assert page.locator("#waiting-list > li").count() == 4

    page.close()
    reopened = context.new_page()
    reopened.goto("/quick/")
    wait_for_status(reopened, "Offline · 4 waiting")
    assert reopened.locator("#waiting-list > li").count() == 4
    assert server_counts(browser_user) == (0, 0)

    context.set_offline(False)
    wait_for_status(reopened, "^synced just now$")
    assert reopened.locator("#waiting").is_hidden()
    assert server_counts(browser_user) == (3, 1)
    assert reopened.locator("#recent-list li[data-key]").count() == 4

    reopened.get_by_role("button", name="Sync now").click()
    wait_for_status(reopened, "^synced just now$")
    assert server_counts(browser_user) == (3, 1)


def test_it_meets_the_install_criteria(browser: Any, live_server: Any, browser_user: User, tmp_path: Any) -> None:
    # Chromium offers no install from an incognito profile, which new_context() is: a profile
    # on disk, as a phone's browser has.
    profile = browser.browser_type.launch_persistent_context(
        str(tmp_path), executable_path=CHROMIUM, args=["--no-sandbox"], base_url=live_server.url
    )
    try:
        sign_in(profile, browser_user, live_server)
        page = profile.new_page()
        open_quick_log(page)
        devtools = profile.new_cdp_session(page)
        manifest = devtools.send("Page.getAppManifest")
        assert not manifest["errors"], manifest["errors"]
        assert '"display": "standalone"' in manifest["data"]
        installability = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert installability == [], installability
        scope = page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)")
        assert scope == live_server.url + "/"
    finally:
        profile.close()


def test_it_looks_right_and_opens_from_its_cache(signed_in_page: Any, context: Any) -> None:
    page = signed_in_page
    open_quick_log(page)
    wait_for_status(page, "synced just now")
    look_at(page, "quick-log")
    context.set_offline(True)
    page.reload()
    page.locator("#episode-form").wait_for(state="visible")
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {response: n.responseEnd - n.startTime, loaded: n.loadEventEnd - n.startTime}; }"
    )
    print(f"\nquick log offline, from the service worker's cache: {timing['loaded']:.0f} ms to load "
          f"({timing['response']:.0f} ms for the page itself)")
    log_episode(page, "Left calf", "4")
    wait_for_status(page, "Offline · 1 waiting")
    look_at(page, "quick-log-offline")
