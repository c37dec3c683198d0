"""The dashboard."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def dashboard_status(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)
