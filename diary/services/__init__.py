"""Every write of diary data goes through one of these functions (see STYLE.md)."""

from .checkins import checkin_delete, checkin_errors, checkin_upsert, checkins_bulk_create
from .episodes import (
    EpisodeInput,
    LocationInput,
    ReferenceCodes,
    episode_create,
    episode_delete,
    episode_errors,
    episode_update,
    episodes_bulk_create,
    utc_offset_minutes_at,
)
from .profiles import profile_update
from .records import StaleVersion

__all__ = [
    "EpisodeInput",
    "LocationInput",
    "ReferenceCodes",
    "StaleVersion",
    "checkin_delete",
    "checkin_errors",
    "checkin_upsert",
    "checkins_bulk_create",
    "episode_create",
    "episode_delete",
    "episode_errors",
    "episode_update",
    "episodes_bulk_create",
    "profile_update",
    "utc_offset_minutes_at",
]
