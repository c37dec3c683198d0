"""Every write of computed data: asking for an analysis, claiming it, storing its summary,
recording a failure and backing its request off, and keeping a user's date ranges few and fresh."""

import json
import time
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from conditions.reference import current_reference_version
from diary.selectors.profiles import change_seq, profiles_with_diary
from diary.selectors.read import load_diary
from tracker.analysis.aggregates import chart_aggregates
from tracker.analysis.findings import Findings
from tracker.analysis.summary import ANALYSIS_VERSION, analyse
from tracker.jobs import (
    DID_NOT_FINISH,
    Job,
    backoff_delay,
    job_send,
    lease_start,
    record_on_fresh_connection,
    sanitized,
)
from tracker.models import ALL_TIME, AnalysisRequest, AnalysisRun, Summary
from tracker.summaries.reference import load_reference
from tracker.summaries.staleness import summaries_with_staleness

# A failed run's request waits this long before it is sent again, doubling with each failure
# in a row up to a day: a diary that always fails costs a few runs a day, not one per sweep.
FIRST_RETRY_AFTER = timedelta(minutes=5)
LONGEST_RETRY_AFTER = timedelta(hours=24)
# One analysis of a user's range; its request is the row that records it.
ANALYSIS = Job(
    task="tracker.summaries.tasks.analyse_diary",
    subject="the analysis of user {}",
    rows=lambda user_id, key: AnalysisRequest.objects.filter(user_id=user_id, range_key=key),
    countdown=lambda: settings.ANALYSIS_COALESCE_SECONDS,  # writes within it join the run
)


def range_key(date_from: date | None, date_to: date | None) -> str:
    if date_from is None and date_to is None:
        return ALL_TIME
    return f"{date_from or ''}..{date_to or ''}"


def range_dates(key: str) -> tuple[date | None, date | None]:
    """The dates of a range key (range_key's inverse)."""
    if key == ALL_TIME:
        return None, None
    first, last = key.split("..")
    return (date.fromisoformat(first) if first else None), (date.fromisoformat(last) if last else None)


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
    if not moved and not range_keep(user_id=user_id, key=key, requested_at=now):
        return
    analysis_enqueue(user_id=user_id, key=key)


def range_keep(*, user_id: int, key: str, requested_at: datetime | None = None) -> bool:
    """Create the range's request if it has none, read now; return whether it was created. A
    new date range makes the user's least recently read one beyond RANGED_SUMMARIES_KEPT go."""
    date_from, date_to = range_dates(key)
    now = timezone.now()
    _, created = AnalysisRequest.objects.get_or_create(
        user_id=user_id,
        range_key=key,
        defaults={
            "date_from": date_from,
            "date_to": date_to,
            "requested_at": requested_at,
            "last_read_at": None if key == ALL_TIME else now,
        },
    )
    if created and key != ALL_TIME:
        ranges_evict(user_id=user_id)
    return created


def range_compute_now(*, user_id: int, key: str) -> Summary | None:
    """Analyse a date range here and now, for a reader who waits (a year of diary takes well
    under a second): keep the range, take its pending request if it has one (a queued run then
    finds the work done), analyse and store. Fails as summary_compute does."""
    if not range_keep(user_id=user_id, key=key):
        range_mark_read(user_id=user_id, key=key)
    analysis_claim(user_id=user_id, key=key)
    return summary_compute(user_id=user_id, key=key)


def range_mark_read(*, user_id: int, key: str) -> None:
    AnalysisRequest.objects.filter(user_id=user_id, range_key=key).update(last_read_at=timezone.now())


def ranges_evict(*, user_id: int) -> int:
    """Keep the user's RANGED_SUMMARIES_KEPT most recently read date ranges: drop the others'
    requests and summaries (a summary stored by a run that outlived its request's eviction
    goes too). Returns how many ranges went."""
    ranged = AnalysisRequest.objects.filter(user_id=user_id).exclude(range_key=ALL_TIME)
    newest_first = ranged.order_by(F("last_read_at").desc(nulls_last=True), "-pk")
    kept = list(newest_first.values_list("range_key", flat=True)[: settings.RANGED_SUMMARIES_KEPT])
    dropped, _ = ranged.exclude(range_key__in=kept).delete()
    Summary.objects.filter(user_id=user_id).exclude(range_key=ALL_TIME).exclude(range_key__in=kept).delete()
    return dropped


def ranges_expire(*, now: datetime) -> int:
    """Drop the date ranges nobody has read for RANGED_SUMMARIES_UNREAD_DAYS (and never-read
    ones, from before reads were recorded), with their summaries: the nightly run would
    otherwise refresh them for ever."""
    unread = Q(last_read_at__lt=now - timedelta(days=settings.RANGED_SUMMARIES_UNREAD_DAYS)) | Q(last_read_at=None)
    ranged = AnalysisRequest.objects.exclude(range_key=ALL_TIME)
    dropped, _ = ranged.filter(unread).delete()
    kept = AnalysisRequest.objects.filter(user_id=OuterRef("user_id"), range_key=OuterRef("range_key"))
    Summary.objects.exclude(range_key=ALL_TIME).exclude(Exists(kept)).delete()
    return dropped


