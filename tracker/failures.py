"""Why an analysis failed, told without the data it failed on.

An exception's message may hold health data: a database error echoes the row it refused (a
summary's JSON, a check-in's values), and whatever logs the exception (Celery's "raised
unexpected", a thread's logger.exception) writes that message out. So a failed run leaves
only its reason: the exception's class and the innermost line of the project's own code it
passed through, e.g. "DataError at tracker/summaries/services.py:150 in _store_summary".
"""

from django.db import InterfaceError, OperationalError

from config.failures import describe_failure


class AnalysisFailed(Exception):
    """An analysis failed. Its message is only the failure's reason, so it may be logged."""


class AnalysisInterrupted(AnalysisFailed):
    """The database went away mid-run (a restart, a dropped connection): worth retrying soon."""


def failure_reason(error: BaseException) -> str:
    """The exception's class and where in the project's code it arose; never its message."""
    if isinstance(error, AnalysisFailed):
        return str(error)  # already a reason
    return describe_failure(error)


def sanitized(error: BaseException) -> AnalysisFailed:
    """What to raise in `error`'s place. Raise it outside the `except` block that caught
    `error`, so that it does not even carry `error` as its context."""
    if isinstance(error, AnalysisFailed):
        return error
    transient = isinstance(error, OperationalError | InterfaceError)
    return (AnalysisInterrupted if transient else AnalysisFailed)(failure_reason(error))
