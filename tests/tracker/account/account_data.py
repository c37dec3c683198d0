"""An account with something in every table an export or an erasure must reach: a clinical
profile with every field set, episodes with locations, triggers, symptoms and notes (one edited,
one deleted), check-ins (one deleted), a share with an access, a report with its file, a device
token, a summary, an admin session."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from diary.models import CheckIn, DeviceToken, Episode
from diary.services import LocationInput, checkin_delete, episode_delete, episode_update, profile_update
from tests.factories import EpisodeFactory, make_checkin
from tracker.models import Report, Share, ShareAccess
from tracker.storage import reports_storage

AUCKLAND = ZoneInfo("Pacific/Auckland")


@dataclass
class Account:
    user: User
    episodes: list[Episode]
    checkins: list[CheckIn]
    share: Share
    report: Report


def fill_account(user: User, *, episodes: int = 3) -> Account:
    """A diary far from UTC (Auckland, +13:00 in November) with `episodes` plain episodes and
    one busy one; the second plain one is edited (version 2), the first deleted (a tombstone)."""
    profile_update(
        user=user,
        time_zone="Pacific/Auckland",
        display_name=f"{user.get_username().title()} Martin",
        date_of_birth=date(1980, 4, 2),
        twitching_since=date(2024, 6, 1),
        family_history="Father: ALS at 70 — «confirmé»",
    )
    start = datetime(2026, 11, 1, 7, 30, tzinfo=AUCKLAND)
    made = [
        EpisodeFactory(user=user, started_at=start + timedelta(hours=7 * n), utc_offset_minutes=780)
        for n in range(episodes)
    ]
    made.append(
        EpisodeFactory(
            user=user,
            started_at=datetime(2026, 11, 5, 21, 0, tzinfo=AUCKLAND),
            utc_offset_minutes=780,
            locations=[LocationInput("calf", "left"), LocationInput("thigh", "both")],
            triggers=["exercise", "caffeine"],
            symptoms=["weakness"],
            intensity=8,
            pattern="continuous_rippling",
            duration_seconds=900,
            notes="After the run — «ça tire»",
        )
    )
    if episodes >= 2:
        made[1] = episode_update(episode=made[1], intensity=6)
    made[0] = episode_delete(episode=made[0])
    kept = make_checkin(user, date(2026, 11, 2), notes="slept badly", twitching_today=True)
    gone = checkin_delete(checkin=make_checkin(user, date(2026, 11, 3)))
    share = Share.objects.create(
        user=user,
        token_hash=hashlib.sha256(f"token of {user.username}".encode()).hexdigest(),
        label="Dr Martin",
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 14),
        expires_at=datetime(2026, 12, 1, tzinfo=AUCKLAND),
    )
    ShareAccess.objects.create(share=share, what="page", client_address="203.0.113.9", user_agent="Firefox")
    name = reports_storage().save(f"{user.username}-report.pdf", ContentFile(b"%PDF-1.7 a report"))
    report = Report.objects.create(
        user=user,
        format="pdf",
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 14),
        status="ready",
        expires_at=datetime(2026, 11, 27, tzinfo=AUCKLAND),
        file_name=name,
        size=17,
        sha256="a" * 64,
    )
    DeviceToken.objects.create(user=user, device_name="Pixel 8")
    return Account(user, made, [kept, gone], share, report)
