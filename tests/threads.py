"""Waiting for the threads a test started."""

import threading
import time


def join_all(threads: set[threading.Thread], timeout: float = 60) -> None:
    """Wait for `threads` to end. threading.enumerate() also lists a thread whose start() has
    not yet got it running, and joining that one raises: on a busy machine, wait for it to run."""
    deadline = time.monotonic() + timeout
    for thread in threads:
        while True:
            try:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
                break
            except RuntimeError:  # started, not yet running
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
