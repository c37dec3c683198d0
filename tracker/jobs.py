"""The one background-job mechanism: how the analysis (tracker.summaries) and the reports'
builds (tracker.reports) are sent, run in embedded mode, kept alive, failed, retried and swept.

A job is a Celery task over a row that records it (an analysis request, a report). The row is
the truth and the message only says which row to look at, so a message that is lost, sent
twice or delivered late does no harm. In its life:

- **Sent** once the asking transaction has committed (`job_send_on_commit`, or `job_send` from a
  caller that runs on commit already), by the task's registered name: a feature's services
  never import its tasks (tracker.apps imports the task modules at start). The row's
  `enqueued_at` is stamped. A broker that is down fails nothing: the row stays unsent and the
  feature's sweep sends it later. Embedded mode (no REDIS_URL) has no worker: the task runs in a
  thread beside the request that asked.
- **Claimed** by a conditional UPDATE of the row that exactly one run wins (`analysis_claim`,
  `report_claim`: what "claimable" means is the feature's own).
- **Kept alive**, when it may run long, by a heartbeat that a thread of its own stamps on the row
  (`job_heartbeat`). A claim whose last sign of life is older than its lease (`lease_start`)
  belongs to a dead worker.
- **Failed** with its reason only (`failure_reason`: the error's class and place, never its
  message, which may hold diary data), recorded on a fresh connection when the failure broke
  the one in use (`record_on_fresh_connection`), and tried again after a wait that doubles with
  each failure in a row (`backoff_delay`).
- **Swept** by beat: each feature's sweep finds what was never sent or never claimed and sends it
  again (`job_send`), and marks failed what died with its worker, past its lease or its hard
  time limit (`lease_start`, with `DID_NOT_FINISH` or `BUILD_DID_NOT_FINISH` as the reason).
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from celery import Task, current_app
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from config.failures import describe_failure

logger = logging.getLogger(__name__)

T = TypeVar("T")
Arg = int | str

# What a job that died with its worker leaves as its reason, by what it was. An analysis run's
# is read by the operator in the admin; a report's by its owner, after "could not be built".
DID_NOT_FINISH = "Did not finish: still running past the task's hard time limit (its worker was stopped or lost)."
BUILD_DID_NOT_FINISH = "Its last build stopped without finishing (the worker was stopped or lost)."
# A wait doubles at most this many times: 2**16 times the first is far past any job's longest.
MAX_DOUBLINGS = 16


@dataclass(frozen=True)
class Job:
    """A kind of background work: its Celery task and the rows that record one of them."""

    task: str  # the task's registered name, as the settings' annotations and beat schedule name it
    subject: str  # how a log line names one; "{}" stands for the task's first argument
    rows: Callable[..., QuerySet[Any]]  # the row that records one, from the task's arguments
    # Seconds a sent task waits before it runs (read from the settings when it is sent), so that
    # the asks that come in meanwhile join its run; 0 (as Celery reads it too): at once.
    countdown: Callable[[], float] = lambda: 0
    # Embedded mode: run the task through Celery, its retries one after the other in the thread
    # (apply()), or call its function, which records its own failure and is not retried (run()).
    retries_in_thread: bool = False

    def name(self, args: tuple[Arg, ...]) -> str:
        return self.subject.format(*args)


# --- Failures, told without the data they failed on ----------------------------------------------


class JobFailed(Exception):
    """A job failed. Its message is only the failure's reason, so it may be logged."""


class JobInterrupted(JobFailed):
    """The database went away mid-run (a restart, a dropped connection): worth retrying soon."""


def failure_reason(error: BaseException) -> str:
    """The exception's class and the innermost line of the project's own code it passed through,
    e.g. "DataError at tracker/summaries/services.py:150 in _analyse_and_store"; never its
    message. A database error's message echoes the row it refused (a summary's JSON, a
    check-in's values), and whatever logs an exception (Celery's "raised unexpected", a
    thread's logger.exception) writes that message out."""
    if isinstance(error, JobFailed):
        return str(error)  # already a reason
    return describe_failure(error)


def sanitized(error: BaseException) -> JobFailed:
    """What to raise in `error`'s place. Raise it outside the `except` block that caught
    `error`, so that it does not even carry `error` as its context."""
    if isinstance(error, JobFailed):
        return error
    transient = isinstance(error, OperationalError | InterfaceError)
    return (JobInterrupted if transient else JobFailed)(failure_reason(error))


