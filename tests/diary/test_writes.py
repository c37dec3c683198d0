"""The decision on a retried create (shared by the API and sync), the per-process reference
codes, and erasing a diary."""

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from conditions.models import Trigger
from diary.models import CheckIn, Episode, EpisodeLocation, Profile
from diary.services import (
    CheckInChange,
    EpisodeChange,
    EpisodeInput,
    IdTaken,
    Replay,
    diary_erase,
    episode_create_from,
    episode_delete,
    episode_replay,
    sync_apply,
)
from diary.services.episode_input import ReferenceCodes
from tests.diary.test_stamping import an_episode
from tests.factories import make_checkin


def created(user: User, **overrides: Any) -> EpisodeInput:
    data = an_episode(**overrides)
    episode_create_from(user=user, data=data)
    return data


def sync_status(user: User, data: EpisodeInput) -> str:
    assert data.id is not None
    [result] = sync_apply(user=user, episodes=[EpisodeChange(data.id, data, None)], checkins=[]).episodes
    return result.status


@pytest.mark.parametrize(
    ("setup", "outcome", "sync"),
    [
        (lambda alice, bob: an_episode(), Replay.NEW, "created"),
        (lambda alice, bob: created(alice), Replay.SAME, "unchanged"),
        (lambda alice, bob: {**vars(created(alice)), "intensity": 9}, Replay.DIFFERENT, "updated"),
        (lambda alice, bob: created(bob), Replay.NOT_YOURS, "invalid"),
    ],
    ids=["new", "same", "different", "not-yours"],
)
def test_the_api_and_sync_decide_a_replay_alike(
    alice: User, bob: User, frozen_now: datetime, setup: Any, outcome: Replay, sync: str
) -> None:
    data = setup(alice, bob)
    data = EpisodeInput(**data) if isinstance(data, dict) else data
    assert episode_replay(user=alice, data=data).outcome is outcome
    assert sync_status(alice, data) == sync  # a different body based on version 1 is an edit there


def test_a_replay_of_a_deleted_episode_is_refused_by_both(alice: User, frozen_now: datetime) -> None:
    data = created(alice)
    episode_delete(episode=Episode.objects.get(pk=data.id))
    assert episode_replay(user=alice, data=data).outcome is Replay.DELETED
    assert sync_status(alice, data) == "conflict"


def test_a_create_with_a_taken_id_raises_even_with_a_bad_body(alice: User, frozen_now: datetime) -> None:
    data = created(alice)
    with pytest.raises(IdTaken):
        episode_create_from(user=alice, data=EpisodeInput(**{**vars(data), "triggers": ["moonlight"]}))
    with pytest.raises(ValidationError):
        episode_create_from(user=alice, data=an_episode(triggers=["moonlight"]))
    assert Episode.objects.count() == 1


def test_a_new_code_is_known_to_the_next_write(alice: User, frozen_now: datetime) -> None:
    ReferenceCodes.load()
    Trigger.objects.create(code="loud_music", name="Loud music")  # a save: the signal stores the version
    created(alice, triggers=["loud_music"])
    Trigger.objects.bulk_create([Trigger(code="full_moon", name="Full moon")])  # no signal: the database trigger
    created(alice, triggers=["full_moon"])
    assert Episode.objects.filter(triggers__code__in=["loud_music", "full_moon"]).count() == 2


def test_the_codes_are_read_once_per_reference_version(
    alice: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    first = ReferenceCodes.load()
    with django_assert_num_queries(1):  # the stored version
        assert ReferenceCodes.load() is first


def test_erasing_a_diary_leaves_no_record_or_tombstone(alice: User, bob: User, frozen_now: datetime) -> None:
    created(alice)
    episode_delete(episode=Episode.objects.get(pk=created(alice).id))
    make_checkin(alice)
    sync_apply(user=bob, episodes=[], checkins=[CheckInChange(make_checkin(bob).date, {"stress": 1}, 1)])
    bobs = Episode.objects.get(pk=created(bob).id)
    last_seq = Profile.objects.get(user=alice).last_change_seq
    diary_erase(user=alice)
    assert not Episode.objects.filter(user=alice).exists()
    assert not CheckIn.objects.filter(user=alice).exists()
    assert list(EpisodeLocation.objects.values_list("episode_id", flat=True)) == [bobs.id]
    assert CheckIn.objects.filter(user=bob).count() == 1
    assert Profile.objects.get(user=alice).last_change_seq == last_seq  # numbers never go back
