"""Every write of a report: asking for one (a few building per user at most), sending its build,
claiming it, building it into the reports storage, recording a failed attempt, deleting it, and
the sweep that expires old reports and sends again what a broker outage or a dead worker left.

A build's claim is the row's `attempts`: claiming moves it from n to n + 1 in one conditional
UPDATE, and every later write of that build (progress, heartbeat, file, ready, failed) is an
UPDATE conditional on `attempts = n + 1` and `status = running`. A build that was taken over
(its heartbeat stopped for longer than the lease) or whose report was deleted then moves no
row, and stops; a file it stored goes with it. So at most one build's file is ever marked ready,
and only once it is whole in the storage with its size and SHA-256."""

import hashlib
import logging
import secrets
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import BinaryIO
from uuid import UUID

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from diary.dates import years_after
from tracker.jobs import (
    BUILD_DID_NOT_FINISH,
    Job,
    backoff_delay,
    failure_reason,
    job_heartbeat,
    job_send,
    job_send_on_commit,
    lease_start,
    record_on_fresh_connection,
)
from tracker.models import Report
from tracker.reports import FORMATS
from tracker.reports.assembly import report_assemble
from tracker.storage import reports_storage

logger = logging.getLogger(__name__)

BUILDING = (Report.Status.QUEUED, Report.Status.RUNNING)
MAX_YEARS = 5
# Progress is written when it has moved this many percent: about 20 writes a build, whatever
# the number of rows (a renderer may call progress() for every few hundred rows).
PROGRESS_STEP = 5
ASSEMBLED, RENDERED = 5, 90  # the overall progress after each stage; storing takes the rest
# A queued report whose task was sent this long ago and not claimed yet: the message was lost.
RESEND_AFTER = timedelta(minutes=5)

ReportId = UUID | str
# One build of a report; the report's row records it. The build's task retries a failed build
# itself (RetryLater), in embedded mode too, one after the other.
BUILD = Job(
    task="tracker.reports.tasks.build_report",
    subject="the build of report {}",
    rows=lambda report_id: Report.objects.filter(pk=report_id),
    retries_in_thread=True,
)


class TooManyReports(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"{limit} reports are building already.")
        self.limit = limit


class ClaimLost(Exception):
    """The build's claim moved on (taken over after its lease ran out, or the report deleted)."""


class RetryLater(Exception):
    """The attempt failed and the report is queued again: send the build after `after` seconds."""

    def __init__(self, after: float) -> None:
        super().__init__(f"retry in {after} s")
        self.after = after


# --- Asking -------------------------------------------------------------------------------------


def report_create(*, user: User, format: str, date_from: date, date_to: date, include_notes: bool = False) -> Report:
    """Store the report queued and send its build once the transaction commits. The user's row
    is locked first, so that two requests at once cannot both take the last building place."""
    _validate(format=format, date_from=date_from, date_to=date_to)
    now = timezone.now()
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        limit = settings.REPORTS_BUILDING_PER_USER
        if Report.objects.filter(user=user, status__in=BUILDING).count() >= limit:
            raise TooManyReports(limit)
        report = Report.objects.create(
            user=user,
            format=format,
            date_from=date_from,
            date_to=date_to,
            include_notes=include_notes,
            created_at=now,
            expires_at=now + timedelta(days=settings.REPORTS_KEEP_DAYS),
        )
        job_send_on_commit(BUILD, str(report.pk))
    return report


def _validate(*, format: str, date_from: date, date_to: date) -> None:
    errors: dict[str, list[str]] = {}
    if format not in FORMATS:
        errors["format"] = [f"Must be one of {', '.join(sorted(FORMATS))}."]
    if date_from > date_to:
        errors["date_to"] = ["Must not be before date_from."]
    elif date_to >= (limit := years_after(date_from, MAX_YEARS)):
        errors["date_to"] = [f"A report covers at most {MAX_YEARS} years: choose a date before {limit}."]
    if errors:
        raise ValidationError(errors)


def report_enqueue(*, report_id: ReportId) -> bool:
    """Send the build (tracker.jobs). A broker that is down must not fail the request that asked:
    the report stays queued and the sweep sends it later."""
    return job_send(BUILD, str(report_id))


# --- Building -----------------------------------------------------------------------------------


def _claimed(report_id: ReportId, claim: int) -> QuerySet[Report]:
    """The report, only while this build (`claim`) still holds it."""
    return Report.objects.filter(pk=report_id, attempts=claim, status=Report.Status.RUNNING)


def _lease_start(now: datetime) -> datetime:
    """A running build whose heartbeat is older than this is dead."""
    return lease_start(now, settings.REPORTS_LEASE_SECONDS)


