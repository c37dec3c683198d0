"""A guard around kombu's Redis transport (kombu 5.7), applied when the Celery app is made
(config/celery.py), so that a worker survives a Redis restart while it holds a message.

What happened without it (issue 22, finding 1): the connection to Redis breaks while the worker
holds a message (an analysis waiting out its countdown). Celery's consumer then calls
`Connection.collect()` and `Connection.close()` on the broken connection
(celery/worker/consumer/consumer.py, `on_connection_error_after_connected`). `collect()` tries
to close the default channel, whose close fails on the dead socket (a ConnectionError, which
`maybe_close_channel` swallows) before the channel is marked closed, and then sets the
transport's `client` to None (`Connection._do_close_transport`); the connection keeps its
`_default_channel`. `close()` closes that same channel again: this time it gets to
`QoS.restore_unacked_once()` ("Restoring 1 unacknowledged message(s)"), which needs a new
Redis connection pool, whose parameters come from `self.connection.client.hostname`
(`Channel._connparams`): an AttributeError on None. It is not one of the connection errors
that Celery ignores there, so the consumer dies with "Unrecoverable error" and the worker exits.
Without a held message nothing is restored and nothing reads the missing client: the worker
reconnects.

The guard makes that a connection error, which every caller on that path already ignores: the
worker then reconnects as after any broker loss. The message itself stays in Redis' unacked set
while Redis keeps its data (restored after the transport's visibility timeout), and the row that
records the job is the truth either way: the feature's sweep sends it again (tracker/jobs.py).
"""

from typing import Any

import redis
from kombu.transport import redis as kombu_redis


def _connparams_of_a_live_transport(original: Any) -> Any:
    def connparams(self: Any, asynchronous: bool = False) -> Any:
        if self.connection.client is None:  # the transport was closed under this channel
            raise redis.exceptions.ConnectionError("the broker connection is closed")
        return original(self, asynchronous=asynchronous)

    connparams.guarded = True  # type: ignore[attr-defined]
    return connparams


def guard_redis_transport() -> None:
    """Install the guard (once)."""
    original = kombu_redis.Channel._connparams  # type: ignore[attr-defined]  # private, not in the stubs
    if not getattr(original, "guarded", False):
        kombu_redis.Channel._connparams = _connparams_of_a_live_transport(original)  # type: ignore[attr-defined]
