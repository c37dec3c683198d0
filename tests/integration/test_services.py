import os
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, connections

from config.celery import app
from diary.models import Episode, Profile
from diary.services import LocationInput, episode_create
from tests.integration.conftest import start_worker

pytestmark = pytest.mark.integration
PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_it_really_runs_on_postgresql(postgres: None) -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 130000


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_distinct_change_numbers_in_commit_order(postgres: None) -> None:
    """Two threads write for one user at once; the profile row lock serialises them, so the
    change numbers are 1..N with no gap and no repeat."""
    alice = User.objects.create(username="alice")
    started = datetime.now(ZoneInfo("UTC")) - timedelta(hours=1)
    errors: list[BaseException] = []

    def write(count: int) -> None:
        try:
            for _ in range(count):
                episode_create(
                    user=alice,
                    started_at=started,
                    duration_seconds=10,
                    locations=[LocationInput("calf", "left")],
                    intensity=2,
                    pattern="single_twitch",
                )
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(15,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    seqs = sorted(Episode.objects.filter(user=alice).values_list("change_seq", flat=True))
    assert seqs == list(range(1, 31))
    assert Profile.objects.get(user=alice).last_change_seq == 30


def test_it_reaches_redis_as_cache(redis_url: str) -> None:
    default = caches["default"]
    assert isinstance(default, RedisCache)
    default.set("integration-check", {"ok": 1}, timeout=30)
    assert default.get("integration-check") == {"ok": 1}
    assert redis.Redis.from_url(redis_url).exists(default.make_key("integration-check")) == 1


def test_a_real_celery_worker_answers_over_the_broker(redis_url: str, postgres: None) -> None:
    assert not app.conf.task_always_eager
    worker = start_worker(f"integration-{uuid.uuid4().hex[:6]}", os.environ.copy())  # fails unless it answers
    worker.terminate()
    assert worker.wait(timeout=30) is not None
