"""Logging an episode, its saved page, editing it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def episode_log(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def episode_detail(request: HttpRequest, id: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def episode_edit(request: HttpRequest, id: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)
