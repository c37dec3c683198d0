"""Sign up, log in and out, passwords, settings."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def signup(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)
