"""Why an analysis failed, told without the data it failed on.

An exception's message may hold health data: a database error echoes the row it refused (a
summary's JSON, a check-in's values), and whatever logs the exception (Celery's "raised
unexpected", a thread's logger.exception) writes that message out. So a failed run leaves
only its reason: the exception's class and the innermost line of the project's own code it
passed through, e.g. "DataError at tracker/services.py:150 in _store_summary".
"""

import os
import traceback
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError

# Library code lives under these folders, also when the virtualenv sits inside the project.
LIBRARY_FOLDERS = frozenset({"site-packages", "dist-packages"})


class AnalysisFailed(Exception):
    """An analysis failed. Its message is only the failure's reason, so it may be logged."""


class AnalysisInterrupted(AnalysisFailed):
    """The database went away mid-run (a restart, a dropped connection): worth retrying soon."""


def failure_reason(error: BaseException) -> str:
    """The exception's class and where in the project's code it arose; never its message."""
    if isinstance(error, AnalysisFailed):
        return str(error)  # already a reason
    where = _innermost_project_line(error)
    return f"{type(error).__qualname__} {f'at {where}' if where else 'outside the project code'}"


def sanitized(error: BaseException) -> AnalysisFailed:
    """What to raise in `error`'s place. Raise it outside the `except` block that caught
    `error`, so that it does not even carry `error` as its context."""
    if isinstance(error, AnalysisFailed):
        return error
    transient = isinstance(error, OperationalError | InterfaceError)
    return (AnalysisInterrupted if transient else AnalysisFailed)(failure_reason(error))


def _innermost_project_line(error: BaseException) -> str | None:
    root = Path(settings.BASE_DIR)
    found = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        path = Path(os.path.abspath(frame.f_code.co_filename))
        if path.is_relative_to(root) and not LIBRARY_FOLDERS.intersection(path.parts):
            found = f"{path.relative_to(root).as_posix()}:{line} in {frame.f_code.co_qualname}"
    return found
