"""The phone client's server side: the quick-log shell, its service worker and its manifest.

The quick-log page (/quick/) is an app shell: the same HTML for everyone, with no user data and
no CSRF token in it, so that the service worker can keep it and open it offline. Its scripts
(diary/static/diary/js/pwa/) build the form from the reference data (/api/v1/reference/, kept
with its ETag), queue what is logged in IndexedDB and sync it through /api/v1/sync/.

The service worker is served here, at the site root, so that its scope covers the whole app.
The view puts in front of the plain script (diary/pwa/service-worker.js) the files to keep and
a version made from all of their contents: a release that changes any of them is a new worker,
whose cache replaces the old one whole.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from conditions.models import RegionGroup
from diary.models import MAX_DURATION_SECONDS, MAX_NOTES_LENGTH
from diary.pages.checkin_form import MEASURES
from diary.pages.episode_form import (
    DEFAULT_DURATION,
    DURATION_PRESETS,
    ONGOING,
    UNITS,
    EpisodeForm,
    duration_words,
    outline_svgs,
)
from diary.pages.function_questions import FUNCTION_QUESTIONS, WEAKNESS_PLACES
from diary.plain import FUNCTION_SIGN_SYMPTOMS

# The quick log's form as it opens: nothing chosen but the duration preset shown in its words.
EMPTY_FORM = EpisodeForm(duration=DEFAULT_DURATION)
SERVICE_WORKER = Path(__file__).resolve().parent.parent / "pwa" / "service-worker.js"
THEME_COLOUR = "#1f5fbf"
BACKGROUND_COLOUR = "#ffffff"

# The shell's scripts are ES modules: the page runs PAGE_SCRIPTS, which import the others. Every
# file of MODULES is preloaded by the page and kept by the worker, so that each import resolves
# offline (a test checks that every file the scripts import is listed here). The worker imports
# WORKER_MODULES, by these names, to sync in the background.
PAGE_SCRIPTS = ("diary/js/log.js", "diary/js/pwa/quick.js")
WORKER_MODULES = {"store": "diary/js/pwa/store.js", "sync": "diary/js/pwa/sync.js"}
MODULES = (
    "diary/js/pwa/store.js",
    "diary/js/pwa/records.js",
    "diary/js/pwa/seal.js",
    "diary/js/pwa/api.js",
    "diary/js/pwa/queue.js",
    "diary/js/pwa/sync.js",
    "diary/js/log-form.js",
    "diary/js/pwa/fields.js",
    "diary/js/pwa/times.js",
    "diary/js/pwa/episode-form.js",
    "diary/js/pwa/checkin-form.js",
    "diary/js/pwa/function-check-form.js",
    "diary/js/clear-answer.js",
    "diary/js/pwa/quick/state.js",
    "diary/js/pwa/quick/texts.js",
    "diary/js/pwa/quick/render.js",
    "diary/js/pwa/quick/syncing.js",
    "diary/js/pwa/quick/weekly.js",
    "diary/js/pwa/quick/actions.js",
)
STYLES = ("vendor/pico-2.1.1/pico.min.css", "diary/site.css", "diary/log.css", "diary/quick.css")
ICONS = (
    # (file, size, purpose): Android asks for 192 and 512; "maskable" fills its own shapes.
    ("diary/icons/icon-192.png", 192, "any"),
    ("diary/icons/icon-512.png", 512, "any"),
    ("diary/icons/maskable-512.png", 512, "maskable"),
)
APPLE_TOUCH_ICON = "diary/icons/apple-touch-icon-180.png"
OTHER_FILES = ("diary/icon.svg", APPLE_TOUCH_ICON)


@dataclass(frozen=True)
class Release:
    """What the service worker keeps, and the version of that set."""

    version: str
    urls: list[str]


def shell_html() -> str:
    """The quick-log page, rendered without a request: nothing in it belongs to anyone."""
    return render_to_string(
        "diary/quick/quick.html",
        {
            "quick": True,
            "form": EMPTY_FORM,
            "words": f"where? · {duration_words(EMPTY_FORM)} · how strong? · now",
            "outlines": outline_svgs(set()),
            "presets": DURATION_PRESETS,
            "ongoing_value": ONGOING,
            "max_duration": MAX_DURATION_SECONDS,
            "units": list(UNITS),
            "intensities": [str(n) for n in range(1, 11)],
            "measures": MEASURES,
            "function_questions": FUNCTION_QUESTIONS,
            "function_signs": {
                q.sign: {"name": q.name, "symptom": FUNCTION_SIGN_SYMPTOMS.get(q.sign, "")} for q in FUNCTION_QUESTIONS
            },
            "weakness_places": WEAKNESS_PLACES,
            "max_notes": MAX_NOTES_LENGTH,
            "group_labels": dict(RegionGroup.choices),
            "styles": STYLES,
            "scripts": PAGE_SCRIPTS,
            "modules": MODULES,
        },
    )


def release() -> Release:
    return _release() if not settings.DEBUG else _build_release()


@cache
def _release() -> Release:
    return _build_release()


def _build_release() -> Release:
    files = (*STYLES, *PAGE_SCRIPTS, *MODULES, *(icon for icon, _, _ in ICONS), *OTHER_FILES)
    digest = hashlib.sha256(SERVICE_WORKER.read_bytes())
    digest.update(shell_html().encode())
    for name in files:
        found = finders.find(name)
        digest.update(Path(found).read_bytes() if isinstance(found, str) else static(name).encode())
    urls = [reverse("quick-log"), reverse("manifest"), *(static(name) for name in files)]
    return Release(version=digest.hexdigest()[:16], urls=urls)


@require_GET
@ensure_csrf_cookie  # the page's scripts send it back with each push
@cache_control(no_cache=True)
def quick_log(request: HttpRequest) -> HttpResponse:
    return HttpResponse(shell_html() if settings.DEBUG else _shell_html())


@cache
def _shell_html() -> str:
    return shell_html()


@require_GET
@cache_control(no_cache=True)  # the browser checks for a new worker at each visit
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker is a module that imports WORKER_MODULES. With ?classic=1, the page's fallback
    where module workers are unknown (Firefox before 147), it is a classic script without them:
    it keeps the shell for offline use, and has no Background Sync (nor has such a browser)."""
    current = release()
    if "classic" in request.GET:
        imports = "".join(f"const {name} = null;\n" for name in WORKER_MODULES)
    else:
        imports = "".join(
            f"import * as {name} from {json.dumps(static(path))};\n" for name, path in WORKER_MODULES.items()
        )
    header = (
        "// Generated by diary.pages.pwa for this release; the rest is diary/pwa/service-worker.js.\n"
        f"const VERSION = {json.dumps(current.version)};\n"
        f"const SHELL_URL = {json.dumps(reverse('quick-log'))};\n"
        f"const PRECACHE = {json.dumps(current.urls)};\n"
        f"{imports}\n"
    )
    body = header + SERVICE_WORKER.read_text(encoding="utf-8")
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    start = reverse("quick-log")
    icons = [
        {"src": static(name), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for name, size, purpose in ICONS
    ]
    icons.append({"src": static("diary/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"})
    document = {
        "id": start,
        "name": "Twitch diary",
        "short_name": "Twitch diary",
        "description": "Log muscle twitching in seconds, even offline; it syncs when the network is back.",
        "start_url": start,
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "lang": "en",
        "icons": icons,
    }
    return JsonResponse(document, content_type="application/manifest+json")
