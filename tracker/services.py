"""Every write of computed data: asking for an analysis, claiming it, storing its summary,
recording a failure and backing its request off."""

import json
import logging
import threading
import time
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from diary.models import Profile
from tracker.analysis.findings import Findings
from tracker.analysis.summary import analyse
from tracker.failures import failure_reason, sanitized
from tracker.models import ALL_TIME, AnalysisRequest, AnalysisRun, Summary
from tracker.selectors import load_diary, load_reference

logger = logging.getLogger(__name__)

# A failed run's request waits this long before it is sent again, doubling with each failure
# in a row up to a day: a diary that always fails costs a few runs a day, not one per sweep.
FIRST_RETRY_AFTER = timedelta(minutes=5)
LONGEST_RETRY_AFTER = timedelta(hours=24)
DID_NOT_FINISH = "Did not finish: still running past the task's hard time limit (its worker was stopped or lost)."


def range_key(date_from: date | None, date_to: date | None) -> str:
    if date_from is None and date_to is None:
        return ALL_TIME
    return f"{date_from or ''}..{date_to or ''}"


def analysis_request(
    *, user_id: int, date_from: date | None = None, date_to: date | None = None, retry_now: bool = False
) -> None:
    """Ask for an analysis of the user's diary. A burst of calls yields one run: only the call
    that moves `requested_at` from empty to set enqueues; the others join that run. A request
    backed off after a failure stays set, so calls join it until its `retry_at`; with
    `retry_now` (a diary write: the user may have fixed what failed) it is sent at once."""
    key, now = range_key(date_from, date_to), timezone.now()
    idle = Q(requested_at=None) | Q(retry_at__gt=now) if retry_now else Q(requested_at=None)
    moved = AnalysisRequest.objects.filter(idle, user_id=user_id, range_key=key).update(requested_at=now, retry_at=None)
    if not moved:
        _, created = AnalysisRequest.objects.get_or_create(
            user_id=user_id, range_key=key, defaults={"date_from": date_from, "date_to": date_to, "requested_at": now}
        )
        if not created:
            return
    analysis_enqueue(user_id=user_id, key=key)


def on_diary_changed(user_id: int) -> None:
    """Registered with diary.changes: a committed write marks the user's analysis wanted."""
    analysis_request(user_id=user_id, retry_now=True)


def analysis_enqueue(*, user_id: int, key: str) -> bool:
    """Send the task. A broker that is down must not fail, nor slow, the write that asked: the
    request stays marked and the periodic sweep sends it later."""
    from tracker.tasks import analyse_diary

    if analyse_diary.app.conf.task_always_eager and settings.ANALYSIS_IN_THREAD:
        # Embedded mode has no worker: run it beside the request, so that the write that
        # asked does not wait for it. The claim keeps a concurrent run harmless.
        # Not a daemon: a short-lived process (a management command such as seed_demo) must
        # finish the analysis before it exits, or the request would wait for a sweep that
        # embedded mode does not have.
        threading.Thread(target=_run_in_thread, args=(user_id, key), daemon=False).start()
        return True
    try:
        analyse_diary.apply_async(args=(user_id, key), countdown=settings.ANALYSIS_COALESCE_SECONDS, retry=False)
    except Exception as error:  # any broker or transport error: the sweep catches up
        # Only the reason: in eager mode the task runs right here, and its errors may hold diary data.
        logger.warning(
            "Could not enqueue the analysis of user %s (%s); the sweep will retry.", user_id, failure_reason(error)
        )
        return False
    AnalysisRequest.objects.filter(user_id=user_id, range_key=key).update(enqueued_at=timezone.now())
    return True


def _run_in_thread(user_id: int, key: str) -> None:
    from tracker.tasks import analyse_diary

    try:
        analyse_diary.run(user_id, key)  # a failed run is recorded, backed off, and logged by the task
    except Exception as error:  # a database blip (retried only in a worker): its reason only
        logger.error("The in-process analysis of user %s failed: %s", user_id, failure_reason(error))
    finally:
        connections.close_all()  # this thread's own connections


