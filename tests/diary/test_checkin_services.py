from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from diary.models import CheckIn, Profile
from diary.services import StaleVersion, checkin_delete, checkin_upsert, checkins_bulk_create

DAY = date(2026, 11, 19)


def test_it_creates_then_replaces_a_checkin(alice: User, frozen_now: datetime) -> None:
    checkin, created = checkin_upsert(user=alice, date=DAY, caffeine_cups=4, sleep_hours=6.5, twitching_today=True)
    assert created
    assert (checkin.version, checkin.caffeine_cups, checkin.stress) == (1, 4, None)
    replaced, created = checkin_upsert(user=alice, date=DAY, expected_version=1, stress=7)
    assert not created
    assert (replaced.id, replaced.version) == (checkin.id, 2)
    # A PUT sets the whole check-in: what was left out is now empty, not kept.
    assert (replaced.caffeine_cups, replaced.sleep_hours, replaced.stress) == (None, None, 7)


def test_writing_the_same_values_changes_nothing(alice: User, frozen_now: datetime) -> None:
    first, _ = checkin_upsert(user=alice, date=DAY, caffeine_cups=2, sleep_hours=7)
    again, created = checkin_upsert(user=alice, date=DAY, caffeine_cups=2, sleep_hours=7.0)
    assert not created
    assert (again.version, again.change_seq) == (first.version, first.change_seq)


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        ({"stress": 11}, "stress", "between 0 and 10"),
        ({"stress": -1}, "stress", "between 0 and 10"),
        ({"stress": 2.5}, "stress", "whole number"),
        ({"sleep_hours": 25}, "sleep_hours", "between 0 and 24"),
        ({"sleep_hours": float("nan")}, "sleep_hours", "number"),
        ({"sleep_hours": "eight"}, "sleep_hours", "number"),
        ({"caffeine_cups": 31}, "caffeine_cups", "between 0 and 30"),
        ({"exercise_minutes": 1441}, "exercise_minutes", "between 0 and 1440"),
        ({"alcohol_units": 51}, "alcohol_units", "between 0 and 50"),
        ({"twitching_today": "yes"}, "twitching_today", "true, false"),
        ({"notes": "x" * 2001}, "notes", "At most 2000"),
    ],
)
def test_it_rejects_bad_values_with_field_errors_and_writes_nothing(
    alice: User, frozen_now: datetime, values: dict[str, Any], field: str, text: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        checkin_upsert(user=alice, date=DAY, **values)
    assert list(raised.value.message_dict) == [field]
    assert text in " ".join(raised.value.message_dict[field])
    assert not CheckIn.objects.exists()
    assert not Profile.objects.exists()


def test_it_rejects_a_date_after_tomorrow(alice: User, frozen_now: datetime) -> None:
    checkin_upsert(user=alice, date=date(2026, 11, 21), stress=1)  # tomorrow: a phone ahead of us
    with pytest.raises(ValidationError) as raised:
        checkin_upsert(user=alice, date=date(2026, 11, 22), stress=1)
    assert "after tomorrow" in raised.value.message_dict["date"][0]


def test_a_bad_update_keeps_the_stored_checkin(alice: User, frozen_now: datetime) -> None:
    checkin_upsert(user=alice, date=DAY, stress=3)
    with pytest.raises(ValidationError):
        checkin_upsert(user=alice, date=DAY, stress=30)
    assert CheckIn.objects.get().stress == 3


def test_a_stale_upsert_raises_and_changes_nothing(alice: User, frozen_now: datetime) -> None:
    checkin_upsert(user=alice, date=DAY, stress=3)
    checkin_upsert(user=alice, date=DAY, stress=4)
    with pytest.raises(StaleVersion):
        checkin_upsert(user=alice, date=DAY, expected_version=1, stress=9)
    assert CheckIn.objects.get().stress == 4


def test_delete_leaves_a_tombstone_that_an_upsert_revives(alice: User, frozen_now: datetime) -> None:
    checkin, _ = checkin_upsert(user=alice, date=DAY, stress=3)
    deleted = checkin_delete(checkin=checkin, expected_version=1)
    assert deleted.deleted_at == frozen_now
    assert not CheckIn.live.exists()
    assert checkin_delete(checkin=checkin).version == 2  # deleting again changes nothing
    revived, created = checkin_upsert(user=alice, date=DAY, stress=5)
    assert not created
    assert (revived.id, revived.version, revived.deleted_at, revived.stress) == (checkin.id, 3, None, 5)
    assert CheckIn.objects.count() == 1


def test_a_stale_delete_raises(alice: User, frozen_now: datetime) -> None:
    checkin, _ = checkin_upsert(user=alice, date=DAY, stress=3)
    checkin_upsert(user=alice, date=DAY, stress=4)
    with pytest.raises(StaleVersion):
        checkin_delete(checkin=checkin, expected_version=1)
    assert CheckIn.live.count() == 1


def test_two_users_each_have_their_own_checkin_for_a_date(alice: User, bob: User, frozen_now: datetime) -> None:
    checkin_upsert(user=alice, date=DAY, stress=3)
    checkin_upsert(user=bob, date=DAY, stress=8)
    assert CheckIn.objects.get(user=alice).stress == 3
    assert CheckIn.objects.get(user=bob).stress == 8


def test_bulk_create_refuses_taken_and_repeated_dates_and_writes_nothing(alice: User, frozen_now: datetime) -> None:
    checkin_upsert(user=alice, date=DAY, stress=3)
    with pytest.raises(ValidationError) as raised:
        checkins_bulk_create(
            user=alice,
            items=[(date(2026, 11, 1), {"stress": 2}), (DAY, {"stress": 1}), (date(2026, 11, 1), {"stress": 11})],
        )
    assert set(raised.value.message_dict) == {"1.date", "2.date", "2.stress"}
    assert CheckIn.objects.count() == 1
