"""An account with something in every table an export or an erasure must reach: a clinical
profile with every field set, episodes with locations, triggers, symptoms and notes (one edited,
one deleted), check-ins (one deleted), treatments, investigations and function checks (one of each
edited, one of each deleted), a share with an access, a report with its file, a device
token, a summary, an admin session."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from diary.models import CheckIn, DeviceToken, Episode, FunctionCheck, Investigation, Treatment
from diary.services import LocationInput, checkin_delete, episode_delete, episode_update, profile_update
from diary.services.clinical import INVESTIGATIONS, TREATMENTS, RecordKind, record_create, record_delete, record_update
from diary.services.clinical import Kept as Record
from diary.services.function_checks import function_check_delete, function_check_upsert
from tests.factories import EpisodeFactory, make_checkin
from tracker.models import Report, Share, ShareAccess
from tracker.storage import reports_storage

AUCKLAND = ZoneInfo("Pacific/Auckland")


@dataclass
class Account:
    user: User
    episodes: list[Episode]
    checkins: list[CheckIn]
    treatments: list[Treatment]
    investigations: list[Investigation]
    function_checks: list[FunctionCheck]
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
    treatments, investigations, checks = _clinical_records(user)
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
    return Account(user, made, [kept, gone], treatments, investigations, checks, share, report)


def _clinical_records(user: User) -> tuple[list[Treatment], list[Investigation], list[FunctionCheck]]:
    """Oldest first, as the export lists them: three treatments (a supplement stopped and edited,
    a lifestyle change still going, a medication deleted), two investigations (an EMG, a blood
    test deleted), two function checks (one with a weakness and where, one deleted)."""
    magnesium = _created(
        TREATMENTS,
        user,
        name="Magnesium",
        kind="supplement",
        dose="300 mg at night",
        started_on=date(2026, 10, 1),
        stopped_on=date(2026, 11, 10),
        notes="Slept better — «un peu»",
    )
    magnesium = record_update(TREATMENTS, record=magnesium, dose="400 mg at night")
    beta = record_delete(
        record=_created(TREATMENTS, user, name="Propranolol", kind="medication", started_on=date(2026, 10, 20))
    )
    no_coffee = _created(TREATMENTS, user, name="No caffeine", kind="lifestyle", started_on=date(2026, 11, 5))
    blood = record_delete(record=_created(INVESTIGATIONS, user, name="CK", kind="blood", done_on=date(2026, 9, 1)))
    emg = _created(
        INVESTIGATIONS,
        user,
        name="EMG of both legs",
        kind="emg",
        done_on=date(2026, 9, 15),
        result="Normal: no denervation",
        notes="Dr Lee",
    )
    weak, _ = function_check_upsert(
        user=user,
        date=date(2026, 11, 8),
        weakness=True,
        wasting=False,
        cramps=True,
        weakness_where=[{"limb": "hand", "side": "left"}],
        notes="Grip felt weak",
    )
    fine, _ = function_check_upsert(user=user, date=date(2026, 11, 15), weakness=False, breathing=False)
    fine = function_check_delete(check=fine)
    return [magnesium, beta, no_coffee], [blood, emg], [weak, fine]


def _created(record_kind: RecordKind[Record], user: User, **values: Any) -> Record:
    created = record_create(record_kind, user=user, values=values)
    assert created.record is not None
    return created.record
