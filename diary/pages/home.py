"""The landing page (signed out) and the health check for load balancers."""

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

HEALTHZ_RETRY_AFTER = 5  # seconds; as the API's (config.api.errors.DATABASE_RETRY_AFTER)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed in, the diary opens on logging, the thing done most often."""
    if request.user.is_authenticated:
        return redirect("episode-log")
    return render(request, "diary/home.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make run`: 200 once the database answers, 503 with Retry-After
    while it does not (and 200 again on the first request after it returns)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        response = JsonResponse({"status": "unavailable"}, status=503)
        response["Retry-After"] = str(HEALTHZ_RETRY_AFTER)
    else:
        response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"  # a load balancer must see the state of now
    return response
