"""Pieces the diary's API views share."""

from config.api.pagination import StrictCursorPagination


class NewestFirstPagination(StrictCursorPagination):
    ordering = ("-started_at", "-id")


class CheckInPagination(StrictCursorPagination):
    ordering = ("-date",)
