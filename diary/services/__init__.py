"""Every write of diary data goes through one of these functions (see STYLE.md)."""

from .access import Accessed, AdminView, diary_access_record
from .accounts import account_register
from .checkins import checkin_delete, checkin_errors, checkin_upsert, checkins_bulk_create
from .episodes import (
    EpisodeInput,
    IdTaken,
    LocationInput,
    ReferenceCodes,
    episode_create,
    episode_create_from,
    episode_delete,
    episode_errors,
    episode_matches,
    episode_update,
    episodes_bulk_create,
    utc_offset_minutes_at,
)
from .profiles import profile_update
from .records import StaleVersion
from .sync import CheckInChange, EpisodeChange, EpisodeChildren, ItemResult, SyncResults, sync_apply, sync_changes

__all__ = [
    "Accessed",
    "AdminView",
    "CheckInChange",
    "EpisodeChange",
    "EpisodeChildren",
    "EpisodeInput",
    "IdTaken",
    "ItemResult",
    "LocationInput",
    "ReferenceCodes",
    "StaleVersion",
    "SyncResults",
    "account_register",
    "checkin_delete",
    "checkin_errors",
    "checkin_upsert",
    "checkins_bulk_create",
    "diary_access_record",
    "episode_create",
    "episode_create_from",
    "episode_delete",
    "episode_errors",
    "episode_matches",
    "episode_update",
    "episodes_bulk_create",
    "profile_update",
    "sync_apply",
    "sync_changes",
    "utc_offset_minutes_at",
]
