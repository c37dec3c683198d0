"""The phone client's server side (diary/pages/pwa.py): the quick-log shell, the service worker
that keeps it, the manifest that makes it installable, and GET /api/v1/account/ that the
shell's scripts ask before each sync."""

import base64
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any
from unittest.mock import ANY
from urllib.parse import urljoin

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient

from diary.pages import pwa
from diary.services import profile_update
from tests.api.conftest import assert_error, client_for

QUICK = "/quick/"
WORKER = "/sw.js"
MANIFEST = "/manifest.webmanifest"
ACCOUNT = "/api/v1/account/"


@pytest.fixture(autouse=True)
def _a_fresh_process() -> Iterator[None]:
    """With DEBUG off (as under pytest) the shell and the release are built once per process.
    Each test starts as a process that has not built them yet, and leaves none behind. (The
    private names are the point: clearing them is what a restart does.)"""
    pwa._release.cache_clear()
    pwa._shell_html.cache_clear()
    yield
    pwa._release.cache_clear()
    pwa._shell_html.cache_clear()


@pytest.fixture
def static_served(settings: Any) -> Client:
    """A browser on a site whose WhiteNoise serves the static files from the source folders (as
    under `make run`), since the tests run no collectstatic. The middleware reads these settings
    when a client first loads it, hence a fresh client."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return Client()


class PageLoads(HTMLParser):
    """What a page makes the browser fetch: its <link> targets by rel and its scripts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: dict[str, list[str]] = {}
        self.scripts: list[str] = []
        self.inline_scripts = 0
        self.theme_colour = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "link":
            self.links.setdefault(found["rel"], []).append(found["href"])
        elif tag == "script" and "src" in found:
            self.scripts.append(found["src"])
        elif tag == "script" and found.get("type") != "application/json":
            self.inline_scripts += 1  # code the page's policy would block
        elif tag == "meta" and found.get("name") == "theme-color":
            self.theme_colour = found["content"]

    @property
    def fetched(self) -> list[str]:
        return [href for hrefs in self.links.values() for href in hrefs] + self.scripts


def worker_header(client: Client) -> dict[str, Any]:
    """The constants the view writes in front of diary/pwa/service-worker.js."""
    response = client.get(WORKER)
    assert response.status_code == 200
    header = response.content.decode().split("\n\n", 1)[0]  # the script's own constants follow
    return {name: json.loads(value) for name, value in re.findall(r"^const (\w+) = (.*);$", header, flags=re.MULTILINE)}


def worker_imports(client: Client, url: str = WORKER) -> list[str]:
    """The modules the worker imports (in the lines the view writes in front of the script)."""
    return re.findall(r'^import \* as \w+ from "([^"]+)";$', client.get(url).content.decode(), flags=re.MULTILINE)


def static_file(url: str) -> Path:
    """The source file behind a static URL (tests serve no collected files)."""
    assert url.startswith(django_settings.STATIC_URL), url
    found = finders.find(url.removeprefix(django_settings.STATIC_URL))
    assert isinstance(found, str), f"no static file for {url}"
    return Path(found)


def policy(response: Any) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


# --- The quick-log shell ------------------------------------------------------------------------


def test_it_serves_the_same_shell_to_anyone_with_nothing_of_theirs_in_it(alice_web: Client) -> None:
    anonymous = Client().get(QUICK)
    signed_in = alice_web.get(QUICK)
    assert anonymous.status_code == signed_in.status_code == 200
    assert anonymous.content == signed_in.content  # one copy in the worker's cache fits every account
    assert b"alice" not in signed_in.content
    assert b"csrfmiddlewaretoken" not in signed_in.content
    assert signed_in.cookies["csrftoken"].value.encode() not in signed_in.content