def report_claim(*, report_id: ReportId) -> int | None:
    """Take the report for one build: a queued one, or a running one whose build stopped beating
    (its worker died). The claim is the build's number (`attempts` after it); None when a live
    build has it, it is done, failed or gone. A dead build's unfinished file is deleted."""
    now = timezone.now()
    row = Report.objects.filter(pk=report_id).values_list("status", "attempts", "heartbeat_at", "file_name").first()
    if row is None:
        return None
    status, attempts, heartbeat_at, leftover = row
    dead = status == Report.Status.RUNNING and heartbeat_at is not None and heartbeat_at < _lease_start(now)
    if status != Report.Status.QUEUED and not dead:
        return None
    if dead and attempts >= settings.REPORTS_MAX_ATTEMPTS:
        _fail_dead_build(report_id=report_id, claim=attempts, now=now)
        return None
    claimable = Q(status=Report.Status.QUEUED) | Q(status=Report.Status.RUNNING, heartbeat_at__lt=_lease_start(now))
    moved = Report.objects.filter(claimable, pk=report_id, attempts=attempts).update(
        status=Report.Status.RUNNING,
        attempts=F("attempts") + 1,
        progress=0,
        claimed_at=now,
        heartbeat_at=now,
        file_name="",
    )
    if moved != 1:
        return None  # another build claimed it first
    if leftover:
        _delete_file(leftover)
    return int(attempts) + 1


def report_build(*, report_id: ReportId, claim: int) -> str:
    """Build the claimed report into the storage and mark it ready. A failure is recorded: the
    report is queued again (RetryLater is raised) until REPORTS_MAX_ATTEMPTS builds, then it is
    failed with a reason a person can act on. No exception message leaves here: it may hold
    diary data (tracker.jobs)."""
    try:
        with _heartbeat(report_id, claim):
            return _build_and_store(report_id=report_id, claim=claim)
    except ClaimLost:
        return "superseded"
    except Exception as error:
        reason = _reason(error)
    return _attempt_failed(report_id=report_id, claim=claim, reason=reason)  # outside the except block


def _build_and_store(*, report_id: ReportId, claim: int) -> str:
    report = Report.objects.get(pk=report_id)
    output = FORMATS[report.format]
    progress = _Progress(report_id, claim)
    data = report_assemble(
        user_id=report.user_id, date_from=report.date_from, date_to=report.date_to, include_notes=report.include_notes
    )
    progress(ASSEMBLED)
    # An unnamed temporary file: a build killed here leaves nothing behind, in the storage or on disk.
    with tempfile.TemporaryFile() as out:
        output.render(data, out, progress.stage(ASSEMBLED, RENDERED))
        size, digest = _size_and_digest(out)
        name = f"{secrets.token_urlsafe(24)}.{output.extension}"  # 192 random bits: unguessable
        if not _claimed(report_id, claim).update(file_name=name, heartbeat_at=timezone.now()):
            raise ClaimLost  # recorded before the file exists, so that a takeover deletes it
        out.seek(0)
        stored = reports_storage().save(name, File(out))
    try:
        moved = _claimed(report_id, claim).update(
            status=Report.Status.READY,
            progress=100,
            file_name=stored,
            size=size,
            sha256=digest,
            reason="",
            finished_at=timezone.now(),
        )
    except BaseException:
        _delete_file(stored)
        raise
    if not moved:
        _delete_file(stored)  # taken over or deleted meanwhile: the other build's file, or none, counts
        raise ClaimLost
    return "ready"


def _size_and_digest(out: BinaryIO) -> tuple[int, str]:
    out.flush()
    size = out.seek(0, 2)
    out.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: out.read(1 << 20), b""):
        digest.update(chunk)
    return size, digest.hexdigest()


