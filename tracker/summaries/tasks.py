"""The analysis's Celery tasks: thin. Claim, call the service, record the outcome (in the service).

Celery logs what a task raises, message and all, and a database error's message echoes the
diary data it refused. So the analysis task lets out no exception but JobInterrupted, whose
message is only the failure's reason (tracker.jobs)."""

import logging

from celery import shared_task

from tracker.jobs import JobFailed, JobInterrupted, sanitized
from tracker.summaries.services import (
    analysis_claim,
    analysis_refresh_all,
    analysis_sweep,
    range_is_kept,
    summary_compute,
    summary_is_current,
)

logger = logging.getLogger(__name__)


# No time limits here: they come from settings (CELERY_TASK_ANNOTATIONS for the analysis and the
# nightly run, CELERY_TASK_*_TIME_LIMIT for the rest), so that a deploy can change them.
@shared_task(
    acks_late=True,  # a worker killed mid-run leaves the message for another worker
    autoretry_for=(JobInterrupted,),  # a database blip: try again, with backoff
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def analyse_diary(user_id: int, key: str = "all") -> str:
    try:
        return _claim_and_compute(user_id, key)
    except JobInterrupted:
        raise  # Celery retries it, and logs only its reason
    except JobFailed as failure:  # recorded on the run, and the request backed off
        logger.error("The analysis of user %s failed: %s", user_id, failure)
        return "failed"


def _claim_and_compute(user_id: int, key: str) -> str:
    try:
        claimed = analysis_claim(user_id=user_id, key=key)
        if not claimed and summary_is_current(user_id=user_id, key=key):
            return "up to date"  # a duplicate delivery, or another run got there first
        if not claimed and not range_is_kept(user_id=user_id, key=key):
            return "dropped"  # a date range evicted since it was asked for
        return "stored" if summary_compute(user_id=user_id, key=key) else "superseded"
    except Exception as error:  # the claim's own database errors too: their reason only
        failure = sanitized(error)
    raise failure  # outside the except block: it does not carry the error, nor its message


@shared_task(ignore_result=True)
def sweep_stale_analyses() -> int:
    return analysis_sweep()


@shared_task(ignore_result=True)
def refresh_all_analyses() -> int:
    return analysis_refresh_all()
