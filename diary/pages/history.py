"""The history: filter, page, delete and undo."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def history(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def episode_delete(request: HttpRequest, id: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def episode_restore(request: HttpRequest, id: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)