# --- Sending -------------------------------------------------------------------------------------


def job_task(job: Job) -> "Task[Any, Any]":
    """The job's task, from the Celery app's registry (an unknown name raises NotRegistered)."""
    return current_app.tasks[job.task]


def job_send_on_commit(job: Job, *args: Arg) -> None:
    """Send the job once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: job_send(job, *args), robust=True)


def job_send(job: Job, *args: Arg) -> bool:
    """Send the job's task, and stamp its row's `enqueued_at`; whether it went. A broker that is
    down must not fail, nor slow, the write that asked: the row stays unsent for the sweep."""
    task = job_task(job)
    if task.app.conf.task_always_eager and settings.ANALYSIS_IN_THREAD:
        # Embedded mode has no worker: run it beside the request, so that the write that asked
        # does not wait for it. The claim keeps a concurrent run harmless. Not a daemon: a
        # short-lived process (a management command such as seed_demo) must finish the job
        # before it exits, or the job would wait for a sweep that embedded mode does not have.
        threading.Thread(target=_run_in_thread, args=(job, args), daemon=False).start()
        return True
    try:
        task.apply_async(args=args, countdown=job.countdown(), retry=False)
    except Exception as error:  # any broker or transport error: the sweep catches up
        # Only the reason: in eager mode the task runs right here, and its errors may hold diary data.
        logger.warning("Could not send %s (%s); the sweep will.", job.name(args), failure_reason(error))
        return False
    job.rows(*args).update(enqueued_at=timezone.now())
    return True


def _run_in_thread(job: Job, args: tuple[Arg, ...]) -> None:
    task = job_task(job)
    try:
        if job.retries_in_thread:
            task.apply(args=args)
        else:
            task.run(*args)  # a failed run is recorded, backed off, and logged by the task
    except Exception as error:  # a database blip (retried only in a worker): its reason only
        logger.error("The in-process run of %s failed: %s", job.name(args), failure_reason(error))
    finally:
        connections.close_all()  # this thread's own connections


# --- Running -------------------------------------------------------------------------------------


def lease_start(now: datetime, seconds: float) -> datetime:
    """A claimed job whose last sign of life (its heartbeat, or its start for a job with no
    heartbeat) is older than this, `seconds` before `now`, belongs to a dead worker."""
    return now - timedelta(seconds=seconds)


@contextmanager
def job_heartbeat(job: Job, *args: Arg, stamp: Callable[[], int], every: float) -> Iterator[None]:
    """While the block runs, call `stamp` (an UPDATE of the job's claimed row; the rows it moved)
    every `every` seconds from a thread of its own, so that a job stays live through a long
    stage that reports no progress (an analysis, a chart). The thread stops with the block, or
    when `stamp` moves no row (the claim moved on: the job's own next write finds out too). A
    killed worker takes the thread with it, and the lease then runs out."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                if not stamp():
                    return
        except DatabaseError as error:  # the lease may then run out; the job's writes will tell
            logger.warning("The heartbeat of %s stopped: %s", job.name(args), failure_reason(error))
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat of {job.name(args)}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


# --- Failing -------------------------------------------------------------------------------------


def record_on_fresh_connection(job: Job, *args: Arg, record: Callable[[], T]) -> T | None:
    """Run `record`, the write of the job's failure, and return what it returns. A failure that
    interrupted a query (the soft time limit lands wherever the job is, often inside the
    database driver) leaves the connection unusable: then this records on a new connection.
    When the database itself is what failed, that may fail too: then None, and the job's row
    stays running until the sweep finds it dead."""
    for attempt in (1, 2):
        try:
            return record()
        except DatabaseError as error:
            if attempt == 2 or connection.in_atomic_block:  # a caller's transaction: not ours to drop
                logger.warning("Could not record the failure of %s: %s", job.name(args), failure_reason(error))
                return None
            connection.close()
    return None


def backoff_delay(failures: int, *, first: timedelta, longest: timedelta | None = None) -> timedelta:
    """The wait before the next try after `failures` failures in a row: `first`, doubling with
    each further failure, at most `longest`."""
    delay = first * (1 << min(max(failures - 1, 0), MAX_DOUBLINGS))
    return delay if longest is None else min(delay, longest)
