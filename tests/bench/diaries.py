"""What the benches share: a throwaway database to measure in, and demo diaries written through
the same bulk services a sync or an import uses. Import it after django.setup()."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import setup_databases, setup_test_environment, teardown_databases, teardown_test_environment
from django.utils import timezone

from config.celery import app
from diary.demo import DemoDay, DemoDiary
from diary.services import checkins_bulk_create, episodes_bulk_create, profile_update

BULK_SIZE = 5000


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """A database of its own (apart from the one the test suite may be reusing), dropped after.
    Writing diaries there sets off no analysis: each bench runs what it measures itself."""
    setup_test_environment(debug=False)  # test host name, no query log
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()


def demo_days(user: User, *, seed: int, days: int, episodes: int) -> list[DemoDay]:
    """The demo diary of `days` days up to now, in the user's zone, with about `episodes` episodes."""
    now = timezone.now()
    diary = DemoDiary(
        username=user.username, seed=seed, end=now.date(), days=days, zone=user.diary_profile.zone, now=now
    )
    return diary.build(target_episodes=episodes)


def write_episodes(user: User, days: list[DemoDay]) -> None:
    items = [episode for day in days for episode in day.episodes]
    for start in range(0, len(items), BULK_SIZE):
        episodes_bulk_create(user=user, items=items[start : start + BULK_SIZE])


def write_checkins(user: User, days: list[DemoDay]) -> None:
    checkins_bulk_create(user=user, items=[(d.day, values) for d in days if (values := d.checkin()) is not None])


def refresh_planner_statistics() -> None:
    """What autovacuum does within a minute of a bulk load: without statistics the PostgreSQL
    planner takes the fresh tables for empty ones and scans them whole."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def written_diary(prefix: str, *, episodes: int, days: int) -> tuple[User, date, date]:
    """A new user in Paris with a demo diary of `episodes` over `days` days, episodes and
    check-ins written, the planner's statistics refreshed; the user and the diary's first and
    last days."""
    user = User.objects.create(username=f"{prefix}{episodes}-{uuid.uuid4().hex[:6]}")
    profile_update(user=user, time_zone="Europe/Paris")
    diary = demo_days(user, seed=3, days=days, episodes=episodes)
    write_episodes(user, diary)
    write_checkins(user, diary)
    refresh_planner_statistics()
    return user, diary[0].day, diary[-1].day
