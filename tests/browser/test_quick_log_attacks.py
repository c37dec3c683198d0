"""The quick log attacked as an outside tester would, in Chromium: two tabs at once, pushes
answered late, a phone clock ahead of the server's, a record deleted elsewhere, hostile text, a
new release, long pulls, and signing out with entries waiting. Each test is a bug that was found
or a way in that held."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from playwright.sync_api import expect

from diary.models import CheckIn, Episode
from diary.pages import pwa
from diary.services import LocationInput, checkin_upsert, episode_create, episode_delete
from tests.browser.test_quick_log import (
    episodes_of,
    log_checkin,
    log_episode,
    open_quick_log,
    server_counts,
    sign_in_again_and_sync,
    wait_for_status,
)
from tests.factories import write_history


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


def paris_today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def test_two_tabs_logging_offline_send_each_entry_once_when_both_come_online(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    first = signed_in_page
    open_and_sync(first)
    second = context.new_page()
    open_and_sync(second)
    context.set_offline(True)
    for page, place, intensity in ((first, "Left calf", "4"), (second, "Tongue", "3"), (first, "Right eyelid", "2")):
        page.bring_to_front()  # a tab behind another gets no animation frames: each action waited for one
        log_episode(page, place, intensity)
    context.set_offline(False)  # both tabs and the worker start a sync at once
    for page in (first, second):
        wait_for_status(page, "^synced just now$")
    assert sorted((e.intensity, e.version) for e in episodes_of(browser_user)) == [(2, 1), (3, 1), (4, 1)]
    assert second.locator("#recent-list li[data-key]").count() == 3


def test_it_shows_a_check_in_logged_offline_for_a_day_the_web_page_saved_as_a_conflict(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_and_sync(page)
    context.set_offline(True)
    checkin_upsert(user=browser_user, date=paris_today(), sleep_hours=7, caffeine_cups=2)  # the web page
    log_checkin(page, sleep="6", stress="5")
    context.set_offline(False)
    wait_for_status(page, "1 to check")
    entry = page.locator("#waiting-list li[data-status='conflict']")
    assert "sleep 7 h · caffeine 2" in entry.locator(".conflict-sides > div").nth(0).inner_text()
    recent = page.locator("#recent-list li[data-key^='checkin:'] .entry-state")
    assert recent.inner_text() == "Changed on another device too: to check above"  # it does not wait to be sent
    entry.get_by_role("button", name="Keep this phone's").click()
    wait_for_status(page, "^synced just now$")
    stored = CheckIn.objects.get(user=browser_user)
    assert (stored.sleep_hours, stored.caffeine_cups, stored.stress, stored.version) == (6, None, 5, 2)


def test_it_opens_the_check_in_form_on_the_days_check_in_so_saving_keeps_what_was_there(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    checkin_upsert(user=browser_user, date=paris_today(), sleep_hours=7, caffeine_cups=2)  # the web page
    page = signed_in_page
    open_and_sync(page)
    page.locator("#checkin-section summary").click()
    form = page.locator("#checkin-form")
    expect(form.get_by_label(re.compile("^Sleep last night"))).to_have_value("7")
    form.get_by_label(re.compile("^Stress")).fill("5")
    form.get_by_role("button", name="Save check-in").click()
    wait_for_status(page, "saved on this phone|waiting")
    wait_for_status(page, "^synced just now$")
    stored = CheckIn.objects.get(user=browser_user)
    assert (stored.sleep_hours, stored.caffeine_cups, stored.stress, stored.version) == (7, 2, 5, 2)
    form.get_by_label(re.compile("^Stress")).fill("6")  # the form still shows it: changed again
    form.get_by_role("button", name="Save check-in").click()
    wait_for_status(page, "saved on this phone|waiting")
    wait_for_status(page, "^synced just now$")
    stored.refresh_from_db()
    assert (stored.stress, stored.version) == (6, 3)


def test_it_keeps_both_saves_of_one_days_check_in_made_offline(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_and_sync(page)
    context.set_offline(True)
    log_checkin(page, sleep="6", stress="5")
    form = page.locator("#checkin-form")
    expect(form.get_by_label(re.compile("^Sleep last night"))).to_have_value("6")
    form.get_by_label(re.compile("^Caffeine")).fill("3")
    form.get_by_role("button", name="Save check-in").click()
    page.locator("#waiting-list li", has_text="caffeine 3").wait_for()
    assert page.locator("#waiting-list > li").count() == 1
    context.set_offline(False)
    wait_for_status(page, "^synced just now$")
    stored = CheckIn.objects.get(user=browser_user)
    assert (stored.sleep_hours, stored.caffeine_cups, stored.stress, stored.version) == (6, 3, 5, 1)


def is_push(request: Any) -> bool:
    return "/api/v1/sync/" in request.url and request.method == "POST"


def test_it_keeps_an_edit_made_while_the_push_of_that_entry_waits_for_its_answer(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_and_sync(page)
    held: list[Any] = []
    context.route(
        "**/api/v1/sync/",
        lambda route: held.append(route) if is_push(route.request) and not held else route.continue_(),
    )
    log_episode(page, "Left calf", "4")
    wait_until_held(page, held)
    page.locator("#waiting-list li", has_text="Calf (left)").get_by_role("button", name="Edit").click()
    page.locator("#episode-form").get_by_role("group", name=re.compile("How strong")).get_by_label(
        "7", exact=True
    ).check()
    page.get_by_role("button", name="Save changes").click()
    page.locator("#waiting-list li", has_text="7/10").wait_for()
    held[0].continue_()
    wait_for_status(page, "^synced just now$")
    [episode] = episodes_of(browser_user)
    assert (episode.intensity, episode.version) == (7, 2)
    assert "7/10" in page.locator("#recent-list").inner_text()


def queue_episodes(page: Any, bodies: list[dict[str, Any]]) -> None:
    """Episodes put in the phone's queue as the form would (faster than 250 taps)."""
    page.evaluate(
        """async (bodies) => {
            const queue = await import("/static/diary/js/pwa/queue.js");
            for (const body of bodies) await queue.queueEpisode(body, null);
        }""",
        bodies,
    )


