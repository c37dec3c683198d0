"""The reports' Celery tasks: thin. Claim, build (in the service), and retry later what the
service says to (tracker.reports.services records why)."""

from celery import Task, shared_task

from tracker.reports.services import RetryLater, report_build, report_claim, reports_sweep


# Time limits from settings too (REPORTS_*_TIME_LIMIT, in CELERY_TASK_ANNOTATIONS). Retries are
# counted on the row (REPORTS_MAX_ATTEMPTS builds, a killed one included), not by Celery.
@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def build_report(self: Task[[str], str], report_id: str) -> str:
    claim = report_claim(report_id=report_id)
    if claim is None:
        return "not claimed"  # a live build has it (a duplicate message), or it is done or gone
    try:
        return report_build(report_id=report_id, claim=claim)
    except RetryLater as later:  # the report is queued again; its reason is recorded
        after = later.after
    if self.request.is_eager:
        # Embedded mode (and tests): no worker to send the retry to, and an eager retry would
        # raise out of apply(). Build again here, without the backoff; the attempts are bounded.
        return str(self.apply(args=(report_id,)).result)  # not .get(): Celery refuses it inside a task
    raise self.retry(countdown=after)  # outside the except block: no context to log


@shared_task(ignore_result=True)
def sweep_reports() -> int:
    return reports_sweep()