class _Progress:
    """progress(percent) for the whole build; a renderer gets a stage of it. Writes when the
    percent has moved PROGRESS_STEP since the last write, and stops the build (ClaimLost) when
    its claim is gone."""

    def __init__(self, report_id: ReportId, claim: int) -> None:
        self.report_id, self.claim, self.written = report_id, claim, 0

    def __call__(self, percent: int) -> None:
        percent = max(0, min(int(percent), 99))  # 100 is written with "ready", not before
        if percent < self.written + PROGRESS_STEP:
            return
        if not _claimed(self.report_id, self.claim).update(progress=percent, heartbeat_at=timezone.now()):
            raise ClaimLost
        self.written = percent

    def stage(self, low: int, high: int) -> Callable[[int], None]:
        return lambda percent: self(low + (high - low) * max(0, min(percent, 100)) // 100)


def _heartbeat(report_id: ReportId, claim: int) -> AbstractContextManager[None]:
    """Stamp the claim every quarter lease while the build runs (tracker.jobs)."""
    return job_heartbeat(
        BUILD,
        str(report_id),
        stamp=lambda: _claimed(report_id, claim).update(heartbeat_at=timezone.now()),
        every=settings.REPORTS_LEASE_SECONDS / 4,
    )


def _reason(error: Exception) -> str:
    if isinstance(error, SoftTimeLimitExceeded):
        return f"It took longer than the {settings.REPORTS_SOFT_TIME_LIMIT:g}-second limit."
    return f"It failed with {failure_reason(error)}."


def _attempt_failed(*, report_id: ReportId, claim: int, reason: str) -> str:
    """Queue the report again (raises RetryLater) or, after the last attempt, fail it; on a fresh
    connection if need be (tracker.jobs). Unrecorded, the report stays running and the sweep
    finds its lease run out."""
    now = timezone.now()

    def record() -> str:
        if claim < settings.REPORTS_MAX_ATTEMPTS:
            moved = _claimed(report_id, claim).update(
                status=Report.Status.QUEUED, progress=0, reason=reason, heartbeat_at=None, enqueued_at=now
            )
            if moved:
                first = timedelta(seconds=settings.REPORTS_RETRY_SECONDS)
                raise RetryLater(after=backoff_delay(claim, first=first).total_seconds())
            return "superseded"
        _claimed(report_id, claim).update(
            status=Report.Status.FAILED, reason=_final_reason(reason, claim), finished_at=now, heartbeat_at=None
        )
        logger.error("Report %s failed after %s builds: %s", report_id, claim, reason)
        return "failed"

    return record_on_fresh_connection(BUILD, str(report_id), record=record) or "unrecorded"


def _final_reason(reason: str, builds: int) -> str:
    return (
        f"The report could not be built ({builds} tries). {reason} "
        "Try again later, or ask for a shorter period; if it keeps failing, tell us."
    )


def _fail_dead_build(*, report_id: ReportId, claim: int, now: datetime) -> None:
    """The last allowed build died (its worker was killed, or ran out of memory or time)."""
    row = Report.objects.filter(pk=report_id).values_list("file_name", flat=True).first()
    moved = (
        _claimed(report_id, claim)
        .filter(heartbeat_at__lt=_lease_start(now))
        .update(
            status=Report.Status.FAILED,
            reason=_final_reason(BUILD_DID_NOT_FINISH, claim),
            finished_at=now,
            heartbeat_at=None,
            file_name="",
        )
    )
    if moved and row:
        _delete_file(row)


def _delete_file(name: str) -> None:
    try:
        reports_storage().delete(name)
    except Exception as error:  # a storage outage: the file stays, unreferenced; worth a log line
        logger.warning("Could not delete the report file %s: %s", name, failure_reason(error))


# --- Deleting and sweeping ----------------------------------------------------------------------


def report_delete(*, report: Report) -> None:
    """The row now; its file once that is committed (a build still running finds its claim gone
    and deletes its own file)."""
    name = report.file_name
    report.delete()
    if name:
        transaction.on_commit(lambda: _delete_file(name))


def reports_expire(*, now: datetime, limit: int = 500) -> int:
    """Delete the reports past their expiry, each file before its row: a file that cannot be
    deleted now keeps its row, and the next sweep tries again."""
    expired = list(Report.objects.filter(expires_at__lte=now).values_list("pk", "file_name")[:limit])
    gone = []
    for pk, name in expired:
        try:
            if name:
                reports_storage().delete(name)
            gone.append(pk)
        except Exception as error:
            logger.warning("Could not delete the expired report file of %s: %s", pk, failure_reason(error))
    Report.objects.filter(pk__in=gone).delete()
    return len(gone)


def reports_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat, every minute: expire old reports; send again the queued reports whose task was
    never sent (the broker was down) or never claimed (a lost message), and the running ones
    whose build stopped beating (a killed worker: acks_late gives its message back only after
    the broker's visibility timeout). The claim makes a duplicate message harmless."""
    now = now or timezone.now()
    reports_expire(now=now, limit=limit)
    unsent = Q(status=Report.Status.QUEUED) & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - RESEND_AFTER))
    dead = Q(status=Report.Status.RUNNING, heartbeat_at__lt=_lease_start(now))
    sent = 0
    for pk, status, attempts in Report.objects.filter(unsent | dead).values_list("pk", "status", "attempts")[:limit]:
        if status == Report.Status.RUNNING and attempts >= settings.REPORTS_MAX_ATTEMPTS:
            _fail_dead_build(report_id=pk, claim=attempts, now=now)
        else:
            sent += report_enqueue(report_id=pk)
    return sent
