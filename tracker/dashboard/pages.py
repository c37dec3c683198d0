"""The dashboard: red flags first, the summary in sentences, the charts, and the reference notes
folded at the end.

With a current summary it reads only what the background analysis stored (tracker.summaries.selectors.
summary_get: the findings and the charts' small counts), never the diary, so that it costs the
same few queries at 100 and at 100,000 episodes. A missing or stale summary of a small diary
(at most DASHBOARD_ON_THE_SPOT_EPISODES) is analysed here and stored, so that a newcomer's first
episodes show at once; a bigger diary's is asked for (the same request as the API's refresh) and
said so, and the page polls dashboard-status (htmx), which swaps the dashboard in once it is ready. Whatever the state,
the red-flag notice comes from the episodes themselves, never only from a summary that may be
behind them."""

import logging
from contextlib import suppress
from datetime import date, datetime
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from config.api.common import request_user
from diary.models import Profile, profile_zone
from diary.plain import Diary
from diary.selectors.profiles import profile_brief
from diary.selectors.read import live_episode_count, load_function_checks_with_a_yes, load_red_flag_episodes
from tracker.analysis.data import Reference
from tracker.analysis.findings import Findings, ReferenceMatch
from tracker.analysis.red_flags import NOTICE, red_flags
from tracker.analysis.summary import DISCLAIMER
from tracker.dashboard.clinical import ClinicalSections, clinical_sections
from tracker.jobs import JobFailed
from tracker.models import ALL_TIME
from tracker.reports.assembly import Names, reference_names
from tracker.reports.charts import Chart, ChartInput, dashboard_charts
from tracker.reports.narrative import RedFlagLine, findings_sentences, flag_lines, function_check_lines
from tracker.summaries.reference import load_reference
from tracker.summaries.selectors import DiarySummary, summary_get
from tracker.summaries.services import analysis_backed_off, analysis_request, range_compute_now

logger = logging.getLogger(__name__)

# The page polls dashboard-status every 4 s (the template's hx-trigger) for ten minutes at most,
# then leaves it to its "Check again" link.
POLL_FOR_SECONDS = 600

# Raise when the charts' drawing changes: the cached SVGs of every summary are drawn again.
CHARTS_DRAWING = 2
CHARTS_CACHE_SECONDS = 7 * 24 * 3600


class DashboardContext(TypedDict):
    nav: str
    state: str  # "empty": nothing logged; "pending": no summary yet; "ready"
    stale: bool
    computed_at: datetime | None  # in the user's zone
    red_flag_notice: str | None
    red_flag_lines: list[RedFlagLine]
    sentences: list[str]
    charts: list[Chart]
    matches: list[ReferenceMatch]
    names: Names | None
    disclaimer: str
    clinical: ClinicalSections | None  # what was tried, the weekly checks, the tests


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/dashboard.html", _dashboard_context(request_user(request)))


def _dashboard_context(user: User) -> DashboardContext:
    user_id = user.pk
    profile = profile_brief(user_id=user_id)
    summary = _summary(user_id, profile)
    reference = load_reference()
    context = _context(summary, profile, reference)
    today = timezone.now().astimezone(profile_zone(profile)).date()
    findings: Any = summary.findings  # read as JSON: it may come from an older analysis
    context["clinical"] = clinical_sections(user=user, findings=findings, today=today)
    if summary.stale or summary.status != "ready":
        _live_red_flags(context, user_id, summary, reference)
        if context["state"] == "empty" and live_episode_count(user_id=user_id, at_most=0):
            # A summary from before the first episode, or none: never "nothing to show" over a
            # diary that has episodes. Its analysis is on its way (asking again joins it).
            analysis_request(user_id=user_id)
            context["state"] = "pending"
    return context


@login_required
@require_POST
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    """The API's SummaryRefreshView, for the page: ask for the all-time analysis, back to the
    dashboard, which says it is on its way."""
    analysis_request(user_id=request_user(request).pk)
    return redirect("dashboard", permanent=False)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def dashboard_status(request: HttpRequest) -> HttpResponse:
    """What the dashboard polls with htmx while its summary is pending or stale (HX-Request):
    the whole dashboard to swap in once the summary is ready and current, nothing (204) until
    then, and 286, which ends htmx's polling, once the page has polled for POLL_FOR_SECONDS (its
    "Check again" link stays). Anything else gets the stored summary's state as JSON, reads only."""
    user_id = request_user(request).pk
    summary = summary_get(user_id=user_id)
    if request.headers.get("HX-Request") == "true":
        return _status_swap(request, user_id, summary)
    computed_at = summary.computed_at.isoformat() if summary.computed_at else None
    return JsonResponse({"status": summary.status, "stale": summary.stale, "computed_at": computed_at})


def _status_swap(request: HttpRequest, user_id: int, summary: DiarySummary) -> HttpResponse:
    if summary.status == "ready" and not summary.stale:
        context = {**_dashboard_context(request_user(request)), "swapped": True}
        return render(request, "tracker/dashboard_content.html", context)
    if _polled_for(request) > POLL_FOR_SECONDS:
        return HttpResponse(status=286, headers={"HX-Reswap": "none"})
    return HttpResponse(status=204)


