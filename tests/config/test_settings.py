"""The settings file reads the environment; each case runs in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PRINT = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"


def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    code = f"import django; django.setup(); {PRINT}"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_runs_embedded_with_no_environment() -> None:
    result = settings_with()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_it_switches_to_postgresql_and_real_workers_from_the_environment() -> None:
    result = settings_with(DATABASE_URL="postgres://u@db.invalid:5432/x", REDIS_URL="redis://cache.invalid:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = settings_with(DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert settings_with(DEBUG="False", SECRET_KEY="s" * 50).returncode == 0