def analysis_claim(*, user_id: int, key: str) -> bool:
    """Take the pending request (conditional UPDATE): exactly one run gets it. Writes that come
    in during the run set it again, and so ask for the next run."""
    moved = AnalysisRequest.objects.filter(user_id=user_id, range_key=key, requested_at__isnull=False).update(
        requested_at=None, claimed_at=timezone.now()
    )
    return moved == 1


def summary_is_current(*, user_id: int, key: str) -> bool:
    summary = Summary.objects.filter(user_id=user_id, range_key=key).only("watermark").first()
    seq = Profile.objects.filter(pk=user_id).values_list("last_change_seq", flat=True).first() or 0
    return summary is not None and summary.watermark >= seq


def summary_compute(*, user_id: int, key: str) -> Summary | None:
    """Analyse and store. The summary row is replaced in one statement inside a transaction,
    so a run killed halfway leaves the previous summary whole; a run that finds a newer summary
    stored meanwhile leaves it alone (and says so). A run that fails is marked failed with its
    reason, its request is backed off, and AnalysisFailed is raised in the error's place."""
    request = AnalysisRequest.objects.filter(user_id=user_id, range_key=key).first()
    run = AnalysisRun.objects.create(user_id=user_id, range_key=key, started_at=timezone.now())
    try:
        return _analyse_and_store(run, request)
    except Exception as error:  # whatever failed, Celery's SoftTimeLimitExceeded included
        failure = sanitized(error)
    _record_failure(run, reason=str(failure))
    raise failure  # outside the except block: it does not carry the error, nor its message


def _analyse_and_store(run: AnalysisRun, request: AnalysisRequest | None) -> Summary | None:
    user_id, key = run.user_id, run.range_key
    date_from, date_to = (request.date_from, request.date_to) if request else (None, None)
    clock = time.perf_counter()
    # Read the watermark before the diary: a write committed in between makes the summary look
    # older than it is (so it is redone), never newer.
    watermark = Profile.objects.filter(pk=user_id).values_list("last_change_seq", flat=True).first() or 0
    diary, reference = load_diary(user_id=user_id, date_from=date_from, date_to=date_to), load_reference()
    result = analyse(diary, reference)
    _refuse_nan_or_infinity(result)
    duration_ms = int((time.perf_counter() - clock) * 1000)
    with transaction.atomic():
        current = Summary.objects.select_for_update().filter(user_id=user_id, range_key=key).first()
        stored = None
        if current is None or current.watermark <= watermark:
            stored, _ = Summary.objects.update_or_create(
                user_id=user_id,
                range_key=key,
                defaults={
                    "date_from": date_from,
                    "date_to": date_to,
                    "result": result,
                    "reference_version": reference.version,
                    "watermark": watermark,
                    "computed_at": timezone.now(),
                    "duration_ms": duration_ms,
                },
            )
        AnalysisRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            outcome=AnalysisRun.Outcome.STORED if stored else AnalysisRun.Outcome.SUPERSEDED,
            watermark=watermark,
            episodes=len(diary.episodes),
            duration_ms=duration_ms,
        )
        # The analysis works again: a later failure backs off from the start.
        AnalysisRequest.objects.filter(
            Q(failures__gt=0) | Q(retry_at__isnull=False), user_id=user_id, range_key=key
        ).update(failures=0, retry_at=None)
    return stored


def _refuse_nan_or_infinity(result: Findings) -> None:
    """PostgreSQL (and SQLite) refuse NaN and infinity in JSON, with an error that quotes the
    JSON. No finding should produce them; if one ever does, this fails the run here, with a
    reason that names this check, before the database sees it."""
    json.dumps(result, allow_nan=False)


def _record_failure(run: AnalysisRun, *, reason: str) -> None:
    """Mark the run failed and back its request off. When the database itself is what failed,
    this may fail too: the run then stays "running" until the sweep finds it past the limit."""
    now = timezone.now()
    try:
        with transaction.atomic():
            AnalysisRun.objects.filter(pk=run.pk).update(
                outcome=AnalysisRun.Outcome.FAILED, finished_at=now, reason=reason
            )
            _back_off(user_id=run.user_id, key=run.range_key, now=now)
    except DatabaseError as error:
        logger.warning("Could not record the failed analysis of user %s: %s", run.user_id, failure_reason(error))


