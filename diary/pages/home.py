"""The landing page (signed out) and the health check for load balancers."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed in, the diary opens on logging, the thing done most often."""
    if request.user.is_authenticated:
        return redirect("episode-log")
    return render(request, "diary/home.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make run`: answers once the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
