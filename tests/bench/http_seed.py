"""bench_http's loader: one user with a deterministic diary, and device tokens, written through
the services of whichever tree runs it (PYTHONPATH and the working directory name the tree).

    python tests/bench/http_seed.py <episodes> <seed> <end, ISO 8601 UTC> <tokens>

Prints one line of JSON: the raw tokens, a sample of episode ids to read back, a digest of the
stored diary (two trees given the same arguments must print the same) and the row count.
It imports nothing from tests/, so that a tree without this file (the baseline) can run it.
"""

import hashlib
import json
import os
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Min, Sum  # noqa: E402

from config.celery import app  # noqa: E402
from diary.models import DeviceToken, Episode, EpisodeLocation  # noqa: E402
from diary.services import EpisodeInput, LocationInput, episodes_bulk_create, profile_update  # noqa: E402

BATCH = 10_000
YEARS = 10
# Codes from the reference data that every tree loads in its migrations.
REGIONS = [("eyelid", ["left", "right"]), ("calf", ["left", "right", "both"]), ("thigh", ["left", "right"])]
REGIONS += [("forearm", ["left", "right"]), ("hand", ["left", "right"]), ("foot", ["left", "right"])]
TRIGGERS = ["caffeine", "poor_sleep", "stress", "screen_time", "exercise"]
SYMPTOMS = ["dry_eye", "cramp"]
PATTERNS = ["intermittent_bursts", "single_twitch", "continuous_rippling"]


def diary(count: int, seed: int, end: datetime) -> list[EpisodeInput]:
    rng = random.Random(seed)
    span = YEARS * 365 * 86400
    items = []
    for _ in range(count):
        region, sides = rng.choice(REGIONS)
        items.append(
            EpisodeInput(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                started_at=end - timedelta(seconds=rng.randrange(span)),
                duration_seconds=rng.randint(2, 900),
                locations=[LocationInput(region, rng.choice(sides))],
                intensity=rng.randint(1, 10),
                pattern=rng.choice(PATTERNS),
                triggers=rng.sample(TRIGGERS, rng.randint(0, 2)),
                symptoms=rng.sample(SYMPTOMS, rng.randint(0, 1)),
                notes="After a run." if rng.random() < 0.05 else "",
                source="mobile",
            )
        )
    return items


def stored(user: User) -> str:
    """A digest of what the tree stored, not of what it was given: two trees that stored the
    same diary print the same."""
    episodes = Episode.objects.filter(user=user)
    figures: dict[str, Any] = episodes.aggregate(
        Count("id"), Sum("duration_seconds"), Sum("intensity"), Sum("utc_offset_minutes"), Min("started_at")
    )
    figures["locations"] = EpisodeLocation.objects.filter(episode__user=user).count()
    figures["triggers"] = Episode.triggers.through.objects.filter(episode__user=user).count()
    figures["symptoms"] = Episode.symptoms.through.objects.filter(episode__user=user).count()
    figures["ids"] = sorted(str(i) for i in episodes.values_list("id", flat=True))
    return hashlib.sha256(repr(sorted(figures.items())).encode()).hexdigest()[:16]


def main() -> None:
    count, seed, end, tokens = int(sys.argv[1]), int(sys.argv[2]), datetime.fromisoformat(sys.argv[3]), int(sys.argv[4])
    if end.utcoffset() is None or end > datetime.now(UTC):
        raise SystemExit(f"the diary's end must be a past time with its UTC offset, not {sys.argv[3]}")
    # The writes ask for an analysis; it must not run here (embedded mode would run it in a
    # thread this process then waits for). Unconsumed, the request stays pending, and the
    # servers' writes join it, as they would join a worker's queue.
    app.conf.task_always_eager = False
    user = User.objects.create_user(username="bench")
    profile_update(user=user, time_zone="Europe/London")
    items = diary(count, seed, end)
    for start in range(0, len(items), BATCH):
        episodes_bulk_create(user=user, items=items[start : start + BATCH])
    raw = [DeviceToken.objects.create(user=user, device_name=f"bench {n}")[1] for n in range(tokens)]
    with connection.cursor() as cursor:
        # What autovacuum does within a minute of a bulk load: planner statistics, and the
        # visibility map that index-only scans need.
        cursor.execute("VACUUM ANALYZE")
    sample = [str(item.id) for item in items[:: max(1, count // 200)]]
    rows = Episode.objects.filter(user=user).count()
    print(json.dumps({"tokens": raw, "ids": sample, "digest": stored(user), "episodes": rows}))


if __name__ == "__main__":
    main()
