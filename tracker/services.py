"""Every write of computed data: asking for an analysis, claiming it, storing its summary."""

import logging
import threading
import time
from datetime import date, timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from diary.models import Profile
from tracker.analysis.summary import analyse
from tracker.models import ALL_TIME, AnalysisRequest, AnalysisRun, Summary
from tracker.selectors import load_diary, load_reference

logger = logging.getLogger(__name__)


def range_key(date_from: date | None, date_to: date | None) -> str:
    if date_from is None and date_to is None:
        return ALL_TIME
    return f"{date_from or ''}..{date_to or ''}"


def analysis_request(*, user_id: int, date_from: date | None = None, date_to: date | None = None) -> None:
    """Ask for an analysis of the user's diary. A burst of calls yields one run: only the call
    that moves `requested_at` from empty to set enqueues; the others join that run."""
    key, now = range_key(date_from, date_to), timezone.now()
    moved = AnalysisRequest.objects.filter(user_id=user_id, range_key=key, requested_at=None).update(requested_at=now)
    if not moved:
        _, created = AnalysisRequest.objects.get_or_create(
            user_id=user_id, range_key=key, defaults={"date_from": date_from, "date_to": date_to, "requested_at": now}
        )
        if not created:
            return
    analysis_enqueue(user_id=user_id, key=key)


def on_diary_changed(user_id: int) -> None:
    """Registered with diary.changes: a committed write marks the user's analysis wanted."""
    analysis_request(user_id=user_id)


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
    except Exception:  # any broker or transport error: the sweep catches up
        logger.warning("Could not enqueue the analysis of user %s; the sweep will retry.", user_id, exc_info=True)
        return False
    AnalysisRequest.objects.filter(user_id=user_id, range_key=key).update(enqueued_at=timezone.now())
    return True


def _run_in_thread(user_id: int, key: str) -> None:
    from tracker.tasks import analyse_diary

    try:
        analyse_diary.run(user_id, key)
    except Exception:
        logger.exception("The in-process analysis of user %s failed; the next write or the refresh retries.", user_id)
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
    stored meanwhile leaves it alone (and says so)."""
    request = AnalysisRequest.objects.filter(user_id=user_id, range_key=key).first()
    date_from, date_to = (request.date_from, request.date_to) if request else (None, None)
    started, clock = timezone.now(), time.perf_counter()
    run = AnalysisRun.objects.create(user_id=user_id, range_key=key, started_at=started)
    # Read the watermark before the diary: a write committed in between makes the summary look
    # older than it is (so it is redone), never newer.
    watermark = Profile.objects.filter(pk=user_id).values_list("last_change_seq", flat=True).first() or 0
    diary, reference = load_diary(user_id=user_id, date_from=date_from, date_to=date_to), load_reference()
    result = analyse(diary, reference)
    duration_ms = int((time.perf_counter() - clock) * 1000)
    with transaction.atomic():
        current = Summary.objects.select_for_update().filter(user_id=user_id, range_key=key).first()
        if current is not None and current.watermark > watermark:
            outcome, stored = AnalysisRun.Outcome.SUPERSEDED, None
        else:
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
            outcome = AnalysisRun.Outcome.STORED
        AnalysisRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            outcome=outcome,
            watermark=watermark,
            episodes=len(diary.episodes),
            duration_ms=duration_ms,
        )
    return stored


def analysis_sweep(*, older_than: timedelta = timedelta(seconds=60), limit: int = 500) -> int:
    """Catch up on what live enqueueing missed (a broker outage, a lost message): re-send
    requests pending for a while, and ask for users whose summary is older than their diary."""
    now, sent = timezone.now(), 0
    # Never sent (the broker was down), or sent a while ago and still not claimed (message lost).
    unsent = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=F("requested_at"))
    pending = AnalysisRequest.objects.filter(
        unsent | Q(requested_at__lt=now - older_than), requested_at__isnull=False
    ).values_list("user_id", "range_key")
    for user_id, key in pending[:limit]:
        sent += analysis_enqueue(user_id=user_id, key=key)
    stale = Summary.objects.filter(range_key=ALL_TIME, watermark__lt=F("user__diary_profile__last_change_seq"))
    missing = Profile.objects.filter(last_change_seq__gt=0).exclude(user__summaries__range_key=ALL_TIME)
    for user_id in [
        *stale.values_list("user_id", flat=True)[:limit],
        *missing.values_list("user_id", flat=True)[:limit],
    ]:
        analysis_request(user_id=user_id)
        sent += 1
    return sent


def analysis_refresh_all() -> int:
    """Nightly: every user with a summary, since "the last four weeks" moves with the date."""
    users = list(Summary.objects.filter(range_key=ALL_TIME).values_list("user_id", flat=True))
    for user_id in users:
        analysis_request(user_id=user_id)
    return len(users)
