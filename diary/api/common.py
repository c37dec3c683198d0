"""Pieces the diary's API views share."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator

from config.api.pagination import StrictCursorPagination
from diary.models import EARLIEST_DATE, LATEST_DATE

# Every date a filter or range takes lies within the diary's bounds (see diary.models).
DATE_BOUNDS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


def local_day_bounds(first: date | None, last: date | None, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """The instants from the start of `first` to the end of `last`, both days in `zone`."""
    start = datetime.combine(first, time(0), tzinfo=zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone) if last else None
    return start, end


class NewestFirstPagination(StrictCursorPagination):
    ordering = ("-started_at", "-id")


class CheckInPagination(StrictCursorPagination):
    ordering = ("-date",)
