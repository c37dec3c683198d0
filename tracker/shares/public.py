"""The tracker's web pages: the doctor's share page (/s/<token>/) and its PDF.

A share page needs no account. Every answer (the page, the PDF, "no longer valid", "too many
tries") is sent with no referrer (the token is in the address), no caching anywhere, no indexing,
and a CSP under which the page can load only its own style sheet (the charts are inline SVG drawn
with presentation attributes, which a CSP does not govern; data: serves the empty icon).

Each try is counted per client address before the token is read, so guessing runs into the
throttle whatever it guesses; a view that gets through writes one access row."""

import io
from collections.abc import Callable
from functools import wraps

from csp.decorators import csp
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from config.throttle import Limit, ThrottleUnavailable, TooManyTries, client_address, count_try
from tracker.models import Share, ShareAccess
from tracker.reports import FORMATS
from tracker.reports.assembly import ReportData, report_assemble
from tracker.reports.body import report_body_context
from tracker.shares.services import share_access_record, share_open

View = Callable[..., HttpResponseBase]

SHARE_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
}
SHARE_HEADERS = {
    "Referrer-Policy": "no-referrer",  # the token is in the address: never pass it on in a Referer
    "Cache-Control": "no-store",  # health data: not in the browser's cache, nor a proxy's
    "X-Robots-Tag": "noindex, nofollow",
}
INVALID = ("Link not valid", "This link is no longer valid. Ask the person who sent it for a new one.")


def share_response(view: View) -> View:
    """Every answer of a share view, refusals included, carries the share headers and CSP."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = csp(SHARE_CSP)(require_GET(view))(request, *args, **kwargs)
        for name, value in SHARE_HEADERS.items():
            response[name] = value
        return response

    return wrapped


def share_limit() -> Limit:
    return Limit("throttle-share_address", settings.SECRET_THROTTLE_RATES["share_address"])


def _refused(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "tracker/share_refused.html", {"title": title, "message": message}, status=status)


def _open(request: HttpRequest, token: str) -> Share | HttpResponse:
    """The link, or the answer that refuses it: 429 over the rate, 503 when the counters'
    cache is down (a try that cannot be counted is not let through), 404 for any token that
    opens nothing (unknown, expired, revoked or malformed: one page for all)."""
    try:
        count_try(request, [(share_limit(), client_address(request))])
    except TooManyTries as error:
        response = _refused(request, 429, "Too many tries", "Too many tries from your network. Try again later.")
        response["Retry-After"] = str(error.retry_after)
        return response
    except ThrottleUnavailable as error:
        response = _refused(request, 503, "Unavailable", "This page is unavailable for a moment. Try again shortly.")
        response["Retry-After"] = str(error.retry_after)
        return response
    share = share_open(token=token)
    return share if share is not None else _refused(request, 404, *INVALID)


def _report(share: Share) -> ReportData:
    return report_assemble(
        user_id=share.user_id, date_from=share.date_from, date_to=share.date_to, include_notes=share.include_notes
    )


def _record(request: HttpRequest, share: Share, what: ShareAccess.What) -> None:
    share_access_record(
        share=share,
        what=what,
        client_address=client_address(request),
        user_agent=request.headers.get("User-Agent", ""),
    )


@share_response
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    report = _report(opened)
    context = {**report_body_context(report, phone_charts=True), "token": token, "expires_at": opened.expires_at}
    html = render_to_string("tracker/share.html", context, request=request)
    _record(request, opened, ShareAccess.What.PAGE)  # once the page is built, as for the PDF
    return HttpResponse(html)


@share_response
def share_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The doctor's PDF, built in this request rather than as a background job (tracker.jobs)
    that the doctor would have to wait and come back for: a year of 5,000 episodes takes 4.9 to
    5.6 s, of 10,000 7.4 to 10.2 s (the page: 2.3 to 4.5 s), on SQLite and on PostgreSQL
    (`python -m tests.bench.bench_exports`, with DATABASE_URL for PostgreSQL, on a 2-core
    machine under a load of 4). The longest range a link takes, five years, of 50,000 episodes
    (27 a day) took 13 to 26 s, close to a web worker's 30 s: a diary like that would need a
    longer --timeout, or this built as a report is (tracker.reports.services)."""
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    report = _report(opened)
    pdf = FORMATS["pdf"]
    out = io.BytesIO()
    pdf.render(report, out)
    _record(request, opened, ShareAccess.What.PDF)
    response = HttpResponse(out.getvalue(), content_type=pdf.content_type)
    response["Content-Disposition"] = f'attachment; filename="{pdf.file_name(report)}"'
    return response
