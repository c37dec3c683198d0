"""The phone client (the quick log, /quick/) in Chromium: installable, opens offline, queues
what is logged in IndexedDB, and syncs through /api/v1/sync/ without losing or doubling."""

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from diary.models import CheckIn, Episode
from diary.services import LocationInput, account_register, episode_create
from tests.browser.conftest import BROWSER_PASSWORD, CHROMIUM, look_at, watch

PARIS = ZoneInfo("Europe/Paris")  # the browser's zone in these tests


def sign_in(context: Any, user: User, live_server: Any) -> None:
    """The user's session cookie in the browser context (signing in has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def open_quick_log(page: Any, *, synced: bool = False) -> None:
    """The quick log, with its service worker in control and the reference data kept; with
    `synced`, once its first sync has ended."""
    page.goto("/quick/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.locator("#episode-form").wait_for(state="visible")
    if synced:
        wait_for_status(page, "synced just now")


def status(page: Any) -> str:
    return str(page.locator("#sync-status").inner_text())


def wait_for_status(page: Any, pattern: str) -> None:
    page.wait_for_function(
        "(pattern) => new RegExp(pattern).test(document.querySelector('#sync-status').textContent)", arg=pattern
    )


def sign_in_again_and_sync(page: Any) -> None:
    """On the sign-in page the quick log led to: alice signs in, comes back to the quick log,
    and its sync ends."""
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/quick/")
    wait_for_status(page, "^synced just now$")


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
    open_quick_log(page, synced=True)

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


def test_its_worker_sends_the_queue_with_background_sync_while_the_page_is_closed(
    signed_in_page: Any, context: Any, browser_user: User, live_server: Any
) -> None:
    """The worker is the module one (not the classic fallback), and what it imports works: it
    pushes the queue on a Background Sync event with no quick log open (Chromium may fire the
    one the page asked for by itself once the network is back; the test fires one too)."""
    page = signed_in_page
    open_quick_log(page, synced=True)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL") == live_server.url + "/sw.js"
    context.set_offline(True)
    log_episode(page, "Left calf", "4")
    page.close()
    context.set_offline(False)
    other = context.new_page()
    other.goto("/history/")  # not the quick log: only the worker sends now
    devtools = context.new_cdp_session(other)
    registrations: list[dict[str, Any]] = []
    devtools.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    devtools.send("ServiceWorker.enable")
    for _ in range(100):
        if registrations:
            break
        other.wait_for_timeout(100)
    sync = {"origin": live_server.url, "tag": "twitch-diary-sync", "lastChance": False}
    devtools.send("ServiceWorker.dispatchSyncEvent", {**sync, "registrationId": registrations[0]["registrationId"]})
    for _ in range(100):
        if server_counts(browser_user) == (1, 0):
            break
        other.wait_for_timeout(100)
    assert server_counts(browser_user) == (1, 0)


def test_the_classic_worker_of_browsers_without_module_workers_keeps_the_shell_offline(
    context: Any, browser_user: User, live_server: Any
) -> None:
    sign_in(context, browser_user, live_server)
    page = context.new_page()
    errors: list[str] = []
    watch(page, errors)
    page.goto("/history/")
    page.evaluate(
        "() => navigator.serviceWorker.register('/sw.js?classic=1').then(() => navigator.serviceWorker.ready)"
    )
    context.set_offline(True)
    page.goto("/quick/")
    assert page.get_by_role("heading", name="Quick log").is_visible()
    page.locator("#reference-missing").wait_for()  # the page's modules ran, from the cache
    # Offline, the page's request for the module worker fails (Chromium says so): the classic one stays.
    assert [error for error in errors if error != "An unknown error occurred when fetching the script."] == []


def test_it_looks_right_and_opens_from_its_cache(signed_in_page: Any, context: Any) -> None:
    page = signed_in_page
    open_quick_log(page, synced=True)
    look_at(page, "quick-log")
    context.set_offline(True)
    page.reload()
    page.locator("#episode-form").wait_for(state="visible")
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {response: n.responseEnd - n.startTime, loaded: n.loadEventEnd - n.startTime}; }"
    )
    print(
        f"\nquick log offline, from the service worker's cache: {timing['loaded']:.0f} ms to load "
        f"({timing['response']:.0f} ms for the page itself)"
    )
    log_episode(page, "Left calf", "4")
    wait_for_status(page, "Offline · 1 waiting")
    look_at(page, "quick-log-offline")


def episodes_of(user: User) -> list[Episode]:
    return list(Episode.objects.filter(user=user).order_by("started_at"))


def test_it_sends_again_a_push_cut_off_after_the_server_answered_without_doubling(
    context: Any, browser_user: User, live_server: Any
) -> None:
    sign_in(context, browser_user, live_server)
    page = context.new_page()
    errors: list[str] = []
    watch(page, errors)
    open_quick_log(page, synced=True)
    context.set_offline(True)
    log_episode(page, "Left calf", "4")
    log_episode(page, "Tongue", "3")
    cut: list[int] = []

    def answer_then_cut(route: Any) -> None:
        if route.request.method == "POST" and not cut:
            answered = route.fetch()  # the server applies the batch...
            cut.append(answered.status)
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    context.route("**/api/v1/sync/", answer_then_cut)
    context.set_offline(False)
    page.wait_for_function("() => document.querySelector('#sync-status').textContent.length > 0")
    wait_for_status(page, "^synced just now$")
    assert cut == [200]
    stored = episodes_of(browser_user)
    assert len(stored) == 2
    assert [e.version for e in stored] == [1, 1]  # the replay changed nothing
    assert server_counts(browser_user) == (2, 0)
    # The cut itself is the only thing the browser complains of.
    assert [e for e in errors if "ERR_CONNECTION_RESET" not in e] == []


def test_it_shows_a_conflict_with_another_device_and_keeps_what_the_person_picks(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_quick_log(page)
    log_episode(page, "Left calf", "4")
    log_episode(page, "Tongue", "3")
    wait_for_status(page, "^synced just now$")
    calf, tongue = episodes_of(browser_user)

    context.set_offline(True)
    for episode, intensity in ((calf, "5"), (tongue, "6")):
        page.locator(f'#recent-list li[data-key="episode:{episode.id}"]').get_by_role("button", name="Edit").click()
        page.locator("#episode-form").get_by_role("group", name=re.compile("How strong")).get_by_label(
            intensity, exact=True
        ).check()
        page.get_by_role("button", name="Save changes").click()
        wait_for_status(page, "saved on this phone|waiting")
    # Meanwhile a second device (the API, as another phone would) changes both.
    other_device = Client()
    other_device.force_login(browser_user)
    for episode in (calf, tongue):
        changed = other_device.patch(
            f"/api/v1/episodes/{episode.id}/", {"intensity": 9}, content_type="application/json"
        )
        assert changed.status_code == 200

    context.set_offline(False)
    wait_for_status(page, "2 to check")
    calf_entry = page.locator(f'#waiting-list li[data-key="episode:{calf.id}"]')
    assert "Changed on another device too" in calf_entry.inner_text()
    assert "9/10" in calf_entry.locator(".conflict-sides > div").nth(0).inner_text()
    assert "5/10" in calf_entry.locator(".conflict-sides > div").nth(1).inner_text()
    look_at(page, "quick-log-conflict")
    calf_entry.get_by_role("button", name="Keep this phone's").click()
    page.locator(f'#waiting-list li[data-key="episode:{tongue.id}"]').get_by_role(
        "button", name="Keep the other device's"
    ).click()
    wait_for_status(page, "^synced just now$")
    calf.refresh_from_db()
    tongue.refresh_from_db()
    assert (calf.intensity, calf.version) == (5, 3)
    assert (tongue.intensity, tongue.version) == (9, 2)
    assert page.locator(f'#recent-list li[data-key="episode:{tongue.id}"]').inner_text().count("9/10") == 1


def test_it_shows_an_invalid_item_with_its_field_error_while_the_others_sync(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_quick_log(page, synced=True)
    context.set_offline(True)
    log_episode(page, "Left calf", "4")
    log_checkin(page, sleep="7", stress="12")  # the phone does not know stress stops at 10
    context.set_offline(False)
    wait_for_status(page, "1 to check")
    assert server_counts(browser_user) == (1, 0)
    entry = page.locator("#waiting-list li[data-status='invalid']")
    assert "stress: Ensure this value is less than or equal to 10." in entry.inner_text()
    entry.get_by_role("button", name="Fix").click()
    stress = page.locator("#checkin-form").get_by_label(re.compile("^Stress"))
    assert stress.get_attribute("aria-invalid") == "true"
    assert page.locator("#checkin-error-stress").inner_text() == "Ensure this value is less than or equal to 10."
    stress.fill("8")
    page.get_by_role("button", name="Save check-in").click()
    wait_for_status(page, "^synced just now$")
    assert server_counts(browser_user) == (1, 1)
    assert CheckIn.objects.get(user=browser_user).stress == 8


def test_it_keeps_the_queue_when_the_session_ended_offline_and_sends_it_after_signing_in(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_quick_log(page, synced=True)
    context.set_offline(True)
    log_episode(page, "Left calf", "4")
    Session.objects.all().delete()  # the session expired while the phone was offline
    context.set_offline(False)
    wait_for_status(page, "^Signed out · never synced$")  # no one signed in: nothing of alice's shows
    waiting = page.locator("#waiting-list").inner_text()
    assert "logged under another account waits on this phone, locked" in waiting
    assert "Calf" not in waiting
    notice = page.locator("#account-notice")
    assert "You are not signed in" in notice.inner_text()
    notice.get_by_role("link", name="Sign in").click()
    sign_in_again_and_sync(page)
    assert server_counts(browser_user) == (1, 0)


def test_it_never_sends_one_accounts_entries_to_another(
    signed_in_page: Any, context: Any, browser_user: User, live_server: Any
) -> None:
    page = signed_in_page
    open_quick_log(page, synced=True)
    context.set_offline(True)
    log_episode(page, "Left calf", "4")
    bob = account_register(username="bob", password="another pass phrase 2", time_zone="Europe/Paris")
    context.clear_cookies()
    sign_in(context, bob, live_server)
    context.set_offline(False)
    page.reload()
    wait_for_status(page, "^synced just now$")
    assert "logged under another account waits on this phone, locked" in page.locator("#waiting-list").inner_text()
    assert page.locator("#recent-list li[data-key]").count() == 0
    assert server_counts(bob) == (0, 0)
    assert server_counts(browser_user) == (0, 0)


def test_it_lets_the_person_edit_or_delete_what_waits_before_it_is_sent(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_quick_log(page, synced=True)
    context.set_offline(True)
    log_episode(page, "Left calf", "4")
    log_episode(page, "Tongue", "3")
    waiting = page.locator("#waiting-list")
    waiting.locator("li", has_text="Calf (left)").get_by_role("button", name="Edit").click()
    page.locator("#episode-form").get_by_role("group", name=re.compile("How strong")).get_by_label(
        "7", exact=True
    ).check()
    page.get_by_role("button", name="Save changes").click()
    waiting.locator("li", has_text="Tongue").get_by_role("button", name="Delete").click()
    wait_for_status(page, "Offline · 1 waiting")
    assert "7/10" in waiting.inner_text()
    context.set_offline(False)
    wait_for_status(page, "^synced just now$")
    [episode] = episodes_of(browser_user)
    assert (episode.intensity, episode.version) == (7, 1)  # never sent as 4, never the tongue


def test_it_asks_for_the_reference_data_again_with_its_etag(signed_in_page: Any) -> None:
    page = signed_in_page
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if "/api/v1/reference/" in r.url else None)
    open_quick_log(page, synced=True)
    with page.expect_response("**/api/v1/reference/") as again:
        page.reload()
    assert again.value.request.headers.get("if-none-match") == again.value.headers.get("etag")
    assert answers == [200, 304]


def test_it_signs_out_and_takes_the_accounts_diary_off_the_phone(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_quick_log(page)
    log_episode(page, "Left calf", "4")
    wait_for_status(page, "^synced just now$")
    assert page.locator("#recent-list li[data-key]").count() == 1
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")
    assert not Session.objects.exists()
    page.goto("/quick/")
    wait_for_status(page, "^Signed out · never synced$")
    assert page.locator("#recent-list li[data-key]").count() == 0
    assert "You are not signed in" in page.locator("#account-notice").inner_text()


def test_it_says_see_a_doctor_soon_for_a_red_flag_before_and_after_saving(signed_in_page: Any, context: Any) -> None:
    page = signed_in_page
    open_quick_log(page)
    context.set_offline(True)
    form = page.locator("#episode-form")
    form.get_by_label("Muscle weakness").check()
    assert form.get_by_text("See a doctor soon: muscle weakness").is_visible()
    log_episode(page, "Left calf", "4")
    page.locator("#waiting-list").get_by_text("See a doctor soon: muscle weakness").wait_for()
    page.locator("#recent-list").get_by_text("See a doctor soon: muscle weakness").wait_for()
    look_at(page, "quick-log-red-flag")


def test_it_says_the_day_had_twitching_from_the_episodes_the_phone_holds(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    episode_create(
        user=browser_user,
        started_at=timezone.now() - timedelta(seconds=5),
        duration_seconds=30,
        locations=[LocationInput("calf", "left")],
        intensity=3,
        pattern="single_twitch",
    )  # on the web: the phone has it from its pull
    open_quick_log(page, synced=True)
    context.set_offline(True)
    log_episode(page, "Right eyelid", "2")  # and one waiting in its queue
    page.locator("#checkin-section summary").click()
    form = page.locator("#checkin-form")
    known = form.locator("#checkin-twitching-known")
    asked = form.get_by_role("group", name=re.compile("Did you notice twitching"))
    assert known.inner_text() == "Twitching today: yes, 2 episodes logged."
    assert asked.is_hidden()
    look_at(page, "quick-log-checkin-twitching-known")
    yesterday = datetime.now(ZoneInfo("Europe/Paris")).date() - timedelta(days=1)
    form.get_by_label("Day").fill(yesterday.isoformat())
    assert known.is_hidden()
    assert asked.is_visible()
    form.get_by_label("Day").fill((yesterday + timedelta(days=1)).isoformat())
    assert known.is_visible()
    form.get_by_label(re.compile("^Sleep last night")).fill("7")
    form.get_by_role("button", name="Save check-in").click()
    wait_for_status(page, "Offline · 2 waiting")
    context.set_offline(False)
    wait_for_status(page, "^synced just now$")
    checkin = CheckIn.objects.get(user=browser_user)
    assert (checkin.sleep_hours, checkin.twitching_today) == (7, True)


def test_it_logs_an_episode_still_going_and_ends_it_offline(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_quick_log(page, synced=True)
    page.locator("#episode-form").get_by_label("Still going", exact=True).check()
    log_episode(page, "Left calf", "5")
    wait_for_status(page, "^synced just now$")
    [episode] = Episode.objects.filter(user=browser_user)
    assert (episode.ongoing, episode.duration_seconds) == (True, None)
    since = f"still going since {episode.started_at.astimezone(PARIS):%H:%M}"
    entry = page.locator("#recent-list li[data-key]", has_text=since)
    entry.wait_for(state="visible")
    look_at(page, "quick-log-still-going")

    context.set_offline(True)
    entry.get_by_role("button", name=re.compile("^It stopped")).click()
    wait_for_status(page, "Offline · 1 waiting")
    assert page.locator("#recent-list li[data-key]").count() == 1
    assert since not in page.locator("#recent-list").inner_text()  # ended on the phone already
    episode.refresh_from_db()
    assert episode.ongoing  # nothing sent yet

    context.set_offline(False)
    wait_for_status(page, "^synced just now$")
    episode.refresh_from_db()
    assert (episode.ongoing, episode.version) == (False, 2)
    assert episode.duration_seconds is not None
    assert episode.duration_seconds >= 1
    assert page.locator("#recent-list").get_by_role("button", name=re.compile("^It stopped")).count() == 0


def test_its_check_in_asks_about_twitching_with_nothing_chosen_and_clears_an_answer(
    signed_in_page: Any, browser_user: User
) -> None:
    """As the check-in page (issue 23): "Alcohol" with its hint, yes or no with nothing chosen
    ("Not saying" was), and "Clear" to take an answer back; saved as not recorded."""
    page = signed_in_page
    open_quick_log(page, synced=True)
    page.locator("#checkin-section summary").click()
    form = page.locator("#checkin-form")
    expect(form.get_by_label("Alcohol", exact=True)).to_have_accessible_description(
        "units; a small glass of wine is about 1.5"
    )
    question = form.get_by_role("group", name=re.compile("^Did you notice twitching"))
    yes, no = question.get_by_label("Yes"), question.get_by_label("No")
    clear = question.get_by_role("button", name="Clear the answer")
    assert (yes.is_checked(), no.is_checked()) == (False, False)
    expect(clear).to_be_hidden()
    no.check()
    expect(clear).to_be_visible()
    look_at(page, "quick-log-checkin")
    clear.click()
    assert (yes.is_checked(), no.is_checked()) == (False, False)
    form.get_by_label(re.compile("^Sleep last night")).fill("6.5")
    form.get_by_role("button", name="Save check-in").click()
    # The page said "synced just now" before the save too: wait for the server to have it.
    checkin = None
    for _ in range(100):
        checkin = CheckIn.objects.filter(user=browser_user).first()
        if checkin is not None:
            break
        page.wait_for_timeout(100)
    assert checkin is not None
    assert (checkin.sleep_hours, checkin.twitching_today) == (6.5, None)