def on_diary_changed(user_id: int) -> None:
    """Registered with diary.changes: a committed write marks the user's analyses wanted, all
    time and each date range kept (at most RANGED_SUMMARIES_KEPT), so that they stay fresh.

    Runs after every write, so it reads the user's requests in one query first: in a burst of
    writes they are all wanted already, and that one query is the whole cost. Only an idle (or
    backed-off) request is asked again, through the same conditional UPDATE as any other ask,
    so two writes racing here still send one run."""
    now = timezone.now()
    requests = AnalysisRequest.objects.filter(user_id=user_id).values_list("range_key", "requested_at", "retry_at")
    states = {key: (requested_at, retry_at) for key, requested_at, retry_at in requests}
    if ALL_TIME not in states:
        states[ALL_TIME] = (None, None)  # the diary's first write: ask for all time
    for key, (requested_at, retry_at) in states.items():
        if requested_at is None or (retry_at is not None and retry_at > now):
            date_from, date_to = range_dates(key)
            analysis_request(user_id=user_id, date_from=date_from, date_to=date_to, retry_now=True)


def analysis_enqueue(*, user_id: int, key: str) -> bool:
    """Send the analysis (tracker.jobs). A broker that is down must not fail, nor slow, the write
    that asked: the request stays marked and the periodic sweep sends it later."""
    return job_send(ANALYSIS, user_id, key)


def analysis_backed_off(*, user_id: int, key: str = ALL_TIME) -> bool:
    """Whether the range's last run failed and its request waits for its retry time: then no
    reader runs it again before that."""
    return AnalysisRequest.objects.filter(user_id=user_id, range_key=key, retry_at__gt=timezone.now()).exists()


def analysis_claim(*, user_id: int, key: str) -> bool:
    """Take the pending request (conditional UPDATE): exactly one run gets it. Writes that come
    in during the run set it again, and so ask for the next run."""
    moved = AnalysisRequest.objects.filter(user_id=user_id, range_key=key, requested_at__isnull=False).update(
        requested_at=None, claimed_at=timezone.now()
    )
    return moved == 1


def summary_is_current(*, user_id: int, key: str) -> bool:
    summaries = summaries_with_staleness(reference_version=current_reference_version())
    return summaries.filter(user_id=user_id, range_key=key, stale=False).exists()


def range_is_kept(*, user_id: int, key: str) -> bool:
    """All time always is; a date range while its request exists (ranges_evict drops it)."""
    return key == ALL_TIME or AnalysisRequest.objects.filter(user_id=user_id, range_key=key).exists()


def summary_compute(*, user_id: int, key: str) -> Summary | None:
    """Analyse and store. The summary row is replaced in one statement inside a transaction,
    so a run killed halfway leaves the previous summary whole; a run that finds a newer summary
    stored meanwhile leaves it alone (and says so). A run that fails is marked failed with its
    reason, its request is backed off, and JobFailed is raised in the error's place."""
    run = AnalysisRun.objects.create(user_id=user_id, range_key=key, started_at=timezone.now())
    try:
        return _analyse_and_store(run)
    except Exception as error:  # whatever failed, Celery's SoftTimeLimitExceeded included
        failure = sanitized(error)
    _record_failure(run, reason=str(failure))
    raise failure  # outside the except block: it does not carry the error, nor its message


def _analyse_and_store(run: AnalysisRun) -> Summary | None:
    user_id, key = run.user_id, run.range_key
    date_from, date_to = range_dates(key)
    clock = time.perf_counter()
    # Read the watermark before the diary: a write committed in between makes the summary look
    # older than it is (so it is redone), never newer.
    watermark = change_seq(user_id=user_id)
    diary, reference = load_diary(user_id=user_id, date_from=date_from, date_to=date_to), load_reference()
    result = analyse(diary, reference)
    _refuse_nan_or_infinity(result)
    charts = chart_aggregates(diary)  # from the diary read already: the dashboard never reads it
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
                    "analysis_version": ANALYSIS_VERSION,
                    "watermark": watermark,
                    "computed_at": timezone.now(),
                    "duration_ms": duration_ms,
                    "charts": charts,
                },
            )
        AnalysisRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            outcome=AnalysisRun.Outcome.STORED if stored else AnalysisRun.Outcome.SUPERSEDED,
            watermark=watermark,
            episodes=len(diary.episodes),
            duration_ms=duration_ms,
        )
        _back_off_reset(user_id=user_id, key=key)
    return stored


def _refuse_nan_or_infinity(result: Findings) -> None:
    """PostgreSQL (and SQLite) refuse NaN and infinity in JSON, with an error that quotes the
    JSON. No finding should produce them; if one ever does, this fails the run here, with a
    reason that names this check, before the database sees it."""
    json.dumps(result, allow_nan=False)


