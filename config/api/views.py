"""A base for "list the signed-in user's objects": parse the query, ask a selector, page the rows,
serialize each. Episodes and check-ins use it; reports and share links will."""

from typing import Any, Generic, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.common import StrictFilterSet, request_user

M = TypeVar("M", bound=Model)
F = TypeVar("F")


class QueryFilterSet(StrictFilterSet, Generic[F]):
    """Reads a list's query parameters into the typed filters its selector takes (`parsed`), and
    lists them in the schema (drf-spectacular describes filter sets). It never filters a queryset
    itself: the selector does, so that the web pages filter the same way."""

    def parsed(self) -> F:
        """The filters, from `self.form.cleaned_data` (call after is_valid)."""
        raise NotImplementedError

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        raise TypeError(f"{type(self).__name__} only parses the query; the list's selector filters.")


# GET a cursor page of the signed-in user's objects. A subclass sets `model`, `filterset_class` (or
# None when the list takes no filters), `pagination_class` and `serializer_class` (for the schema;
# its summary and operation id go in `extend_schema_view`), and defines `select` (calls the
# selector) and `serialize` (one item's JSON). A comment, not a docstring: drf-spectacular would
# publish a view's docstring, inherited too, as the description of every list.
class UserListView(GenericAPIView[M], Generic[M, F]):
    model: type[M]
    filterset_class: type[QueryFilterSet[F]] | None = None

    def select(self, *, user: User, filters: F | None) -> QuerySet[M]:
        raise NotImplementedError

    def serialize(self, item: M) -> dict[str, Any]:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        items = self.select(user=request_user(request), filters=self.parse_query(request))
        page = self.paginate_queryset(items)
        return self.get_paginated_response([self.serialize(item) for item in page or []])

    def parse_query(self, request: Request) -> F | None:
        """The filters the query asks for; a 400 naming the fields when they are not valid."""
        if self.filterset_class is None:
            return None
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.form.errors.as_data())  # errors.py answers it as field errors
        return filterset.parsed()

    def get_queryset(self) -> QuerySet[M]:
        # An empty queryset of the model, no user involved: the schema generator asks for it (for the
        # model the filters describe) and so does the filter set. The rows come from `select`.
        return self.model._default_manager.none()
