"""Reading a user's reports: the list (newest first, one query whatever its length), one
report, which is a 404 for anyone but its owner, and its file as the API and the page hand it out."""

from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.files import File
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from tracker.models import Report
from tracker.reports import FORMATS
from tracker.storage import reports_storage


def report_list(*, user: User) -> QuerySet[Report]:
    return Report.objects.filter(user=user).order_by("-created_at", "-id")


def report_get(*, user: User, report_id: UUID) -> Report:
    return get_object_or_404(report_list(user=user), pk=report_id)


def report_file(*, report: Report) -> File[Any]:
    """The ready report's file, open for reading; a 404 when it is not ready or gone from the
    storage (deleted by hand, or a storage that lost it)."""
    if report.status != Report.Status.READY:
        raise Http404("This report is not ready.")
    try:
        handle = reports_storage().open(report.file_name, "rb")
    except FileNotFoundError:
        raise Http404("This report's file is gone; ask for it again.") from None
    return handle


def download_name(report: Report) -> str:
    """twitch-diary-2026-09-01-to-2026-11-30.pdf: FORMATS[code].file_name of the assembled
    report, from the row alone (a test keeps the two the same)."""
    output = FORMATS[report.format]
    return f"twitch-diary-{report.date_from}-to-{report.date_to}{output.suffix}.{output.extension}"


def report_download(*, report: Report) -> FileResponse:
    """The ready report's file as an attachment (a 404 until it is ready), for the API's
    download and the reports page alike."""
    response = FileResponse(
        report_file(report=report),
        as_attachment=True,
        filename=download_name(report),
        content_type=FORMATS[report.format].content_type,
    )
    response["Cache-Control"] = "private, no-store"  # health data: no shared or stored copies
    return response
