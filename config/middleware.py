"""Site-wide plumbing for everything under /api/."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from config.api.errors import error_body

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
