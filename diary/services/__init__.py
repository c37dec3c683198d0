"""Every write of diary data goes through one of these functions (see STYLE.md). Exported here:
the services, the types they take and answer, and the exceptions they raise; their helpers
(validators, row builders, the change stamp) stay in their modules."""

from .access import Accessed, AdminView, diary_access_record
from .accounts import account_email_update, account_register
from .checkins import CheckInInput, checkin_delete, checkin_upsert, checkins_bulk_create
from .clinical import (
    INVESTIGATIONS,
    TREATMENTS,
    Created,
    Outcome,
    RecordKind,
    record_create,
    record_delete,
    record_update,
    treatment_stop,
)
from .episode_input import EpisodeInput, LocationInput
from .episodes import (
    EpisodeChildren,
    IdTaken,
    WrittenEpisode,
    episode_create,
    episode_create_from,
    episode_delete,
    episode_end,
    episode_restore,
    episode_update,
    episodes_bulk_create,
)
from .erasure import diary_erase, diary_erase_quietly
from .function_checks import function_check_delete, function_check_upsert
from .imports import Kept, Restored, RestoredCheckIn, RestoredEpisode, diary_restore
from .profiles import KEEP, Keep, profile_update
from .records import StaleVersion
from .replays import Replay, Replayed, episode_create_or_replay, episode_replay
from .signouts import account_sign_out_elsewhere, sessions_end
from .sync import (
    CheckInChange,
    EpisodeChange,
    FunctionCheckChange,
    ItemResult,
    RecordChange,
    SyncResults,
    sync_apply,
    sync_changes,
)
from .tokens import device_token_create, device_token_revoke

__all__ = [
    "INVESTIGATIONS",
    "KEEP",
    "TREATMENTS",
    "Accessed",
    "AdminView",
    "CheckInChange",
    "CheckInInput",
    "Created",
    "EpisodeChange",
    "EpisodeChildren",
    "EpisodeInput",
    "FunctionCheckChange",
    "IdTaken",
    "ItemResult",
    "Keep",
    "Kept",
    "LocationInput",
    "Outcome",
    "RecordChange",
    "RecordKind",
    "Replay",
    "Replayed",
    "Restored",
    "RestoredCheckIn",
    "RestoredEpisode",
    "StaleVersion",
    "SyncResults",
    "WrittenEpisode",
    "account_email_update",
    "account_register",
    "account_sign_out_elsewhere",
    "checkin_delete",
    "checkin_upsert",
    "checkins_bulk_create",
    "device_token_create",
    "device_token_revoke",
    "diary_access_record",
    "diary_erase",
    "diary_erase_quietly",
    "diary_restore",
    "episode_create",
    "episode_create_from",
    "episode_create_or_replay",
    "episode_delete",
    "episode_end",
    "episode_replay",
    "episode_restore",
    "episode_update",
    "episodes_bulk_create",
    "function_check_delete",
    "function_check_upsert",
    "profile_update",
    "record_create",
    "record_delete",
    "record_update",
    "sessions_end",
    "sync_apply",
    "sync_changes",
    "treatment_stop",
]
