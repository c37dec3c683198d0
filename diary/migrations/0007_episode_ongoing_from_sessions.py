"""Episodes saved "still going" before the state existed, made still going again where that can
be told (0006_episode_ongoing added the state).

Before this, the logging page saved an episode "still going" with the time so far (at least a
second) and remembered its id in the browser's session (key "ongoing_episode") to offer "It
stopped now". Nothing in the episode's row marks it, so most such rows cannot be told apart from
an episode whose duration was typed. The one trace left is that session key, and this migration
uses it where it is conclusive: an episode that a session still names, of the session's own user,
logged on the web and never changed since (version 1: ending it, or any edit on the web, removed
the key; an edit through the API bumped the version) was saved as still going and never ended. It
becomes still going again, with a new version and change number so that phones hear of it.

Not recovered, because nothing tells them apart: such an episode whose session is gone (signed
out, cleared, or another still-going episode logged in the same session since), or one changed
through the API or sync since (its duration may be a real one now). They keep their durations.

Going back stores each episode still going with the time so far, as the old code did."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import migrations
from django.utils import timezone

MAX_DURATION_SECONDS = 7 * 24 * 3600  # diary.models.MAX_DURATION_SECONDS when this was written
SESSION_KEY = "ongoing_episode"  # what diary.pages.episodes called ONGOING_KEY
DB_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def _remembered(apps: Any) -> dict[str, int]:
    """Episode id -> user id, for each session that names an episode still going."""
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return {}  # sessions kept elsewhere (a cache, cookies) cannot be read here
    from django.contrib.sessions.backends.db import SessionStore

    store, found = SessionStore(), {}
    for data in apps.get_model("sessions", "Session").objects.values_list("session_data", flat=True).iterator():
        decoded = store.decode(data)  # {} when it was signed with another key
        episode_id, user_id = decoded.get(SESSION_KEY), decoded.get("_auth_user_id")
        if episode_id and user_id and str(user_id).isdigit():
            found[str(episode_id)] = int(user_id)
    return found


def _restamp(apps: Any, episode: Any, now: Any) -> None:
    """The bookkeeping every write gives a record: the next version, the user's next change number."""
    profile = apps.get_model("diary", "Profile").objects.select_for_update().get(user_id=episode.user_id)
    profile.last_change_seq += 1
    profile.save(update_fields=["last_change_seq"])
    episode.version += 1
    episode.change_seq = profile.last_change_seq
    episode.updated_at = now


def mark_remembered_still_going(apps: Any, schema_editor: Any) -> None:
    remembered = _remembered(apps)
    if not remembered:
        return
    Episode = apps.get_model("diary", "Episode")
    now = timezone.now()
    candidates = Episode.objects.filter(pk__in=list(remembered), version=1, deleted_at=None, source="web")
    for episode in candidates:
        if remembered.get(str(episode.pk)) != episode.user_id:
            continue
        _restamp(apps, episode, now)
        episode.ongoing, episode.duration_seconds = True, None
        episode.save(update_fields=["ongoing", "duration_seconds", "version", "change_seq", "updated_at"])


def store_time_so_far(apps: Any, schema_editor: Any) -> None:
    now = timezone.now()
    for episode in apps.get_model("diary", "Episode").objects.filter(ongoing=True):
        _restamp(apps, episode, now)
        so_far = int((now - episode.started_at) / timedelta(seconds=1))
        episode.ongoing, episode.duration_seconds = False, max(1, min(MAX_DURATION_SECONDS, so_far))
        episode.save(update_fields=["ongoing", "duration_seconds", "version", "change_seq", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0006_episode_ongoing"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark_remembered_still_going, store_time_so_far)]
