"""The settings file reads the environment; each case runs in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PRINT = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
PRINT_REPORTS_STORAGE = (
    "from tracker.storage import reports_storage as r; s = r(); "
    "print(type(s).__name__, getattr(s, 'bucket_name', ''), getattr(s, 'endpoint_url', ''), getattr(s, 'location', ''))"
)
# Set on this machine perhaps, and read by the settings: each case starts without them.
READ_FROM_THE_ENVIRONMENT = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}


def settings_with(prints: str = PRINT, **env: str) -> subprocess.CompletedProcess[str]:
    """What `prints` prints in a fresh interpreter whose settings read `env` (and nothing of
    READ_FROM_THE_ENVIRONMENT or REPORTS_* from this process)."""
    clean = {k: v for k, v in os.environ.items() if k not in READ_FROM_THE_ENVIRONMENT and not k.startswith("REPORTS_")}
    code = f"import django; django.setup(); {prints}"
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


def reports_storage_with(**env: str) -> subprocess.CompletedProcess[str]:
    return settings_with(PRINT_REPORTS_STORAGE, **env)


def test_it_keeps_reports_in_a_local_folder_by_default_or_where_told(tmp_path: Path) -> None:
    default = reports_storage_with()
    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["FileSystemStorage", str(PROJECT / "var" / "reports")]
    shared = reports_storage_with(REPORTS_ROOT=str(tmp_path))
    assert shared.stdout.split() == ["FileSystemStorage", str(tmp_path)]


def test_it_keeps_reports_in_an_s3_compatible_store_when_told() -> None:
    result = reports_storage_with(
        REPORTS_STORAGE="s3", REPORTS_S3_BUCKET="diary-reports", REPORTS_S3_ENDPOINT_URL="https://minio.invalid:9000"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "diary-reports", "https://minio.invalid:9000", "reports"]


def test_it_refuses_an_unknown_reports_storage() -> None:
    result = reports_storage_with(REPORTS_STORAGE="ftp")
    assert result.returncode != 0
    assert "REPORTS_STORAGE must be 'local' or 's3'" in result.stderr


PRINT_SIGNIN_ACCOUNT_PER_HOUR = (
    "from django.conf import settings as s; from django_ratelimit.core import _split_rate; "
    "count, seconds = _split_rate(s.SECRET_THROTTLE_RATES['signin_account']); print(count * 3600 / seconds)"
)


def test_it_allows_at_most_100_password_tries_an_hour_per_account_by_default() -> None:
    # OWASP ASVS 2.2.1; the default must hold whatever this machine's environment says.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THROTTLE_")}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_SIGNIN_ACCOUNT_PER_HOUR}"],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert 0 < float(result.stdout) <= 100


def test_it_keeps_the_per_account_allowance_a_setting() -> None:
    result = settings_with(PRINT_SIGNIN_ACCOUNT_PER_HOUR, THROTTLE_SIGNIN_ACCOUNT="5/h")
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) == 5
