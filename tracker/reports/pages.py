"""The reports page: ask for a report, follow its build, download or delete it; it also lists
the person's share links with their access logs (made and revoked in tracker.shares.pages, which
answer with this page).

Writes go through tracker.reports.services, reads through the selectors, as the API's views do
(tracker/reports/api.py). The page costs the same few queries whatever the size of the diary: it
lists rows, it never reads the diary itself."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.api.common import request_user
from diary.pages import submissions
from diary.selectors import user_zone

# `services` whole: the view report_delete bears the URL configuration's name, which is its
# service's name too.
from tracker.models import Report, Share, ShareAccess
from tracker.reports import services
from tracker.reports.forms import ReportForm
from tracker.reports.selectors import report_download as download_response
from tracker.reports.selectors import report_get, report_list
from tracker.reports.services import BUILDING, TooManyReports, report_create
from tracker.shares.forms import ShareForm
from tracker.shares.services import share_list, share_status

# The page lists the newest of each; reports expire within days and links within months, so
# more than this is rare, and the page must not grow with a history of them.
REPORTS_LISTED = 50
SHARES_LISTED = 50
POLL_SECONDS = 5  # the no-JavaScript refresh while a report builds (htmx polls faster)


@dataclass(frozen=True)
class ShareRow:
    share: Share
    status: str  # active, expired or revoked
    access_count: int
    accesses: list[ShareAccess]


@dataclass(frozen=True)
class NewLink:
    """The link just created: in this one answer only (never in the session or a message)."""

    share: Share
    url: str


def local_today(zone: ZoneInfo) -> date:
    return timezone.now().astimezone(zone).date()


def _share_rows(user: User, now: datetime) -> list[ShareRow]:
    rows = []
    for share in share_list(user=user)[:SHARES_LISTED]:
        # share_list's annotation and prefetch, which the model's type does not know of
        accesses: list[ShareAccess] = getattr(share, "recent_accesses", [])
        rows.append(ShareRow(share, share_status(share, now), getattr(share, "access_count", 0), accesses))
    return rows


def reports_page(
    request: HttpRequest,
    *,
    zone: ZoneInfo,
    report_form: ReportForm | None = None,
    share_form: ShareForm | None = None,
    report_error: str = "",
    new_link: NewLink | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    today = local_today(zone)
    reports = list(report_list(user=user)[:REPORTS_LISTED])
    context = {
        "nav": "reports",
        "zone": zone,
        "report_form": report_form or ReportForm(today=today),
        "share_form": share_form or ShareForm(today=today),
        "report_error": report_error,
        "reports": reports,
        "building": any(report.status in BUILDING for report in reports),
        "poll_seconds": POLL_SECONDS,
        "shares": _share_rows(user, timezone.now()),
        "new_link": new_link,
        "submission_field": submissions.FIELD,
        "submission_id": submissions.submission_id(),
    }
    return render(request, "tracker/reports/page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    zone = user_zone(request_user(request))
    if request.method == "POST":
        return _report_create(request, zone)
    return reports_page(request, zone=zone)


def _report_create(request: HttpRequest, zone: ZoneInfo) -> HttpResponse:
    form = ReportForm(request.POST, today=local_today(zone))
    if form.is_valid() and not submissions.first_sending(request, kind="report"):
        messages.info(request, "This report was already asked for: it is in the list below.")
        return redirect(reverse("reports") + "#your-reports")
    if form.is_valid():
        data = form.cleaned_data
        try:
            report_create(
                user=request_user(request),
                format=data["format"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                include_notes=data["include_notes"],
            )
        except TooManyReports as error:
            message = f"{error.limit} of your reports are being built already. Wait for one to finish, then ask again."
            return reports_page(request, zone=zone, report_form=form, report_error=message, status=429)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Your report is being built: it is at the top of the list below.")
            return redirect(reverse("reports") + "#your-reports")
    form.mark_invalid()
    return reports_page(request, zone=zone, report_form=form, status=400)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def report_status(request: HttpRequest, id: UUID) -> HttpResponse:
    """What the page polls with htmx while a report builds (HX-Request): the part of it that
    changes, as HTML to swap in (reports/report_update.html); anything else gets JSON. Small,
    and never cached."""
    user = request_user(request)
    if request.headers.get("HX-Request") == "true":
        response = _status_swap(request, user, id)
    else:
        report = report_get(user=user, report_id=id)
        ready = report.status == Report.Status.READY
        response = JsonResponse(
            {
                "status": report.status,
                "status_text": report.get_status_display(),
                "progress": report.progress,
                "reason": report.reason if report.status == Report.Status.FAILED else "",
                "download_url": reverse("report-download", args=[report.pk]) if ready else None,
            }
        )
    response["Cache-Control"] = "private, no-store"
    return response


def _status_swap(request: HttpRequest, user: User, id: UUID) -> HttpResponse:
    try:
        report = report_get(user=user, report_id=id)
    except Http404:  # deleted meanwhile (in another tab): 286 ends htmx's polling, nothing swapped
        return HttpResponse(status=286, headers={"HX-Reswap": "none"})
    context = {"report": report, "shown": request.GET.get("shown", "")}
    return render(request, "tracker/reports/report_update.html", context)


@login_required
@require_GET
def report_download(request: HttpRequest, id: UUID) -> FileResponse:
    """The file as an attachment, as the API's download sends it; a 404 until it is ready."""
    return download_response(report=report_get(user=request_user(request), report_id=id))


@login_required
@require_POST
def report_delete(request: HttpRequest, id: UUID) -> HttpResponse:
    services.report_delete(report=report_get(user=request_user(request), report_id=id))
    messages.success(request, "The report is deleted.")
    return redirect(reverse("reports") + "#your-reports")
