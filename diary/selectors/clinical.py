"""Reads of what was tried, checked and done: treatments, investigations, function checks."""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from diary.models import FunctionCheck, Investigation, Treatment
from diary.selectors import CheckInFilters

# The app proposes a function check once a week: one is due when the last is this old.
FUNCTION_CHECK_EVERY = timedelta(days=7)


def treatment_list(*, user: User) -> QuerySet[Treatment]:
    """The user's live treatments, the latest started first."""
    return Treatment.live.filter(user=user).order_by("-started_on", "id")


def treatment_get(*, user: User, id: Any) -> Treatment:
    """The user's live treatment `id`; another user's, a deleted one or none is a 404."""
    return get_object_or_404(treatment_list(user=user), pk=id)


def investigation_list(*, user: User) -> QuerySet[Investigation]:
    """The user's live investigations, the latest done first."""
    return Investigation.live.filter(user=user).order_by("-done_on", "id")


def investigation_get(*, user: User, id: Any) -> Investigation:
    return get_object_or_404(investigation_list(user=user), pk=id)


def function_check_list(*, user: User, filters: CheckInFilters | None = None) -> QuerySet[FunctionCheck]:
    """The user's live function checks, newest first, within the dates of `filters`."""
    checks = FunctionCheck.live.filter(user=user).order_by("-date")
    if filters is not None and filters.date_from is not None:
        checks = checks.filter(date__gte=filters.date_from)
    if filters is not None and filters.date_to is not None:
        checks = checks.filter(date__lte=filters.date_to)
    return checks


def function_check_get(*, user: User, day: date) -> FunctionCheck:
    return get_object_or_404(function_check_list(user=user), date=day)


def function_check_due(*, user: User, today: date) -> bool:
    """Whether to propose a function check today: none yet, or the last a week old or more."""
    last = function_check_list(user=user).filter(date__lte=today).values_list("date", flat=True).first()
    return last is None or today - last >= FUNCTION_CHECK_EVERY
