"""Small pieces the API views share."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


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
    """Cursor pages: stable under inserts, and a page costs the same however deep it is."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-started_at", "-id")


class CheckInPagination(NewestFirstPagination):
    ordering = ("-date",)
