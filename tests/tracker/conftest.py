from collections.abc import Iterator

import pytest

from config.celery import app


@pytest.fixture(autouse=True)
def _tasks_in_process() -> Iterator[None]:
    """These tests look at the pipeline in embedded mode, where tasks run in the process (the
    default without REDIS_URL); tests/integration/ runs it with real workers."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
