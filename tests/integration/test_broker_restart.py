"""A worker that holds a message when Redis restarts stays up, and the work gets done after
(issue 22, finding 1; the cause is told in config/broker.py). Its own redis-server, on a free
port, so that restarting it disturbs nothing else."""

import contextlib
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.contrib.auth.models import User

from diary.models import Profile
from tests.integration.conftest import PROJECT, wait_for
from tests.integration.test_analysis_worker import summary_with, worker_env
from tracker.models import AnalysisRequest

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def redis_start(port: int, directory: Path) -> None:
    subprocess.run(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--daemonize", "yes",
         "--dir", str(directory)],
        check=True, capture_output=True,
    )  # fmt: skip
    wait_for(lambda: redis.Redis(port=port).ping(), 10, "redis up")


def redis_stop(port: int) -> None:
    with contextlib.suppress(redis.ConnectionError):  # it is gone: what SHUTDOWN does
        redis.Redis(port=port).shutdown(nosave=True)


@pytest.fixture
def own_redis(postgres: None, tmp_path: Path) -> Iterator[int]:
    if subprocess.run(["which", "redis-server"], capture_output=True).returncode:
        pytest.skip("redis-server is not installed")
    port = free_port()
    redis_start(port, tmp_path)
    yield port
    redis_stop(port)


def worker_on(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A real `celery worker` on the broker in `env` (its own Redis at `port`), once it has
    declared the task queue there: `start_worker` pings over the settings' broker instead."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=WARNING", "--without-mingle", "--without-gossip"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(lambda: redis.Redis(port=port).exists("_kombu.binding.celery"), 60, "the worker up")
    except AssertionError:
        worker.kill()
        raise
    return worker


def manage_shell(env: dict[str, str], script: str) -> None:
    """Run `script` as a web process or beat would, against the broker in `env`."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_a_worker_holding_an_analysis_survives_a_redis_restart_and_does_the_work_after(
    own_redis: int, tmp_path: Path
) -> None:
    alice = User.objects.create(username="alice")
    url = f"redis://127.0.0.1:{own_redis}/0"
    env = {**worker_env(), "REDIS_URL": url, "ANALYSIS_COALESCE_SECONDS": "3"}
    worker = worker_on(own_redis, env)
    try:
        # A write: its analysis is sent with a 3 s countdown, which the worker holds meanwhile.
        manage_shell(
            env,
            "import datetime; from django.contrib.auth.models import User;"
            "from diary.services import episode_create, LocationInput;"
            "episode_create(user=User.objects.get(username='alice'), duration_seconds=9, intensity=2,"
            " started_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),"
            " locations=[LocationInput('calf', 'left')], pattern='single_twitch')",
        )
        assert AnalysisRequest.objects.filter(user=alice, enqueued_at__isnull=False).exists()
        wait_for(lambda: redis.Redis(port=own_redis).hlen("unacked"), 5, "the worker to hold the message")
        redis_stop(own_redis)  # within a second of the send, data and all (no persistence)
        redis_start(own_redis, tmp_path)
        with pytest.raises(subprocess.TimeoutExpired):  # before the fix: exit code 1 within 2 s
            worker.wait(timeout=5)
        # The message died with Redis' data; the row is the truth, and the sweep (beat's) sends it again.
        manage_shell(
            env,
            "import datetime; from tracker.summaries.services import analysis_sweep;"
            "analysis_sweep(older_than=datetime.timedelta(0))",
        )
        summary = wait_for(lambda: summary_with(alice, 1), 30, "the summary after the restart")
        assert summary.watermark == Profile.objects.get(user=alice).last_change_seq
    finally:
        worker.terminate()
        worker.wait(timeout=30)
