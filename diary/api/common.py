"""Pieces the diary's API views share."""

from django.core.validators import MaxValueValidator, MinValueValidator

from config.api.pagination import StrictCursorPagination
from diary.models import EARLIEST_DATE, LATEST_DATE

# Every date a filter or range takes lies within the diary's bounds (see diary.models).
DATE_BOUNDS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


class NewestFirstPagination(StrictCursorPagination):
    ordering = ("-started_at", "-id")


class CheckInPagination(StrictCursorPagination):
    ordering = ("-date",)