def test_the_shells_check_in_labels_plainly_and_asks_about_twitching_with_no_default(db: None) -> None:
    """As the check-in page (issue 23): "Alcohol" with its hint under the box, not "Alcohol
    (units (...))"; yes or no with nothing chosen ("Not saying" was), and a "Clear"."""
    section = Client().get(QUICK).content.decode().split('id="checkin-section"')[1].split("</details>")[0]
    assert '<label for="checkin-alcohol_units">Alcohol</label>' in section
    assert 'id="checkin-hint-alcohol_units">units; a small glass of wine is about 1.5</small>' in section
    assert 'aria-describedby="checkin-hint-alcohol_units"' in section
    assert "((" not in section
    assert "Not saying" not in section
    assert re.findall(r'name="twitching_today" value="(\w*)"', section) == ["yes", "no"]
    assert "checked" not in section
    assert 'data-clear-answer="twitching_today" hidden>Clear' in section


def test_it_sets_the_csrf_cookie_the_shells_scripts_send_back(db: None) -> None:
    response = Client().get(QUICK)
    assert response.cookies["csrftoken"].value


def test_it_has_the_browser_check_for_a_new_shell_at_each_visit(db: None) -> None:
    response = Client().get(QUICK)
    assert "no-cache" in response["Cache-Control"]


