"""The summary of a user's diary over a range, as every reader gets it: the API now, the
dashboard, reports and share pages later. One typed answer (DiarySummary) and three ways to ask:

- `summary_get`: what is stored, as it is (reads only).
- `summary_read`: what a reader of the range gets, with the upkeep reading calls for (the first
  look at a range asks for it, a short range is analysed on the spot when its summary is missing
  or stale, a request stuck for a while is sent again, a kept range is marked read).
- `summary_of_range`: a range for a report or a share page, analysed now if not stored fresh,
  and not stored (reads only).

Whether a summary is stale is decided in tracker.summaries.staleness.summaries_with_staleness, not
here."""

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from conditions.reference import current_reference_version
from diary.models import EARLIEST_DATE
from diary.plain import Diary
from diary.selectors.profiles import change_seq, change_seq_of, user_today
from diary.selectors.read import load_diary
from tracker.analysis.aggregates import ChartAggregates
from tracker.analysis.findings import Findings
from tracker.analysis.summary import analyse
from tracker.jobs import JobFailed
from tracker.models import ALL_TIME, AnalysisRequest, Summary
from tracker.summaries.reference import load_reference
from tracker.summaries.services import analysis_enqueue, analysis_request, range_compute_now, range_key, range_mark_read
from tracker.summaries.staleness import summaries_with_staleness

Status = Literal["ready", "pending", "none"]

# A request asked this long ago and not yet run is sent again when its summary is read.
STUCK_AFTER = timedelta(minutes=1)
# A kept range's last read is recorded at most this often: its order among the user's ranges
# needs no finer clock, and a read of a fresh summary then costs no write.
MARK_READ_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class DiarySummary:
    status: Status  # ready: a summary is stored; pending: one is asked for; none: neither
    stale: bool  # newer diary or reference data is waiting (only ever true when ready)
    computed_at: datetime | None
    reference_version: str | None
    findings: Findings | None  # None unless ready
    summary_id: int | None = None  # the stored row's, when ready and stored
    charts: ChartAggregates | None = None  # the charts' counts stored with it (the dashboard's)


@dataclass(frozen=True)
class _Stored:
    """What is stored for one user and range. The request is read only when the summary is
    missing or stale: a fresh summary is answered in two queries."""

    summary: Summary | None
    stale: bool
    seq: int  # the user's change number: 0 means an empty diary
    read_at: datetime | None  # a date range's last read
    request: AnalysisRequest | None

    @property
    def fresh(self) -> bool:
        return self.summary is not None and not self.stale


def summary_get(*, user_id: int, date_from: date | None = None, date_to: date | None = None) -> DiarySummary:
    return _answer(_read(user_id=user_id, key=range_key(date_from, date_to)))


def summary_read(*, user_id: int, date_from: date | None = None, date_to: date | None = None) -> DiarySummary:
    """The summary a reader gets. Fresh: as stored. A date range of at most
    SUMMARY_ON_DEMAND_DAYS that is missing or stale: analysed here and stored (unless its last
    run failed and is backed off). Otherwise what is stored (stale, pending or none), after
    asking for it at the first look and sending again a request stuck for a while."""
    key = range_key(date_from, date_to)
    stored = _read(user_id=user_id, key=key)
    if key != ALL_TIME and _read_long_ago(stored.read_at) and (stored.summary or stored.request):
        range_mark_read(user_id=user_id, key=key)
    if stored.fresh:
        return _answer(stored)
    now = timezone.now()
    backed_off = stored.request is not None and stored.request.is_backed_off(now)
    if key != ALL_TIME and stored.seq > 0 and not backed_off and _short(user_id, date_from, date_to):
        # A failure is recorded on its run and backs the request off: then answer what is stored.
        with suppress(JobFailed):
            range_compute_now(user_id=user_id, key=key)
        return summary_get(user_id=user_id, date_from=date_from, date_to=date_to)
    if stored.summary is None and stored.request is None and stored.seq > 0:
        # The first look at this range asks for it (in-process mode may compute it at once).
        analysis_request(user_id=user_id, date_from=date_from, date_to=date_to)
        return summary_get(user_id=user_id, date_from=date_from, date_to=date_to)
    if stored.request is not None:
        _send_again_if_stuck(stored.request, now=now)
    return _answer(stored)


def summary_of_range(
    *, user_id: int, date_from: date | None, date_to: date | None, diary: Diary | None = None
) -> DiarySummary:
    """A range for a report or a share page: the stored summary when fresh, else analysed here
    and not stored (each report may ask for a range of its own; storing them would pile up).
    A caller that has loaded the range's diary already passes it, so it is not read twice."""
    stored = _read(user_id=user_id, key=range_key(date_from, date_to))
    if stored.fresh:
        return _answer(stored)
    reference = load_reference()
    if diary is None:
        diary = load_diary(user_id=user_id, date_from=date_from, date_to=date_to)
    findings = analyse(diary, reference)
    return DiarySummary("ready", False, timezone.now(), reference.version, findings)


def _read(*, user_id: int, key: str) -> _Stored:
    # The range's last read comes in the same query: the most recently read ranges are kept.
    kept = AnalysisRequest.objects.filter(user_id=OuterRef("user_id"), range_key=OuterRef("range_key"))
    summary = (
        summaries_with_staleness(reference_version=current_reference_version())
        .annotate(read_at=Subquery(kept.values("last_read_at")[:1]))
        .filter(user_id=user_id, range_key=key)
        .first()
    )
    if summary is not None and not summary.stale:
        return _Stored(summary, False, summary.seq, summary.read_at, None)
    # The request with the user's change number in one query; the profile on its own only when
    # there is neither a summary nor a request (a diary never analysed, or no diary at all).
    requests = AnalysisRequest.objects.annotate(seq=change_seq_of(OuterRef("user_id")))
    request = requests.filter(user_id=user_id, range_key=key).first()
    read_at = request.last_read_at if request else None
    if summary is not None:
        return _Stored(summary, True, summary.seq, read_at, request)
    if request is not None:
        return _Stored(None, False, request.seq, read_at, request)
    return _Stored(None, False, change_seq(user_id=user_id), None, None)


def _answer(stored: _Stored) -> DiarySummary:
    summary = stored.summary
    if summary is not None:
        return DiarySummary(
            "ready",
            stored.stale,
            summary.computed_at,
            summary.reference_version,
            summary.findings,
            summary.pk,
            summary.chart_aggregates,
        )
    waiting = stored.request is not None and stored.request.requested_at is not None
    return DiarySummary("pending" if waiting else "none", False, None, None, None)


def _short(user_id: int, date_from: date | None, date_to: date | None) -> bool:
    days = ((date_to or user_today(user_id)) - (date_from or EARLIEST_DATE)).days + 1
    return days <= int(settings.SUMMARY_ON_DEMAND_DAYS)


def _read_long_ago(read_at: datetime | None) -> bool:
    return read_at is None or read_at < timezone.now() - MARK_READ_EVERY


def _send_again_if_stuck(request: AnalysisRequest, *, now: datetime) -> None:
    """Asked a while ago and still not done (a lost message, a process that died, or embedded
    mode, which has no sweep): send it again, unless a failed run backed it off (then reading
    the summary must not re-run it). The claim makes it harmless."""
    if request.requested_at is None or request.is_backed_off(now):
        return
    if (request.enqueued_at or request.requested_at) < now - STUCK_AFTER:
        analysis_enqueue(user_id=request.user_id, key=request.range_key)