def _polled_for(request: HttpRequest) -> float:
    """Seconds since the page that polls was drawn (its `since`, in seconds since the epoch)."""
    try:
        return timezone.now().timestamp() - int(request.GET["since"])
    except (KeyError, ValueError):
        return 0.0


def _summary(user_id: int, profile: Profile | None) -> DiarySummary:
    """The stored summary when current. When missing or stale: a small diary is analysed here
    (unless its last run failed and is backed off); a bigger one with none stored nor asked for
    (its first run is running, or its request was lost) asks for one, to run in the background."""
    summary = summary_get(user_id=user_id)
    if (summary.status == "ready" and not summary.stale) or profile is None or profile.last_change_seq == 0:
        return summary
    limit = int(settings.DASHBOARD_ON_THE_SPOT_EPISODES)
    if live_episode_count(user_id=user_id, at_most=limit) <= limit and not analysis_backed_off(user_id=user_id):
        with suppress(JobFailed):  # recorded on its run, and backed off: show what is stored
            range_compute_now(user_id=user_id, key=ALL_TIME)
            return summary_get(user_id=user_id)
    if summary.status == "none":
        analysis_request(user_id=user_id)
        return DiarySummary("pending", False, None, None, None)
    return summary


def _live_red_flags(context: "DashboardContext", user_id: int, summary: DiarySummary, reference: Reference) -> None:
    """The red-flag notice from the episodes themselves while the summary is behind them (or
    missing): every episode with a red-flag symptom, read from the diary now. The eyelid rules
    that need a whole day of episodes come from the last summary, if any, until it is redone."""
    codes = frozenset(code for code, symptom in reference.symptoms.items() if symptom.red_flag)
    episodes = load_red_flag_episodes(user_id=user_id, codes=codes)
    checks = load_function_checks_with_a_yes(user_id=user_id)
    found = red_flags(Diary(episodes, (), date.min, date.max, function_checks=checks), reference)
    stored = summary.findings["red_flags"]["flags"] if summary.findings else []
    flags = found["flags"] + [flag for flag in stored if flag["rule"] != "red_flag_symptom"]
    flags.sort(key=lambda flag: flag["started_at"])  # local wall-clock times, in the analysis's order
    names = context["names"] or reference_names(reference)
    context["red_flag_notice"] = NOTICE if flags or found["function_checks"] else None
    context["red_flag_lines"] = flag_lines(flags, names) + function_check_lines(found["function_checks"], names)


def _context(summary: DiarySummary, profile: Profile | None, reference: Reference) -> DashboardContext:
    context: DashboardContext = {
        "nav": "dashboard",
        "state": "pending" if summary.status == "pending" else "empty",
        "stale": summary.stale,
        "computed_at": None,
        "red_flag_notice": None,
        "red_flag_lines": [],
        "sentences": [],
        "charts": [],
        "matches": [],
        "names": None,
        "disclaimer": DISCLAIMER,
        "clinical": None,
    }
    findings = summary.findings
    if findings is None:
        return context
    names = reference_names(reference)
    # Before the episodes: a weekly check's yes is a red flag in a diary without episodes too.
    context["red_flag_notice"] = findings["red_flags"]["notice"]
    context["red_flag_lines"] = flag_lines(findings["red_flags"]["flags"], names) + function_check_lines(
        findings["red_flags"].get("function_checks", []), names
    )
    if not findings["frequency"]["episodes"]:
        return context
    zone = profile_zone(profile)
    context["state"] = "ready"
    context["computed_at"] = summary.computed_at.astimezone(zone) if summary.computed_at else None
    context["sentences"] = findings_sentences(findings, names)
    context["charts"] = _charts(summary, findings, names)
    context["matches"] = findings["reference_matches"]
    context["names"] = names
    return context


def _charts(summary: DiarySummary, findings: Findings, names: Names) -> list[Chart]:
    """The charts of this summary, drawn once and cached by its id and computation time (a new
    analysis is a new key). A cache that is down costs a drawing, never the page."""
    if summary.charts is None:  # stored before the counts were: it is stale and being redone
        return []
    key = f"dashboard-charts:{CHARTS_DRAWING}:{summary.summary_id}:{summary.computed_at:%Y%m%dT%H%M%S.%f}"
    try:
        cached = cache.get(key)
    except Exception as error:  # any cache backend error: draw instead
        logger.warning("Dashboard charts cache unavailable (%s); drawing.", type(error).__name__)
        cached = None
    if isinstance(cached, list):
        return cached
    charts = dashboard_charts(ChartInput(summary.charts, findings, names))
    try:
        cache.set(key, charts, CHARTS_CACHE_SECONDS)
    except Exception as error:
        logger.warning("Dashboard charts not cached (%s).", type(error).__name__)
    return charts