def _record_failure(run: AnalysisRun, *, reason: str) -> None:
    """Mark the run failed and back its request off, on a fresh connection if need be
    (tracker.jobs): when even that fails, the run stays "running" until the sweep finds it
    past the limit."""
    now = timezone.now()

    def record() -> None:
        with transaction.atomic():
            AnalysisRun.objects.filter(pk=run.pk).update(
                outcome=AnalysisRun.Outcome.FAILED, finished_at=now, reason=reason
            )
            _back_off(user_id=run.user_id, key=run.range_key, now=now)

    record_on_fresh_connection(ANALYSIS, run.user_id, run.range_key, record=record)


def _back_off(*, user_id: int, key: str, now: datetime) -> None:
    """Keep the request wanted (it is: the summary is still behind), but do not send it again
    before its retry time. Call inside a transaction."""
    request, _ = AnalysisRequest.objects.select_for_update().get_or_create(
        user_id=user_id, range_key=key, defaults={"requested_at": now}
    )
    request.failures += 1
    request.retry_at = now + backoff_delay(request.failures, first=FIRST_RETRY_AFTER, longest=LONGEST_RETRY_AFTER)
    request.requested_at = request.requested_at or now
    request.save(update_fields=["failures", "retry_at", "requested_at"])


def _back_off_reset(*, user_id: int, key: str) -> None:
    """The analysis works again: a later failure backs off from the start."""
    AnalysisRequest.objects.filter(
        Q(failures__gt=0) | Q(retry_at__isnull=False), user_id=user_id, range_key=key
    ).update(failures=0, retry_at=None)


def analysis_sweep(*, older_than: timedelta = timedelta(seconds=60), limit: int = 500) -> int:
    """Catch up on what live enqueueing missed (a broker outage, a lost message): re-send
    requests pending for a while, ask for the summaries gone stale (all time and kept ranges:
    the diary or the reference data changed since), and for users with a diary and no summary.
    Requests backed off after a failure wait for their `retry_at`; runs that can no longer
    finish are marked failed."""
    now = timezone.now()
    _fail_dead_runs(now=now, limit=limit)
    due = Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    # Never sent (the broker was down), or sent a while ago and still not claimed (message lost).
    unsent = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=F("requested_at"))
    pending = AnalysisRequest.objects.filter(
        due, unsent | Q(requested_at__lt=now - older_than), requested_at__isnull=False
    ).values_list("user_id", "range_key")
    sent = sum(analysis_enqueue(user_id=user_id, key=key) for user_id, key in pending[:limit])
    for user_id, key in _stale_or_missing(now=now, limit=limit):
        date_from, date_to = range_dates(key)
        analysis_request(user_id=user_id, date_from=date_from, date_to=date_to)
        sent += 1
    return sent


def _stale_or_missing(*, now: datetime, limit: int) -> list[tuple[int, str]]:
    """(user, range) of the stale summaries worth asking for, then of the users with a diary
    and no all-time summary; none whose request is backed off, no range no longer kept."""
    request = AnalysisRequest.objects.filter(user_id=OuterRef("user_id"), range_key=OuterRef("range_key"))
    stale = (
        summaries_with_staleness(reference_version=current_reference_version())
        .filter(Q(range_key=ALL_TIME) | Exists(request), stale=True)
        .exclude(Exists(request.filter(retry_at__gt=now)))
    )
    backed_off = AnalysisRequest.objects.filter(range_key=ALL_TIME, retry_at__gt=now).values("user_id")
    missing = profiles_with_diary().exclude(user__summaries__range_key=ALL_TIME)
    return [
        *stale.values_list("user_id", "range_key")[:limit],
        *(
            (user_id, ALL_TIME)
            for user_id in missing.exclude(user_id__in=backed_off).values_list("user_id", flat=True)[:limit]
        ),
    ]


def _fail_dead_runs(*, now: datetime, limit: int) -> None:
    """Mark failed the runs still "running" past the task's hard time limit: their worker is
    gone. The range's latest run is a failure like any other, so its request backs off too: a
    diary whose analysis always outlasts the limit must not be re-run at every sweep. Rare (a
    run dies only with its worker), so one short transaction per run is fine."""
    # A minute on top of the limit: the worker's clock stamped `started_at`, not this one.
    cutoff = lease_start(now, settings.ANALYSIS_TIME_LIMIT + 60)
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
    """Nightly: every summary, since "the last four weeks" (and an open range's end) move with
    the date; the date ranges unread for a while go first, rather than being refreshed."""
    ranges_expire(now=timezone.now())
    summaries = list(Summary.objects.values_list("user_id", "range_key"))
    for user_id, key in summaries:
        date_from, date_to = range_dates(key)
        analysis_request(user_id=user_id, date_from=date_from, date_to=date_to)
    return len(summaries)
