"""Paging every API list the same way."""

from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class StrictCursorPagination(CursorPagination):
    """Cursor pages: stable under inserts, and a page costs the same however deep it is. A page
    size above the cap is cut to the cap; one that is not a positive whole number is a 400
    (DRF would quietly use the default), and so is a cursor this API did not hand out (DRF
    would answer 404). Subclasses set `ordering`, which must end in a unique field."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

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