def episode_body(minutes_ago: int, **overrides: Any) -> dict[str, Any]:
    started = (datetime.now(ZoneInfo("Europe/Paris")) - timedelta(minutes=minutes_ago)).replace(microsecond=0)
    return {
        "id": str(uuid.uuid4()),
        "started_at": started.isoformat(),
        "duration_seconds": 30,
        "locations": [{"region": "calf", "side": "left"}],
        "intensity": 3,
        "pattern": "single_twitch",
        "triggers": [],
        "symptoms": [],
        "notes": "",
        "source": "mobile",
        **overrides,
    }


def test_it_sends_250_entries_in_batches_and_holds_back_only_the_invalid_one(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_and_sync(page)
    context.set_offline(True)
    bodies = [episode_body(minutes) for minutes in range(10, 260)]
    bodies[150]["intensity"] = 11
    queue_episodes(page, bodies)
    page.reload()
    wait_for_status(page, "Offline · 250 waiting")
    context.set_offline(False)
    wait_for_status(page, "^1 to check · synced just now$")
    assert len(episodes_of(browser_user)) == 249
    entry = page.locator("#waiting-list li[data-status='invalid']")
    assert "intensity: Ensure this value is less than or equal to 10." in entry.inner_text()
    assert page.locator("#recent-list li[data-key]").count() == 250  # the invalid one as the phone has it


def test_it_shows_an_episode_in_the_future_by_the_servers_clock_as_invalid_and_lets_it_be_fixed(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    server_now = datetime.now(ZoneInfo("Europe/Paris"))
    page.clock.set_fixed_time(server_now + timedelta(hours=1))  # the phone's clock an hour ahead
    open_and_sync(page)
    log_episode(page, "Left calf", "4")  # at the phone's "now"
    wait_for_status(page, "^1 to check · synced")
    entry = page.locator("#waiting-list li[data-status='invalid']")
    assert "started at: Cannot be more than 5 minutes in the future." in entry.inner_text()
    entry.get_by_role("button", name="Fix").click()
    assert page.locator("#error-started_at").inner_text() == "Cannot be more than 5 minutes in the future."
    earlier = server_now - timedelta(minutes=10)
    page.locator("#started_at").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save changes").click()
    wait_for_status(page, "saved on this phone|waiting")
    wait_for_status(page, "^synced")  # (the worker, which may sync it, keeps the true time)
    [episode] = episodes_of(browser_user)
    assert episode.started_at == earlier.replace(second=0, microsecond=0)


def test_it_settles_an_episode_deleted_on_another_device_and_edited_on_the_phone_both_ways(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_and_sync(page)
    log_episode(page, "Left calf", "4")
    log_episode(page, "Tongue", "3")
    wait_for_status(page, "^synced just now$")
    calf, tongue = episodes_of(browser_user)
    context.set_offline(True)
    for episode in (calf, tongue):
        page.locator(f'#recent-list li[data-key="episode:{episode.id}"]').get_by_role("button", name="Edit").click()
        page.locator("#episode-form").get_by_role("group", name=re.compile("How strong")).get_by_label(
            "8", exact=True
        ).check()
        page.get_by_role("button", name="Save changes").click()
        wait_for_status(page, "saved on this phone|waiting")
        episode_delete(episode=episode)  # meanwhile, on the web page
    context.set_offline(False)
    wait_for_status(page, "2 to check")
    calf_entry = page.locator(f'#waiting-list li[data-key="episode:{calf.id}"]')
    assert calf_entry.locator(".conflict-sides > div").nth(0).inner_text().endswith("Deleted")
    calf_entry.get_by_role("button", name="Keep this phone's").click()
    page.locator(f'#waiting-list li[data-key="episode:{tongue.id}"]').get_by_role(
        "button", name="Keep the other device's"
    ).click()
    wait_for_status(page, "^synced just now$")
    [kept] = Episode.live.filter(user=browser_user)
    assert kept.id not in (calf.id, tongue.id)  # the deleted one stays deleted; the phone's is a new one
    assert (kept.intensity, kept.locations.get().region.code) == (8, "calf")
    # The recent list holds the kept one only (compared by key: two reads of the text while the
    # list re-renders could lay it out differently).
    keys = page.locator("#recent-list li[data-key]").evaluate_all("(items) => items.map((i) => i.dataset.key)")
    assert keys == [f"episode:{kept.id}"]


HOSTILE = '<img src="x" id="injected"><script>window.pwned = 1</script>'


def test_it_shows_hostile_text_as_text(signed_in_page: Any, context: Any, browser_user: User) -> None:
    episode_create(
        user=browser_user,
        started_at=datetime.now(ZoneInfo("Europe/Paris")) - timedelta(hours=1),
        duration_seconds=30,
        locations=[LocationInput("calf", "left")],
        intensity=3,
        pattern="single_twitch",
        notes=HOSTILE,
    )  # from another device
    page = signed_in_page
    open_and_sync(page)
    context.set_offline(True)
    queue_episodes(
        page,
        [
            episode_body(5, pattern=HOSTILE, notes=HOSTILE),
            episode_body(6, locations=[{"region": HOSTILE, "side": "left"}], symptoms=[HOSTILE]),
        ],
    )
    page.reload()
    context.set_offline(False)
    wait_for_status(page, "^2 to check")
    waiting = page.locator("#waiting-list").inner_text()
    assert HOSTILE in waiting  # the codes as typed, and the server's errors quoting them
    assert "is not a valid choice" in waiting
    [elsewhere] = episodes_of(browser_user)
    page.locator(f'#recent-list li[data-key="episode:{elsewhere.id}"]').get_by_role("button", name="Edit").click()
    assert page.locator("#notes").input_value() == HOSTILE
    assert page.locator("#injected").count() == 0
    assert page.evaluate("() => window.pwned") is None


def cache_names(page: Any) -> list[str]:
    return list(page.evaluate("() => caches.keys()"))


def test_a_new_release_replaces_the_kept_shell_whole(signed_in_page: Any, context: Any, monkeypatch: Any) -> None:
    page = signed_in_page
    open_and_sync(page)
    old = pwa.release()
    assert cache_names(page) == [f"twitch-diary-shell-{old.version}"]
    monkeypatch.setattr(pwa, "release", lambda: pwa.Release(version="a-new-release", urls=old.urls))
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_function("() => caches.keys().then((names) => names.join() === 'twitch-diary-shell-a-new-release')")
    context.set_offline(True)
    page.reload()  # from the new release's cache: the old one is gone
    wait_for_status(page, "^Offline")


def test_it_pulls_more_than_a_page_of_changes_and_keeps_only_the_last_30_days(
    signed_in_page: Any, browser_user: User
) -> None:
    now = datetime.now(UTC)  # (in UTC: hours added in Paris would be wall-clock hours across a DST change)
    write_history(browser_user, 600, latest=now - timedelta(hours=1), every=timedelta(hours=2))  # 50 days
    page = signed_in_page
    pulls: list[str] = []
    page.on("request", lambda request: pulls.append(request.url) if is_pull(request.url) else None)
    open_and_sync(page)
    assert len(pulls) == 2  # 500 a page
    kept = page.evaluate("async () => (await (await import('/static/diary/js/pwa/store.js')).all('records')).length")
    assert kept == 360  # one every 2 hours for 30 days
    assert page.locator("#recent-list li[data-key]").count() == 360


def test_it_keeps_what_waits_when_signing_out_and_sends_it_when_the_same_account_signs_in(
    signed_in_page: Any, context: Any, browser_user: User
) -> None:
    page = signed_in_page
    open_and_sync(page)
    refused = lambda route: route.fulfill(status=503) if is_push(route.request) else route.continue_()  # noqa: E731
    context.route("**/api/v1/sync/", refused)  # the server is struggling: nothing is sent
    log_episode(page, "Left calf", "4")
    wait_for_status(page, "^Could not sync · 1 waiting")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")
    assert asked == [
        "1 entry is not sent yet. It stays on this phone and is sent the next time you sign in here. Log out?"
    ]
    context.unroute("**/api/v1/sync/", refused)
    sign_in_again_and_sync(page)
    assert server_counts(browser_user) == (1, 0)


def last_fall_back(before: datetime) -> datetime:
    """When Paris last set its clocks back before `before` (01:00 UTC, the last Sunday of October)."""
    for year in (before.year, before.year - 1):
        day = date(year, 10, 31)
        day -= timedelta(days=(day.weekday() + 1) % 7)
        moment = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
        if moment + timedelta(hours=1) < before:
            return moment
    raise AssertionError("unreachable")


def test_it_reads_times_around_a_change_of_the_clocks_as_the_logging_page_does(
    signed_in_page: Any, browser_user: User
) -> None:
    clocks_back = last_fall_back(datetime.now(UTC))
    page = signed_in_page
    page.clock.set_fixed_time(clocks_back + timedelta(minutes=45))  # 02:45 in Paris, the second time
    open_and_sync(page)
    log_episode(page, "Left calf", "4")  # at the form's "now"
    page.locator("#started_at").fill(f"{clocks_back.year}-03-29T02:30")  # a time the clocks skipped
    log_episode(page, "Tongue", "3")
    wait_for_status(page, "^synced")
    started = {e.locations.get().region.code: e.started_at for e in episodes_of(browser_user)}
    assert started["calf"] == clocks_back + timedelta(minutes=45)  # not the first 02:45, an hour before
    assert started["tongue"] == datetime(clocks_back.year, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 in summer time
