"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Skipped only when no Chromium is installed and REQUIRE_BROWSER is unset; with REQUIRE_BROWSER=1
(CI) a missing browser fails the run. Every page a test visits can be checked with
`look_at(page, name)`: axe-core (vendored from npm) in light and dark mode, no sideways
scrolling at 360 px, and screenshots at 360 and 1280 px saved to var/screenshots/ (out of git)
to be looked at.
"""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from conditions.reference import load_reference

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are synchronous and safe here (Django only sees the loop and refuses them).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-core-4.11.0" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW, WIDE = 360, 1280
BROWSER_PASSWORD = "a long pass phrase 1"  # browser_user's


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _chromium_available() or os.environ.get("REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt install chromium; REQUIRE_BROWSER=1 fails instead)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not _chromium_available():
        pytest.fail(f"REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


class BrowserErrors(list[str]):
    """Console errors and failed requests of a page: a CSP violation shows up here."""


@pytest.fixture
def context(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookies) on the live server, 1280 px wide, in the user's zone
    of the tests (Europe/Paris: far enough from UTC to catch a missed conversion)."""
    created = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDE, "height": 900},
        timezone_id="Europe/Paris",
        locale="en-GB",
        # No colour transitions (Pico honours this): axe must measure the colours a scheme
        # settles on, not a frame halfway from light to dark.
        reduced_motion="reduce",
    )
    created.set_default_timeout(10_000)
    yield created
    created.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db: None) -> None:
    """The reference tables as the migration loads them: a transactional test before this one
    emptied every table at its end (loading is idempotent and fast)."""
    load_reference()


# Chromium logs every answer of 400 or more as a console error. A page answered so (a refused
# form, a 404 for bob) is often the point of a test; a failed script, style or image never is,
# and is caught from the response itself.
FAILED_LOAD = "Failed to load resource: the server responded with a status of"


def watch(opened: Any, errors: list[str]) -> None:
    """Collect a page's script errors, CSP violations and failed sub-resources into `errors`."""
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" and FAILED_LOAD not in m.text else None)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    # Documents and a script's own API calls (fetch) are left out: a page answered 4xx, or a
    # 401 the quick log turns into "sign in again", is often the point of a test.
    opened.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type not in ("document", "fetch")
            else None
        ),
    )


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page whose console errors (a CSP violation, a script error, a missing file) fail the test at its end."""
    opened = context.new_page()
    errors = BrowserErrors()
    watch(opened, errors)
    yield opened
    assert not errors, f"the browser reported errors: {errors}"


@pytest.fixture
def browser_user(transactional_db: None) -> User:
    """Alice, with a profile in Europe/Paris (the browser's zone in these tests)."""
    from diary.services import account_register

    return account_register(username="alice", password=BROWSER_PASSWORD, time_zone="Europe/Paris")


@pytest.fixture
def signed_in_page(page: Any, context: Any, browser_user: User, live_server: Any) -> Any:
    """`page` with alice signed in (her session cookie set directly: sign-in itself has its own test)."""
    client = Client()
    client.force_login(browser_user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    return page


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.2 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern (a
        # <script> tag would be refused, rightly: the pages allow no inline script).
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations],
        indent=1,
    )


def look_at(page: Any, name: str) -> None:
    """Check the page as it stands in light and dark mode at 1280 and 360 px: no serious or
    critical axe violation, nothing wider than the screen at 360 px; screenshots of each saved to
    var/screenshots/<name>-<width>[-dark].png. Leaves the page at 1280 px, light, at its top."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for width in (WIDE, NARROW):
                page.set_viewport_size({"width": width, "height": 900})
                suffix = "" if scheme == "light" else "-dark"
                page.screenshot(
                    path=str(SCREENSHOTS / f"{name}-{width}{suffix}.png"), full_page=True, timeout=30_000
                )  # a long page on a busy machine
                # At the page's end, where a sticky bar (the logging forms' Save) sits in its own
                # place: higher up it lies over whatever scrolls beneath it, which axe's
                # target-size rule counts as crowding that control, at that one scroll position.
                page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
                violations = axe_violations(page)
                assert not violations, f"{name} ({scheme}, {width} px): {_describe(violations)}"
                if width == NARROW:
                    overflow = page.evaluate("() => document.documentElement.scrollWidth")
                    assert overflow <= NARROW, f"{name} ({scheme}) is {overflow} px wide at {NARROW} px"
    finally:
        page.emulate_media(color_scheme="light")
        page.set_viewport_size({"width": WIDE, "height": 900})
        page.evaluate("() => window.scrollTo(0, 0)")
