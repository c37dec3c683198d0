"""deploy/supervisord.conf for real: web, worker and beat under supervisord; a worker killed
with SIGKILL is started again, and the work asked afterwards gets done (issue 22, finding 1)."""

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.contrib.auth.models import User

from tests.integration.conftest import PROJECT, unavailable, wait_for
from tests.integration.test_analysis_worker import summary_with, worker_env
from tests.integration.test_broker_restart import free_port, manage_shell, own_redis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
__all__ = ["own_redis"]  # the fixture, imported for this module's tests

CONF = PROJECT / "deploy" / "supervisord.conf"


def supervisor_bin(name: str) -> str:
    found = shutil.which(name, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if not found:
        unavailable(f"{name} is not installed (pip install -r requirements-dev.txt)")
    return str(found)


@pytest.fixture
def supervised(own_redis: int, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        **worker_env(),
        "REDIS_URL": f"redis://127.0.0.1:{own_redis}/0",
        "ANALYSIS_COALESCE_SECONDS": "1",
        "TWITCH_DIARY_DIR": str(PROJECT),
        "RUN_DIR": str(tmp_path),
        "WEB_BIND": f"127.0.0.1:{free_port()}",
        "WORKER_CONCURRENCY": "1",
    }
    process = subprocess.Popen(
        [supervisor_bin("supervisord"), "-c", str(CONF)], env=env, stdout=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait_for(lambda: redis.Redis(port=own_redis).exists("_kombu.binding.celery"), 60, "the worker up")
        yield env
    finally:
        process.terminate()
        process.wait(timeout=60)


def worker_pid(env: dict[str, str]) -> int:
    result = subprocess.run(
        [supervisor_bin("supervisorctl"), "-c", str(CONF), "pid", "worker:worker0"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    return int(result.stdout.strip()) if result.stdout.strip().isdigit() else 0


def test_a_worker_killed_under_supervisord_is_started_again_and_does_the_work(supervised: dict[str, str]) -> None:
    alice = User.objects.create(username="alice")
    killed = wait_for(lambda: worker_pid(supervised), 30, "the worker's pid")
    os.kill(killed, signal.SIGKILL)
    wait_for(lambda: worker_pid(supervised) not in (0, killed), 30, "the worker started again")
    manage_shell(
        supervised,
        "import datetime; from django.contrib.auth.models import User;"
        "from diary.services import episode_create, LocationInput;"
        "episode_create(user=User.objects.get(username='alice'), duration_seconds=9, intensity=2,"
        " started_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),"
        " locations=[LocationInput('calf', 'left')], pattern='single_twitch')",
    )
    wait_for(lambda: summary_with(alice, 1), 60, "the summary, by the worker started again")
