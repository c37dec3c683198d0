import math
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary.models import Episode, EpisodeLocation, Profile
from diary.services import (
    EpisodeInput,
    IdTaken,
    LocationInput,
    Replay,
    StaleVersion,
    episode_create,
    episode_delete,
    episode_end,
    episode_replay,
    episode_update,
    episodes_bulk_create,
    profile_update,
)
from diary.services.episode_input import ReferenceCodes
from tests.factories import EpisodeFactory, make_checkin

UTC = ZoneInfo("UTC")


def valid(**overrides: Any) -> dict[str, Any]:
    return {
        "started_at": datetime(2026, 11, 19, 20, 15, tzinfo=UTC),
        "duration_seconds": 45,
        "locations": [LocationInput("eyelid", "left")],
        "intensity": 4,
        "pattern": "intermittent_bursts",
        "triggers": ["caffeine", "stress"],
        "symptoms": ["dry_eye"],
        "notes": "After the third coffee.",
        **overrides,
    }


def nothing_written() -> bool:
    return not Episode.objects.exists() and not EpisodeLocation.objects.exists() and not Profile.objects.exists()


def test_it_creates_an_episode_with_its_locations_triggers_and_symptoms(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(
        user=alice, **valid(locations=[LocationInput("calf", "both"), LocationInput("tongue", "midline")])
    )
    episode.refresh_from_db()
    assert episode.user == alice
    assert episode.version == 1
    assert episode.deleted_at is None
    assert episode.created_at == episode.updated_at == frozen_now
    assert {(loc.region.code, loc.side) for loc in episode.locations.all()} == {("calf", "both"), ("tongue", "midline")}
    assert set(episode.triggers.values_list("code", flat=True)) == {"caffeine", "stress"}
    assert list(episode.symptoms.values_list("code", flat=True)) == ["dry_eye"]
    assert episode.source == "web"


def test_it_keeps_a_client_generated_id(alice: User, frozen_now: datetime) -> None:
    client_id = uuid.UUID("6f1c1a43-9a53-4e39-8d1e-0d6f6f4f2f10")
    assert episode_create(user=alice, id=client_id, source="mobile", **valid()).id == client_id


def test_it_refuses_an_id_that_exists(alice: User, frozen_now: datetime) -> None:
    first = episode_create(user=alice, **valid())
    with pytest.raises(IdTaken) as raised:
        episode_create(user=alice, id=first.id, **valid())
    assert raised.value.ids == {first.id}
    assert Episode.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"started_at": datetime(2026, 11, 20, 12, 5, 1, tzinfo=UTC)}, "started_at", "future"),
        ({"started_at": datetime(2026, 11, 20, 9, 0)}, "started_at", "UTC offset"),  # naive
        ({"started_at": "yesterday"}, "started_at", "UTC offset"),
        ({"started_at": datetime(1899, 12, 31, tzinfo=UTC)}, "started_at", "1900"),
        ({"duration_seconds": 0}, "duration_seconds", "between 1 and 604800"),
        ({"duration_seconds": 7 * 24 * 3600 + 1}, "duration_seconds", "between"),
        ({"duration_seconds": 2.5}, "duration_seconds", "whole number"),
        ({"intensity": 0}, "intensity", "between 1 and 10"),
        ({"intensity": 11}, "intensity", "between 1 and 10"),
        ({"intensity": True}, "intensity", "whole number"),
        ({"intensity": "5"}, "intensity", "whole number"),
        ({"pattern": "sneeze"}, "pattern", "Allowed: single_twitch"),
        ({"locations": []}, "locations", "At least one location"),
        ({"locations": [LocationInput("elbow", "left")]}, "locations", "Unknown region code(s): elbow. Allowed:"),
        ({"locations": [LocationInput("calf", "midline")]}, "locations", "allowed: left, right, both"),
        ({"locations": [LocationInput("tongue", "left")]}, "locations", "allowed: midline"),
        ({"locations": [LocationInput("calf", "left"), LocationInput("calf", "right")]}, "locations", "twice"),
        ({"locations": [{"region": "calf", "side": "left"}]}, "locations", "region code and a side"),
        ({"triggers": ["caffeine", "moonlight"]}, "triggers", "Unknown trigger code(s): moonlight. Allowed: alcohol"),
        ({"symptoms": ["hiccups"]}, "symptoms", "Unknown symptom code(s): hiccups"),
        ({"symptoms": "weakness"}, "symptoms", "list of codes"),
        ({"notes": "x" * 2001}, "notes", "At most 2000"),
        ({"utc_offset_minutes": 15 * 60}, "utc_offset_minutes", "between"),
        ({"source": "fax"}, "source", "Unknown source"),
        ({"ongoing": True}, "duration_seconds", "Must be null while the episode is still going"),
        ({"duration_seconds": None}, "duration_seconds", "or send ongoing true"),
        ({"ongoing": "yes", "duration_seconds": None}, "ongoing", "true or false"),
    ],
)
def test_it_rejects_bad_input_with_field_errors_and_writes_nothing(
    alice: User, frozen_now: datetime, overrides: dict[str, Any], field: str, text: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        episode_create(user=alice, **valid(**overrides))
    assert list(raised.value.message_dict) == [field]
    assert text in " ".join(raised.value.message_dict[field])
    assert nothing_written()


def test_it_reports_every_bad_field_at_once(alice: User, frozen_now: datetime) -> None:
    with pytest.raises(ValidationError) as raised:
        episode_create(user=alice, **valid(intensity=0, duration_seconds=0, pattern="x", locations=[]))
    assert set(raised.value.message_dict) == {"intensity", "duration_seconds", "pattern", "locations"}


def test_it_accepts_a_start_up_to_five_minutes_ahead(alice: User, frozen_now: datetime) -> None:
    episode_create(user=alice, **valid(started_at=frozen_now + timedelta(minutes=5)))
    assert Episode.objects.count() == 1


def test_it_numbers_each_change_in_order_across_episodes_and_checkins(alice: User, frozen_now: datetime) -> None:
    first = episode_create(user=alice, **valid())
    checkin = make_checkin(alice)
    second = episode_create(user=alice, **valid())
    updated = episode_update(episode=first, intensity=9)
    assert [first.change_seq, checkin.change_seq, second.change_seq, updated.change_seq] == [1, 2, 3, 4]
    assert Profile.objects.get(user=alice).last_change_seq == 4


def test_it_updates_and_bumps_the_version(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(user=alice, **valid())
    updated = episode_update(
        episode=episode, expected_version=1, intensity=8, locations=[LocationInput("calf", "right")], triggers=[]
    )
    updated.refresh_from_db()
    assert (updated.version, updated.intensity) == (2, 8)
    assert [(loc.region.code, loc.side) for loc in updated.locations.all()] == [("calf", "right")]
    assert not updated.triggers.exists()
    assert list(updated.symptoms.values_list("code", flat=True)) == ["dry_eye"]  # untouched
    assert updated.created_at == episode.created_at


def test_an_update_that_changes_nothing_keeps_the_version(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(user=alice, **valid())
    same = episode_update(episode=episode, triggers=["stress", "caffeine", "stress"], intensity=4)
    assert same.version == 1
    assert same.change_seq == episode.change_seq


def test_a_stale_update_raises_and_changes_nothing(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(user=alice, **valid())
    episode_update(episode=episode, intensity=5)
    with pytest.raises(StaleVersion) as raised:
        episode_update(episode=episode, expected_version=1, intensity=9)
    assert raised.value.current == 2
    episode.refresh_from_db()
    assert (episode.version, episode.intensity) == (2, 5)


def test_a_bad_update_changes_nothing(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(user=alice, **valid())
    with pytest.raises(ValidationError) as raised:
        episode_update(episode=episode, intensity=11, locations=[])
    assert set(raised.value.message_dict) == {"intensity", "locations"}
    episode.refresh_from_db()
    assert (episode.version, episode.intensity, episode.locations.count()) == (1, 4, 1)


def test_moving_the_start_rederives_the_offset(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(
        user=alice, **valid(started_at=datetime(2026, 11, 19, 20, 0, tzinfo=ZoneInfo("Asia/Tokyo")))
    )
    assert episode.utc_offset_minutes == 9 * 60
    moved = episode_update(episode=episode, started_at=datetime(2026, 11, 19, 20, 0, tzinfo=ZoneInfo("Europe/Paris")))
    assert moved.utc_offset_minutes == 60


def test_it_soft_deletes_and_hides_the_tombstone(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(user=alice, **valid())
    deleted = episode_delete(episode=episode, expected_version=1)
    assert deleted.deleted_at == frozen_now
    assert deleted.version == 2
    assert deleted.change_seq == 2
    assert not Episode.live.exists()
    assert Episode.objects.get().is_deleted
    again = episode_delete(episode=episode)
    assert (again.version, again.change_seq) == (2, 2)  # deleting twice changes nothing


def test_a_stale_delete_raises_and_deletes_nothing(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(user=alice, **valid())
    episode_update(episode=episode, intensity=6)
    with pytest.raises(StaleVersion):
        episode_delete(episode=episode, expected_version=1)
    assert Episode.live.count() == 1


def test_a_deleted_episode_cannot_be_updated(alice: User, frozen_now: datetime) -> None:
    episode = episode_delete(episode=EpisodeFactory(user=alice))
    with pytest.raises(Episode.DoesNotExist):
        episode_update(episode=episode, intensity=9)


def test_bulk_create_is_all_or_nothing(alice: User, frozen_now: datetime) -> None:
    good = EpisodeInput(**valid())
    bad = EpisodeInput(**valid(intensity=42))
    with pytest.raises(ValidationError) as raised:
        episodes_bulk_create(user=alice, items=[good, good, bad])
    assert list(raised.value.message_dict) == ["2.intensity"]
    assert nothing_written()
    created = episodes_bulk_create(user=alice, items=[good, good])
    assert [e.change_seq for e in created] == [1, 2]
    assert Episode.objects.filter(user=alice).count() == 2
    assert EpisodeLocation.objects.count() == 2


def _queries_to_bulk_create(user: User, count: int) -> int:
    items = [EpisodeInput(**valid(id=uuid.uuid4(), triggers=["caffeine"])) for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        episodes_bulk_create(user=user, items=items)
    return len(queries)


def test_bulk_create_costs_the_same_queries_whatever_the_batch_size(alice: User, frozen_now: datetime) -> None:
    profile_update(user=alice, time_zone="Europe/Paris")  # the first write also creates the profile
    ReferenceCodes.load()  # this process has read the codes of this reference version
    small = _queries_to_bulk_create(alice, 3)
    large = _queries_to_bulk_create(alice, 600)
    # The stored reference version, the change numbers' claim, 4 inserts, and the savepoint
    # pair (BEGIN and COMMIT outside a test). The ids are read only when an insert fails.
    assert small == 8
    limit = connection.features.max_query_params
    if limit is None:  # PostgreSQL: one INSERT per table however many rows
        assert large == small
    else:  # SQLite caps a statement's parameters, so its inserts split into batches
        columns = {"episode": 14, "location": 3, "trigger": 2, "symptom": 2}
        assert large - small <= sum(math.ceil(600 * n / limit) for n in columns.values())
    assert Episode.objects.count() == 603


# Still going: no duration until it ends, then the time from the start until then.


def still_going(alice: User, started_at: datetime, **overrides: Any) -> Episode:
    return episode_create(user=alice, **valid(started_at=started_at, ongoing=True, duration_seconds=None, **overrides))


def test_it_creates_an_episode_still_going_without_a_duration(alice: User, frozen_now: datetime) -> None:
    episode = still_going(alice, frozen_now - timedelta(minutes=3))
    episode.refresh_from_db()
    assert (episode.ongoing, episode.duration_seconds, episode.ended_at) == (True, None, None)


def test_ending_it_now_gives_it_the_time_since_its_start(alice: User, frozen_now: datetime) -> None:
    episode = still_going(alice, frozen_now - timedelta(minutes=3, seconds=20))
    ended = episode_end(episode=episode, expected_version=1)
    ended.refresh_from_db()
    assert (ended.ongoing, ended.duration_seconds, ended.version) == (False, 200, 2)
    assert ended.ended_at == frozen_now


def test_ending_it_twice_keeps_the_first_end(alice: User, frozen_now: datetime) -> None:
    episode = still_going(alice, frozen_now - timedelta(minutes=3))
    first = episode_end(episode=episode)
    with time_machine.travel(frozen_now + timedelta(hours=2), tick=False):
        again = episode_end(episode=episode)
    assert (again.duration_seconds, again.version, again.change_seq) == (180, 2, first.change_seq)


def test_an_edit_that_sets_ongoing_false_alone_ends_it_now(alice: User, frozen_now: datetime) -> None:
    episode = still_going(alice, frozen_now - timedelta(seconds=90))
    assert episode_update(episode=episode, ongoing=False).duration_seconds == 90


def test_an_edit_that_ends_it_with_a_duration_keeps_that_duration(alice: User, frozen_now: datetime) -> None:
    episode = still_going(alice, frozen_now - timedelta(hours=1))
    assert episode_update(episode=episode, ongoing=False, duration_seconds=600).duration_seconds == 600


def test_a_start_a_moment_ahead_ends_after_a_second_never_a_negative_duration(
    alice: User, frozen_now: datetime
) -> None:
    episode = still_going(alice, frozen_now + timedelta(minutes=4))  # a phone's clock running fast
    assert episode_end(episode=episode).duration_seconds == 1


def test_it_asks_for_the_duration_of_one_going_for_longer_than_an_episode_can_last(
    alice: User, frozen_now: datetime
) -> None:
    """Neither capped at 7 days nor ended by itself: both would make up a duration."""
    episode = still_going(alice, frozen_now - timedelta(days=7, seconds=1))
    with pytest.raises(ValidationError) as raised:
        episode_end(episode=episode)
    assert "more than 7 days ago" in raised.value.message_dict["duration_seconds"][0]
    episode.refresh_from_db()
    assert (episode.ongoing, episode.duration_seconds, episode.version) == (True, None, 1)
    ended = episode_update(episode=episode, ongoing=False, duration_seconds=3600)
    assert (ended.ongoing, ended.duration_seconds) == (False, 3600)


def test_a_stale_end_raises_and_changes_nothing(alice: User, frozen_now: datetime) -> None:
    episode = still_going(alice, frozen_now - timedelta(minutes=3))
    episode_update(episode=episode, intensity=7)  # elsewhere: version 2
    with pytest.raises(StaleVersion):
        episode_end(episode=episode, expected_version=1)
    episode.refresh_from_db()
    assert (episode.ongoing, episode.version) == (True, 2)


def test_an_ended_episode_said_to_be_going_again_has_no_duration(alice: User, frozen_now: datetime) -> None:
    episode = episode_create(user=alice, **valid())
    going = episode_update(episode=episode, ongoing=True)
    assert (going.ongoing, going.duration_seconds, going.version) == (True, None, 2)


def test_a_duration_sent_for_an_episode_still_going_is_a_field_error(alice: User, frozen_now: datetime) -> None:
    episode = still_going(alice, frozen_now - timedelta(minutes=3))
    with pytest.raises(ValidationError) as raised:
        episode_update(episode=episode, duration_seconds=60)
    assert list(raised.value.message_dict) == ["duration_seconds"]
    episode.refresh_from_db()
    assert (episode.ongoing, episode.version) == (True, 1)


def test_a_replayed_create_of_an_episode_still_going_is_the_same_episode(alice: User, frozen_now: datetime) -> None:
    """Logged "still going" and sent again a minute later: the same content (no duration that
    moved on), so the same episode, never a second one."""
    data = EpisodeInput(**valid(id=uuid.uuid4(), ongoing=True, duration_seconds=None))
    episode_create(user=alice, **vars(data))
    with time_machine.travel(frozen_now + timedelta(minutes=1), tick=False):
        replayed = episode_replay(user=alice, data=data)
    assert replayed.outcome is Replay.SAME
    assert Episode.objects.count() == 1
