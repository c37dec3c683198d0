"""Describing a failure for logs and records without the data it was about.

An exception's message is not safe to log here: database errors quote the row or the JSON they
refused, a validation error may echo what a user typed. What is safe, and what an operator
needs to find the fault, is the exception's type and where in our code it was raised.
"""

import traceback
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def describe_failure(exc: BaseException) -> str:
    """`ValueError at tracker/summaries/services.py:87 in summary_compute`: the type, and the innermost
    frame of the project's own code (the frame where it was raised if none is ours). Used for
    the API's unhandled errors and for failed jobs (tracker.jobs)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if _is_ours(f.filename)]
    where = (ours or frames)[-1] if frames else None
    kind = type(exc).__qualname__
    if where is None:
        return kind
    return f"{kind} at {_relative(where.filename)}:{where.lineno} in {where.name}"


# Library code lives under these folders, also when the virtualenv sits inside the project.
LIBRARY_FOLDERS = frozenset({".venv", "site-packages", "dist-packages"})


def _is_ours(filename: str) -> bool:
    path = Path(filename).resolve()
    return path.is_relative_to(PROJECT) and not LIBRARY_FOLDERS.intersection(path.parts)


def _relative(filename: str) -> str:
    path = Path(filename).resolve()
    return str(path.relative_to(PROJECT)) if path.is_relative_to(PROJECT) else path.name
