"""Small pieces the API views share."""

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from diary.models import EARLIEST_DATE, LATEST_DATE

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description="The version your edit is based on."
)
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


# Every date a filter or range takes lies within the diary's bounds (see diary.models).
DATE_BOUNDS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


def request_user(request: Request | HttpRequest) -> User:
    """The signed-in user of an API view (IsAuthenticated has already run)."""
    assert isinstance(request.user, User)
    return request.user


def expected_version(request: Request) -> int | None:
    """The version an edit was based on, from `If-Match: <version>` (quotes and W/ allowed).
    None when the header is absent or `*`: the edit then applies whatever the version."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = _IF_MATCH.match(header)
    if not match:
        raise ValidationError({"If-Match": ["Send the record's version, e.g. If-Match: 3."]})
    return int(match.group(1))


def etag(version: int) -> str:
    return f'"{version}"'


def local_day_bounds(first: date | None, last: date | None, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """The instants from the start of `first` to the end of `last`, both days in `zone`."""
    start = datetime.combine(first, time(0), tzinfo=zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone) if last else None
    return start, end


class NewestFirstPagination(CursorPagination):
    """Cursor pages: stable under inserts, and a page costs the same however deep it is. A page
    size above the cap is cut to the cap; one that is not a positive whole number is a 400
    (DRF would quietly use the default)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-started_at", "-id")

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get("page_size")
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {"page_size": [f"Must be a whole number from 1 (at most {self.max_page_size} are used)."]}
            )
        return min(int(raw), self.max_page_size)

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except NotFound:  # DRF answers 404 for a cursor it cannot read; it is bad input
            raise ValidationError({"cursor": ["Not a cursor this API handed out; use `next` or `previous`."]}) from None

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "page_size":
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class CheckInPagination(NewestFirstPagination):
    ordering = ("-date",)


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with an empty value is a 400, not silently ignored."""

    def is_valid(self) -> bool:
        valid: bool = super().is_valid()
        for name in self.filters:
            if self.data is not None and name in self.data and self.data.get(name) == "":
                self.form.add_error(name, "Must not be empty when given.")
                valid = False
        return valid
