"""Celery tasks: thin. Claim, call the service, record the outcome (in the service)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,  # a worker killed mid-run leaves the message for another worker
    autoretry_for=(OperationalError, InterfaceError),  # a database blip: try again, with backoff
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
    ignore_result=True,
)
def analyse_diary(user_id: int, key: str = "all") -> str:
    from tracker.services import analysis_claim, summary_compute, summary_is_current

    claimed = analysis_claim(user_id=user_id, key=key)
    if not claimed and summary_is_current(user_id=user_id, key=key):
        return "up to date"  # a duplicate delivery, or another run got there first
    stored = summary_compute(user_id=user_id, key=key)
    return "stored" if stored else "superseded"


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def sweep_stale_analyses() -> int:
    from tracker.services import analysis_sweep

    return analysis_sweep()


@shared_task(ignore_result=True, soft_time_limit=600, time_limit=900)
def refresh_all_analyses() -> int:
    from tracker.services import analysis_refresh_all

    return analysis_refresh_all()
