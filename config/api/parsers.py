"""The API's JSON parser: refuses, before any serializer sees it, what no request of this API
needs and what would cost a 500 or seconds of CPU later on."""

from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The deepest request of the API is a sync push: {"episodes": [{"locations": [{"region": ...}]}]},
# four levels. Python's parser recurses and fails near 1,000 levels; error messages that quote
# such a value recurse again.
MAX_DEPTH = 8
# The longest list of the API is a sync push's 1,000 records; the serializers refuse a longer
# one by name (BoundedListField). This backstop refuses a list far beyond any bound, such as
# 100,000 items, before a single one is looked at.
MAX_ITEMS = 10_000


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested too deeply: at most {MAX_DEPTH} levels.") from None
        check_shape(data)
        return data


def check_shape(data: Any) -> None:
    """Raise ParseError for nesting deeper than MAX_DEPTH, a list or object with more than
    MAX_ITEMS entries, or text that is not valid Unicode (a lone UTF-16 surrogate such as
    "\\ud800", which JSON allows but no database or response can hold). Iterative, and each
    container's size is checked before its items are visited."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(f"JSON nested too deeply: at most {MAX_DEPTH} levels.")
        if len(value) > MAX_ITEMS:
            raise ParseError(f"A list or object holds {len(value)} entries: at most {MAX_ITEMS} are accepted.")
        items: Iterable[Any] = value
        if isinstance(value, dict):
            for key in value:
                _check_text(key)
            items = value.values()
        stack.extend((item, depth + 1) for item in items if isinstance(item, str | dict | list))


def _check_text(text: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError("Text holds an invalid character (a lone UTF-16 surrogate).") from None
