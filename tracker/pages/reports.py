"""The reports page and share links."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def report_status(request: HttpRequest, id: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def report_download(request: HttpRequest, id: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def report_delete(request: HttpRequest, id: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def share_create(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)


@login_required
def share_revoke(request: HttpRequest, id: str) -> HttpResponse:
    return HttpResponse("Not built yet.", status=501)