def _back_off(*, user_id: int, key: str, now: datetime) -> None:
    """Keep the request wanted (it is: the summary is still behind), but do not send it again
    before its retry time. Call inside a transaction."""
    request, _ = AnalysisRequest.objects.select_for_update().get_or_create(
        user_id=user_id, range_key=key, defaults={"requested_at": now}
    )
    request.failures += 1
    request.retry_at = now + _retry_delay(request.failures)
    request.requested_at = request.requested_at or now
    request.save(update_fields=["failures", "retry_at", "requested_at"])


def _retry_delay(failures: int) -> timedelta:
    doublings = min(max(failures - 1, 0), 16)  # 2**16 times 5 minutes is far past a day already
    return min(FIRST_RETRY_AFTER * (1 << doublings), LONGEST_RETRY_AFTER)


def analysis_sweep(*, older_than: timedelta = timedelta(seconds=60), limit: int = 500) -> int:
    """Catch up on what live enqueueing missed (a broker outage, a lost message): re-send
    requests pending for a while, and ask for users whose summary is older than their diary.
    Requests backed off after a failure wait for their `retry_at`; runs that can no longer
    finish are marked failed."""
    now, sent = timezone.now(), 0
    _fail_dead_runs(now=now, limit=limit)
    due = Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    # Never sent (the broker was down), or sent a while ago and still not claimed (message lost).
    unsent = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=F("requested_at"))
    pending = AnalysisRequest.objects.filter(
        due, unsent | Q(requested_at__lt=now - older_than), requested_at__isnull=False
    ).values_list("user_id", "range_key")
    for user_id, key in pending[:limit]:
        sent += analysis_enqueue(user_id=user_id, key=key)
    backed_off = AnalysisRequest.objects.filter(range_key=ALL_TIME, retry_at__gt=now).values("user_id")
    stale = Summary.objects.filter(range_key=ALL_TIME, watermark__lt=F("user__diary_profile__last_change_seq"))
    missing = Profile.objects.filter(last_change_seq__gt=0).exclude(user__summaries__range_key=ALL_TIME)
    for user_id in [
        *stale.exclude(user_id__in=backed_off).values_list("user_id", flat=True)[:limit],
        *missing.exclude(user_id__in=backed_off).values_list("user_id", flat=True)[:limit],
    ]:
        analysis_request(user_id=user_id)
        sent += 1
    return sent


def _fail_dead_runs(*, now: datetime, limit: int) -> None:
    """Mark failed the runs still "running" past the task's hard time limit: their worker is
    gone. The range's latest run is a failure like any other, so its request backs off too: a
    diary whose analysis always outlasts the limit must not be re-run at every sweep. Rare (a
    run dies only with its worker), so one short transaction per run is fine."""
    from tracker.tasks import ANALYSIS_TIME_LIMIT

    # A minute on top of the limit: the worker's clock stamped `started_at`, not this one.
    cutoff = now - timedelta(seconds=ANALYSIS_TIME_LIMIT) - timedelta(minutes=1)
    dead = AnalysisRun.objects.filter(outcome=AnalysisRun.Outcome.RUNNING, started_at__lt=cutoff)
    for run in list(dead.only("user_id", "range_key", "started_at")[:limit]):
        later = AnalysisRun.objects.filter(user_id=run.user_id, range_key=run.range_key, started_at__gt=run.started_at)
        with transaction.atomic():
            AnalysisRun.objects.filter(pk=run.pk).update(
                outcome=AnalysisRun.Outcome.FAILED, finished_at=now, reason=DID_NOT_FINISH
            )
            if not later.exists():
                _back_off(user_id=run.user_id, key=run.range_key, now=now)


def analysis_refresh_all() -> int:
    """Nightly: every user with a summary, since "the last four weeks" moves with the date."""
    users = list(Summary.objects.filter(range_key=ALL_TIME).values_list("user_id", flat=True))
    for user_id in users:
        analysis_request(user_id=user_id)
    return len(users)
