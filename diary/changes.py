"""Telling the rest of the app that a user's diary changed.

The diary must not import what is computed from it (tracker imports diary, never the other
way), so handlers register here at start-up (tracker.apps). A handler runs after the
transaction commits, once per user per transaction however many writes it held: a sync of 500
episodes notifies once. A rolled-back write notifies nobody.
"""

import functools
import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)
_handlers: list[Callable[[int], None]] = []


def on_diary_changed(handler: Callable[[int], None]) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def diary_changed(user_id: int) -> None:
    connection = transaction.get_connection()
    # Already due for this user when this transaction commits? (run_on_commit holds the
    # callbacks of the current transaction; Django drops those of rolled-back savepoints.)
    if any(getattr(func, "diary_user_id", None) == user_id for _, func, _ in connection.run_on_commit):
        return
    callback = functools.partial(_notify, user_id)
    callback.diary_user_id = user_id  # type: ignore[attr-defined]
    transaction.on_commit(callback, robust=True)


def _notify(user_id: int) -> None:
    for handler in _handlers:
        handler(user_id)
