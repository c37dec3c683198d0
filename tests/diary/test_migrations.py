"""Data migrations, run on today's models (a superset of the state each one runs in)."""

import importlib
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client

from diary.models import Episode, Profile
from tests.conftest import signed_in
from tests.factories import EpisodeFactory

ongoing_migration = importlib.import_module("diary.migrations.0007_episode_ongoing_from_sessions")


def remember_as_still_going(browser: Client, episode: Episode) -> None:
    """What the logging page did before episodes could be still going: the episode was saved with
    the time so far, and only the browser's session knew it was still going."""
    session = browser.session
    session[ongoing_migration.SESSION_KEY] = str(episode.pk)
    session.save()


def test_it_makes_an_episode_a_session_remembers_as_still_going_still_going_again(
    alice: User, bob: User, frozen_now: datetime
) -> None:
    started_at = frozen_now - timedelta(minutes=5)
    remembered = EpisodeFactory(user=alice, started_at=started_at, duration_seconds=300)
    remember_as_still_going(signed_in(alice), remembered)
    edited_since = EpisodeFactory(user=alice, started_at=started_at, duration_seconds=300, intensity=2)
    Episode.objects.filter(pk=edited_since.pk).update(version=2)  # a phone changed it: maybe its duration
    remember_as_still_going(signed_in(alice), edited_since)
    not_hers = EpisodeFactory(user=alice, started_at=started_at, duration_seconds=300, intensity=4)
    remember_as_still_going(signed_in(bob), not_hers)  # a session of bob's naming alice's episode
    forgotten = EpisodeFactory(user=alice, started_at=started_at, duration_seconds=300, intensity=5)
    seq = Profile.objects.get(user=alice).last_change_seq

    ongoing_migration.mark_remembered_still_going(apps, None)

    remembered.refresh_from_db()
    assert (remembered.ongoing, remembered.duration_seconds, remembered.version) == (True, None, 2)
    assert (remembered.change_seq, remembered.updated_at) == (seq + 1, frozen_now)  # phones hear of it
    for kept in (edited_since, not_hers, forgotten):
        kept.refresh_from_db()
        assert (kept.ongoing, kept.duration_seconds) == (False, 300)


def test_going_back_stores_the_time_so_far_as_the_old_code_did(alice: User, frozen_now: datetime) -> None:
    going = EpisodeFactory(
        user=alice, started_at=frozen_now - timedelta(minutes=7), ongoing=True, duration_seconds=None
    )
    ongoing_migration.store_time_so_far(apps, None)
    going.refresh_from_db()
    assert (going.ongoing, going.duration_seconds, going.version) == (False, 420, 2)
