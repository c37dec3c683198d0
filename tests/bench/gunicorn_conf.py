"""gunicorn settings for bench_http's servers, loaded by both trees' gunicorn with --config.

Without REDIS_URL the app runs Celery tasks eagerly: an analysis of 100,000 episodes would run
inside a write, or in a thread beside it (ANALYSIS_IN_THREAD), and be measured with it. Here
the writes publish to Celery's in-memory broker that nobody consumes, as they would publish to
a production broker whose workers run elsewhere; the same for both trees.
"""

from typing import Any


def post_worker_init(worker: Any) -> None:
    from config.celery import app

    app.conf.task_always_eager = False
