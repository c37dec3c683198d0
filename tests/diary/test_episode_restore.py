"""episode_restore: the history's undo of a delete brings the tombstone back as an edit, which
sync pulls report, and tells the tracker the diary changed."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from diary import changes
from diary.models import Episode, Profile
from diary.services import episode_delete, episode_restore
from tests.factories import EpisodeFactory


def deleted_episode(user: User) -> Episode:
    return episode_delete(episode=EpisodeFactory(user=user))


def test_it_brings_a_deleted_episode_back_with_a_new_version_and_change_number(
    alice: User, frozen_now: datetime
) -> None:
    tombstone = deleted_episode(alice)
    assert (tombstone.version, tombstone.change_seq) == (2, 2)
    with time_machine.travel(frozen_now + timedelta(seconds=5), tick=False):
        restored = episode_restore(user=alice, episode_id=tombstone.id)
    stored = Episode.objects.get(pk=tombstone.id)
    assert (stored.version, stored.change_seq, stored.deleted_at) == (3, 3, None)
    assert stored.updated_at == frozen_now + timedelta(seconds=5)
    assert stored.started_at == tombstone.started_at  # the content is the one deleted
    assert (restored.version, restored.change_seq) == (3, 3)
    assert Profile.objects.get(user=alice).last_change_seq == 3
    assert list(Episode.live.filter(user=alice)) == [stored]


def test_it_changes_nothing_when_the_episode_is_live(alice: User, frozen_now: datetime) -> None:
    live = EpisodeFactory(user=alice)
    restored = episode_restore(user=alice, episode_id=live.id)
    stored = Episode.objects.get(pk=live.id)
    assert (restored.version, stored.version, stored.change_seq) == (1, 1, 1)
    assert Profile.objects.get(user=alice).last_change_seq == 1


def test_it_refuses_another_users_episode_and_an_unknown_id(alice: User, bob: User, frozen_now: datetime) -> None:
    tombstone = deleted_episode(alice)
    for user, episode_id in ((bob, tombstone.id), (alice, uuid.uuid4())):
        with pytest.raises(Episode.DoesNotExist):
            episode_restore(user=user, episode_id=episode_id)
    assert Episode.objects.get(pk=tombstone.id).deleted_at is not None
    assert not Profile.objects.filter(user=bob, last_change_seq__gt=0).exists()


def test_a_sync_pull_sees_the_episode_live_again(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    tombstone = deleted_episode(alice)
    pulled = as_alice.get("/api/v1/sync/").json()
    assert [(e["id"], e["deleted_at"] is not None) for e in pulled["episodes"]] == [(str(tombstone.id), True)]
    episode_restore(user=alice, episode_id=tombstone.id)
    later = as_alice.get("/api/v1/sync/", {"since": pulled["cursor"]}).json()
    assert [(e["id"], e["version"], e["deleted_at"]) for e in later["episodes"]] == [(str(tombstone.id), 3, None)]


def test_it_tells_the_tracker_once_committed(
    alice: User, frozen_now: datetime, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    tombstone = deleted_episode(alice)
    # The test's transaction never commits: drop the setup's pending notice, which would
    # otherwise stand for the restore's too (diary.changes notifies once per transaction).
    connection.run_on_commit.clear()
    told: list[int] = []
    monkeypatch.setattr(changes, "_handlers", [told.append])
    with django_capture_on_commit_callbacks(execute=True):
        episode_restore(user=alice, episode_id=tombstone.id)
    assert told == [alice.pk]
    with django_capture_on_commit_callbacks(execute=True):
        episode_restore(user=alice, episode_id=tombstone.id)  # live now: nothing written, nobody told
    assert told == [alice.pk]
