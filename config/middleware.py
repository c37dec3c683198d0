"""Site-wide plumbing: for everything under /api/, and for the pages a signed-in person sees."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from config.api.errors import DATABASE_DOWN, DATABASE_RETRY_AFTER, ServiceUnavailable, error_body
from config.failures import describe_failure

logger = logging.getLogger(__name__)

# No API address takes more than a handful of query parameters; Django's own cap (1,000) is
# for forms. A request with more is refused before anything parses it.
MAX_QUERY_PARAMETERS = 50


class ApiGuardMiddleware:
    """Refuses an absurd query string at once, and keeps API answers out of every cache: they
    carry someone's health data. A view that wants caching (the reference data, with its ETag)
    sets its own Cache-Control."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        if query.count("&") >= MAX_QUERY_PARAMETERS:
            message = f"Too many query parameters: at most {MAX_QUERY_PARAMETERS} are accepted."
            response: HttpResponse = JsonResponse(error_body("invalid", message), status=400)
        else:
            response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class PrivatePagesMiddleware:
    """Keeps every answer to a signed-in person out of the browser's and any proxy's cache: the
    pages carry their diary (history, an episode, the dashboard, the export...), and a shared
    computer's back button or disk cache must not show them to the next person. A view that
    sets its own Cache-Control (the share page, the quick log's shell) keeps it. After
    AuthenticationMiddleware, so that `request.user` is known; a sign-out answers as a stranger's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") or response.has_header("Cache-Control"):
            return response  # ApiGuardMiddleware's no-store covers every API answer
        # Last: reading the user costs a query on a page that did not read it itself.
        if request.user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back in a moment</title></head>
<body><h1>Back in a moment</h1><p>The diary cannot be reached just now; nothing was changed.
Try again in a few seconds.</p></body></html>
"""


class DatabaseUnavailableMiddleware:
    """With the database down (a restart, a failover), any view's OperationalError or
    InterfaceError is a 503 with Retry-After, not a 500: JSON in the API's error shape under
    /api/ (DRF views get the same from config.api.errors), a short plain page elsewhere (not the
    site's template, whose context would read the user from the database). Nothing is kept: the
    next request opens a new connection, so the site recovers as soon as the database returns."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("The database is unavailable: %s", describe_failure(exception))
        response: HttpResponse
        if request.path.startswith("/api/"):
            message = str(ServiceUnavailable.default_detail)
            response = JsonResponse(error_body("unavailable", message), status=503)
        else:
            response = HttpResponse(UNAVAILABLE_PAGE, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"  # and PrivatePagesMiddleware reads no user
        return response