def test_the_shell_runs_under_the_strict_policy_with_no_inline_script(db: None) -> None:
    response = Client().get(QUICK)
    rules = policy(response)
    assert rules["default-src"] == "'self'"
    assert rules["script-src"] == "'self'"
    assert rules["style-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    loads = PageLoads(response.content.decode())
    assert loads.scripts
    assert loads.inline_scripts == 0


def test_the_shell_links_the_manifest_and_its_icons(db: None) -> None:
    loads = PageLoads(Client().get(QUICK).content.decode())
    assert loads.links["manifest"] == [MANIFEST]
    assert loads.links["apple-touch-icon"] == ["/static/diary/icons/apple-touch-icon-180.png"]
    assert loads.theme_colour == pwa.THEME_COLOUR


def test_it_answers_only_get(alice_web: Client) -> None:
    assert alice_web.post(QUICK).status_code == 405


def test_the_shell_costs_no_more_than_the_session(
    alice_web: Client, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):  # the session's row, whoever is signed in
        assert alice_web.get(QUICK).status_code == 200
    pwa._shell_html.cache_clear()
    with django_assert_num_queries(0):  # the shell itself reads nothing, even when first built
        assert Client().get(QUICK).status_code == 200


# --- The service worker -------------------------------------------------------------------------


def test_it_serves_the_worker_as_javascript_checked_at_each_visit(db: None) -> None:
    response = Client().get(WORKER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert response.content.decode().endswith(pwa.SERVICE_WORKER.read_text(encoding="utf-8"))


def test_the_worker_keeps_the_shell_and_everything_the_shell_loads(db: None) -> None:
    client = Client()
    header = worker_header(client)
    loads = PageLoads(client.get(QUICK).content.decode())
    assert header["SHELL_URL"] == QUICK
    assert QUICK in header["PRECACHE"]
    assert loads.links["stylesheet"]
    assert loads.scripts
    assert set(loads.fetched) <= set(header["PRECACHE"])  # stylesheets, scripts, icons, manifest
    assert set(worker_imports(client)) <= set(loads.fetched)


IMPORT = re.compile(
    r"""^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)";|^import\s*"([^"]+)";""", flags=re.MULTILINE | re.DOTALL
)


def imported(url: str) -> list[str]:
    """The modules a module at `url` imports, as URLs (its specifiers are relative)."""
    source = static_file(url).read_text(encoding="utf-8")
    return [urljoin(url, first or second) for first, second in IMPORT.findall(source)]


def test_the_worker_keeps_every_module_the_scripts_import(db: None) -> None:
    # An import the worker does not keep fails offline, and with it the whole quick log.
    client = Client()
    kept = set(worker_header(client)["PRECACHE"])
    to_read = [*PageLoads(client.get(QUICK).content.decode()).scripts, *worker_imports(client)]
    seen: set[str] = set()
    while to_read:
        url = to_read.pop()
        if url not in seen:
            seen.add(url)
            to_read.extend(imported(url))
    assert "/static/diary/js/pwa/quick/render.js" in seen  # the walk follows the imports
    assert seen <= kept, sorted(seen - kept)


def test_the_classic_worker_keeps_the_same_files_and_imports_nothing(db: None) -> None:
    # The fallback where module workers are unknown: the shell offline, without Background Sync.
    client = Client()
    response = client.get(WORKER + "?classic=1")
    assert response.status_code == 200
    assert response.content.decode().endswith(pwa.SERVICE_WORKER.read_text(encoding="utf-8"))
    assert worker_imports(client, WORKER + "?classic=1") == []
    assert "\nimport " not in response.content.decode()
    assert worker_header(client)["PRECACHE"] == json.loads(
        re.findall(r"^const PRECACHE = (.*);$", response.content.decode(), flags=re.MULTILINE)[0]
    )


def test_the_worker_keeps_the_manifests_icons(db: None) -> None:
    client = Client()
    icons = {icon["src"] for icon in client.get(MANIFEST).json()["icons"]}
    assert icons <= set(worker_header(client)["PRECACHE"])


def test_the_worker_keeps_each_address_once(db: None) -> None:
    # Cache.addAll() rejects a list naming one request twice, and the install fails with it.
    kept = worker_header(Client())["PRECACHE"]
    assert len(kept) == len(set(kept))


def test_every_address_the_worker_keeps_answers(static_served: Client) -> None:
    # Cache.addAll() fails whole on a single 404: the worker would never install.
    for url in worker_header(static_served)["PRECACHE"]:
        assert static_served.get(url).status_code == 200, url


def test_the_version_is_the_same_for_everyone_and_at_each_visit(alice_web: Client) -> None:
    first = worker_header(Client())["VERSION"]
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert worker_header(alice_web)["VERSION"] == first
    pwa._release.cache_clear()  # another process of the same release
    assert worker_header(Client())["VERSION"] == first


@pytest.fixture
def quick_css_changed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A release whose diary/quick.css differs by one comment."""
    changed = tmp_path / "quick.css"
    changed.write_bytes(static_file("/static/diary/quick.css").read_bytes() + b"\n/* changed */\n")
    real_find = finders.find

    def find(path: str, *args: Any, **kwargs: Any) -> Any:
        return str(changed) if path == "diary/quick.css" else real_find(path, *args, **kwargs)

    monkeypatch.setattr(finders, "find", find)


@pytest.fixture
def worker_script_changed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    changed = tmp_path / "service-worker.js"
    changed.write_text(pwa.SERVICE_WORKER.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    monkeypatch.setattr(pwa, "SERVICE_WORKER", changed)


@pytest.mark.parametrize("change", ["quick_css_changed", "worker_script_changed"])
def test_a_release_that_changes_a_kept_file_is_a_new_version(
    db: None, request: pytest.FixtureRequest, change: str
) -> None:
    before = worker_header(Client())["VERSION"]
    request.getfixturevalue(change)
    assert worker_header(Client())["VERSION"] == before  # this process keeps its release...
    pwa._release.cache_clear()  # ...and the release's restart builds the new one
    assert worker_header(Client())["VERSION"] != before


def test_under_debug_an_edit_is_a_new_version_at_once(db: None, request: pytest.FixtureRequest, settings: Any) -> None:
    settings.DEBUG = True  # `make run`: no restart between an edit and the next visit
    before = worker_header(Client())["VERSION"]
    request.getfixturevalue("quick_css_changed")
    assert worker_header(Client())["VERSION"] != before


def test_the_worker_and_the_manifest_cost_no_more_than_the_session(
    alice_web: Client, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    for url in (WORKER, MANIFEST):
        with django_assert_max_num_queries(1):
            assert alice_web.get(url).status_code == 200
        with django_assert_num_queries(0):
            assert Client().get(url).status_code == 200


# --- The manifest -------------------------------------------------------------------------------


def test_the_manifest_opens_the_quick_log_as_a_standalone_app(db: None) -> None:
    response = Client().get(MANIFEST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    document = response.json()
    assert document["name"] == "Twitch diary"
    assert 0 < len(document["short_name"]) <= 12  # what a launcher shows under the icon uncut
    assert document["start_url"] == QUICK
    assert document["scope"] == "/"
    assert document["display"] == "standalone"
    assert document["theme_color"] == pwa.THEME_COLOUR
    assert document["background_color"]


def test_the_manifests_icons_are_pngs_of_the_sizes_they_claim(db: None) -> None:
    icons = Client().get(MANIFEST).json()["icons"]
    pngs = [icon for icon in icons if icon["type"] == "image/png"]
    for icon in pngs:
        with Image.open(static_file(icon["src"])) as image:
            assert image.format == "PNG"
            assert image.size == tuple(int(side) for side in icon["sizes"].split("x")), icon["src"]
    assert {icon["sizes"] for icon in pngs if icon["purpose"] == "any"} >= {"192x192", "512x512"}
    assert [icon["sizes"] for icon in pngs if icon["purpose"] == "maskable"] == ["512x512"]


def test_the_manifest_and_its_icons_answer(static_served: Client) -> None:
    for icon in static_served.get(MANIFEST).json()["icons"]:
        response = static_served.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response["Content-Type"] == icon["type"]
        if icon["type"] == "image/png":
            with Image.open(BytesIO(b"".join(response.streaming_content))) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_apple_touch_icon_is_180_pixels(db: None) -> None:
    href = PageLoads(Client().get(QUICK).content.decode()).links["apple-touch-icon"][0]
    with Image.open(static_file(href)) as image:
        assert image.size == (180, 180)


# --- Who is signed in (GET /api/v1/account/) ----------------------------------------------------


def test_it_tells_the_signed_in_user_and_their_time_zone(alice: User, alice_web: Client) -> None:
    profile_update(user=alice, time_zone="Pacific/Auckland")
    response = alice_web.get(ACCOUNT)
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "time_zone": "Pacific/Auckland", "phone_key": ANY}


def test_it_tells_each_caller_about_themselves(alice_web: Client, bob_web: Client) -> None:
    assert alice_web.get(ACCOUNT).json() == {"username": "alice", "time_zone": "UTC", "phone_key": ANY}
    assert bob_web.get(ACCOUNT).json() == {"username": "bob", "time_zone": "UTC", "phone_key": ANY}


def test_each_account_has_its_own_phone_key_the_same_at_every_sign_in(
    alice: User, alice_web: Client, bob_web: Client
) -> None:
    """The key seals an account's unsent entries on a shared phone (js/pwa/seal.js): AES-256,
    the same when the account signs in again (or the entries could not be opened), another
    account's never the same."""
    key = alice_web.get(ACCOUNT).json()["phone_key"]
    assert len(base64.b64decode(key, validate=True)) == 32
    assert client_for(alice).get(ACCOUNT).json()["phone_key"] == key
    assert bob_web.get(ACCOUNT).json()["phone_key"] != key


def test_it_answers_a_phone_with_a_device_token(alice: User) -> None:
    response = client_for(alice).get(ACCOUNT)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_it_refuses_an_anonymous_caller_with_the_apis_error(anonymous: APIClient) -> None:
    assert_error(anonymous.get(ACCOUNT), 401, "not_authenticated")


def test_its_csrf_cookie_lets_the_shell_push(alice: User) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.get(ACCOUNT)
    token = response.cookies["csrftoken"].value
    empty_push = {"episodes": [], "checkins": []}
    assert browser.post("/api/v1/sync/", empty_push, format="json").status_code == 403
    assert browser.post("/api/v1/sync/", empty_push, format="json", HTTP_X_CSRFTOKEN=token).status_code == 200
