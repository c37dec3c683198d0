"""make bench: how quick the common logs are on a phone, in real Chromium, printed, not asserted.

At 360 x 780 px (a small phone), for three common logs (a place logged lately, now; a new place
with a duration; a red-flag symptom), on the quick log (/quick/, online and offline) and on the
logging page (/log/, online only: it needs the network), prints the taps (the clicks this
script makes), the pixels scrolled (the sum of the changes of window.scrollY: the script scrolls
an element into view only when it cannot be tapped where it is, and counts it) and whether Save
could be tapped at every step. Targets: a recent place in 3 taps or fewer with no scroll; a new
place with a duration in 6 taps or fewer.

Runs Django's live server in a thread on a throwaway database (SQLite by default, or whatever
DATABASE_URL points at), with Chromium at /usr/bin/chromium (CHROMIUM to change).
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Playwright's sync API runs an event loop in this thread; the ORM calls made between browser
# steps are synchronous and safe (as in tests/browser/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from django.utils import timezone  # noqa: E402

from diary.services import LocationInput, account_register, episode_create  # noqa: E402
from tests.bench.diaries import throwaway_database  # noqa: E402

DATABASE = "bench_logging"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 780}
# The places logged before, the latest first: the recent chips offer these.
EARLIER = [("eyelid", "left"), ("calf", "right"), ("thigh", "left"), ("eyelid", "right"), ("shoulder", "left")]
# A place never logged before, one for each run (each run's log makes it recent for the next).
NEW_PLACES = {"quick, online": "Right forearm", "quick, offline": "Left knee", "log, online": "Right shin"}

# Whether `element` can be tapped where it is: inside the screen and not under another element
# (the sticky Save bar). A checkbox or radio counts through its label.
TAPPABLE = """(el) => {
  const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (r.width === 0 || y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
  const hit = document.elementFromPoint(x, y);
  if (!hit) return false;
  const label = el.closest("label");
  return el.contains(hit) || hit.contains(el) || Boolean(label && label.contains(hit));
}"""


@dataclass
class Run:
    """One common log: taps, pixels scrolled, whether Save could be tapped at every step."""

    taps: int = 0
    scrolled: int = 0
    save_always: bool = True
    saved: str = ""
    notes: list[str] = field(default_factory=list)


def tap_at(page: Any, locator: Any) -> None:
    """A tap where the element is on the screen (Playwright's click would first scroll it "into
    view", which for Save, in a sticky bar, moves the page although Save is in view)."""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


class Finger:
    """Taps as a person would: scrolls only to reach what cannot be tapped where it is."""

    def __init__(self, page: Any, run: Run) -> None:
        self.page, self.run = page, run
        self.y = self.scroll_y()

    def scroll_y(self) -> int:
        return int(self.page.evaluate("() => Math.round(window.scrollY)"))

    def save_tappable(self) -> bool:
        return bool(self.page.locator("#episode-save").evaluate(TAPPABLE))

    def tap(self, locator: Any) -> None:
        self.run.save_always &= self.save_tappable()
        now = self.scroll_y()  # anything the page scrolled by itself since the last tap counts too
        self.run.scrolled += abs(now - self.y)
        if not locator.evaluate(TAPPABLE):
            locator.evaluate("(el) => (el.closest('label') || el).scrollIntoView({block: 'center'})")
            moved = self.scroll_y()
            self.run.scrolled += abs(moved - now)
        tap_at(self.page, locator)
        self.run.taps += 1
        self.y = self.scroll_y()

    def last_tap(self, locator: Any) -> None:
        """Save: the page may go elsewhere; its scroll there is not the person's."""
        self.run.save_always &= self.save_tappable()
        self.run.scrolled += abs(self.scroll_y() - self.y)
        tap_at(self.page, locator)
        self.run.taps += 1


def strength(form: Any, value: str) -> Any:
    return form.get_by_role("group", name="How strong").get_by_label(value, exact=True)


def recent_place(form: Any, finger: Finger, new_place: str) -> None:
    finger.tap(form.locator("#recent-places").get_by_label("Left eyelid", exact=True))
    finger.tap(strength(form, "4"))


def new_place_with_duration(form: Any, finger: Finger, new_place: str) -> None:
    # Top down: how long and how strong on the first screen, then down to the place (Save stays
    # in view, so nothing makes the person scroll back up).
    finger.tap(form.get_by_label("About a minute"))
    finger.tap(strength(form, "3"))
    finger.tap(form.locator("#all-places").get_by_label(new_place, exact=True))


def red_flag(form: Any, finger: Finger, new_place: str) -> None:
    finger.tap(form.locator("#recent-places").get_by_label("Right calf", exact=True))
    finger.tap(strength(form, "5"))
    finger.tap(form.get_by_label("Muscle weakness"))


LOGS: list[tuple[str, Callable[[Any, Finger, str], None]]] = [
    ("a recent place, now", recent_place),
    ("a new place with a duration", new_place_with_duration),
    ("a red-flag symptom", red_flag),
]


def saved_text(page: Any) -> str:
    """What the page says once saved: the confirmation next to Save, or the episode's page."""
    page.wait_for_function(
        "() => (document.querySelector('#log-saved') || {}).textContent"
        " || document.querySelector('.red-flag h2, h1') && !document.querySelector('#episode-save')"
        " || document.querySelector('.message-error:not([hidden])')"
    )
    error = page.locator(".message-error:not([hidden])")
    if error.count():
        return "NOT SAVED: " + " ".join(error.first.inner_text().split())[:120]
    saved = page.locator("#log-saved")
    if saved.count() and saved.inner_text().strip():
        return saved.inner_text().strip()
    return "the episode's page: " + page.locator("h1").first.inner_text()


def log_once(page: Any, url: str, do: Callable[[Any, Finger, str], None], new_place: str) -> Run:
    page.goto(url)
    form = page.locator("form.episode-form")
    form.wait_for(state="visible")
    form.locator("#recent-places label").first.wait_for()
    run = Run()
    finger = Finger(page, run)
    do(form, finger, new_place)
    finger.last_tap(form.get_by_role("button", name="Save episode"))
    run.saved = saved_text(page)
    if page.locator("#episode-save").count():
        run.save_always &= finger.save_tappable()
    return run


def signed_in(context: Any, user: User, url: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": url}])


def diary() -> User:
    user = account_register(username="bench", password="a long pass phrase 9", time_zone="Europe/Paris")
    now = timezone.now()
    for hours, (region, side) in enumerate(EARLIER, start=1):
        episode_create(
            user=user,
            started_at=now - timedelta(hours=hours),
            duration_seconds=60,
            locations=[LocationInput(region, side)],
            intensity=4,
            pattern="single_twitch",
        )
    return user


@contextmanager
def live_server() -> Iterator[str]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    server = LiveServerThread("localhost", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://localhost:{server.port}"
    finally:
        server.terminate()


def open_quick(page: Any) -> None:
    page.goto("/quick/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => /synced/.test(document.querySelector('#sync-status').textContent)")


def measure(browser: Any, url: str, user: User) -> dict[tuple[str, str], Run | None]:
    context = browser.new_context(
        base_url=url, viewport=PHONE, timezone_id="Europe/Paris", locale="en-GB", reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    signed_in(context, user, url)
    page = context.new_page()
    results: dict[tuple[str, str], Run | None] = {}
    try:
        open_quick(page)
        for where in ("quick, online", "quick, offline"):
            context.set_offline(where.endswith("offline"))
            for name, do in LOGS:
                results[(name, where)] = log_once(page, "/quick/", do, NEW_PLACES[where])
        context.set_offline(False)
        open_quick(page)  # what was queued offline is sent before the logging page reads it
        for name, do in LOGS:
            results[(name, "log, online")] = log_once(page, "/log/", do, NEW_PLACES["log, online"])
            results[(name, "log, offline")] = None  # the logging page needs the network
    finally:
        context.close()
    return results


def report(results: dict[tuple[str, str], Run | None]) -> None:
    columns = ("quick, online", "quick, offline", "log, online", "log, offline")
    size = f"{PHONE['width']} x {PHONE['height']} px"
    print(f"Common logs at {size}: taps / pixels scrolled / Save in view at every step")
    print(f"{'':30}" + "".join(f"{c:>22}" for c in columns))
    for name, _ in LOGS:
        cells = []
        for column in columns:
            run = results[(name, column)]
            seen = "yes" if run and run.save_always else "NO"
            cells.append("n/a" if run is None else f"{run.taps} / {run.scrolled} px / {seen}")
        print(f"{name:30}" + "".join(f"{cell:>22}" for cell in cells))
    print("Targets: a recent place in 3 taps or fewer with no scroll; a new place with a duration in 6 taps or fewer.")
    print("What each page said after Save:")
    for (name, column), run in results.items():
        if run is not None:
            print(f"  {column:15} {name:28} {run.saved}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    with throwaway_database(DATABASE), live_server() as url, sync_playwright() as playwright:
        user = diary()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            report(measure(browser, url, user))
        finally:
            browser.close()
    for leftover in (f"{DATABASE}-shm", f"{DATABASE}-wal"):  # SQLite's, from the server's threads
        Path(leftover).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
