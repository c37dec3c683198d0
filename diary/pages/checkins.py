"""The day's check-in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def checkin_today(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def checkin_day(request: HttpRequest, day: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)
