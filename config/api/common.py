"""What every API view shares, whichever app it belongs to: the signed-in user, versions in
If-Match and ETag, filter sets that refuse an empty filter, and a boolean that is a JSON one."""

import re
from typing import Any

import django_filters
from django.contrib.auth.models import User
from django.http import HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description="The version your edit is based on."
)
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


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


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with an empty value is a 400, not silently ignored."""

    def is_valid(self) -> bool:
        valid: bool = super().is_valid()
        for name in self.filters:
            if self.data is not None and name in self.data and self.data.get(name) == "":
                self.form.add_error(name, "Must not be empty when given.")
                valid = False
        return valid


class JsonBooleanField(serializers.BooleanField):
    """true or false only: DRF's BooleanField also takes 0, "yes", "on"..., which the schema
    (a JSON boolean) does not promise, and a client sending them has a bug worth hearing about."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class JsonStringField(serializers.CharField):
    """A JSON string only: DRF's CharField also takes 0 or 1.5 and stores "0", which the schema (a
    string) does not promise."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class JsonUuidField(serializers.UUIDField):
    """A UUID as a JSON string only: DRF's UUIDField also reads a number (false too) as the UUID
    of that integer."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)
