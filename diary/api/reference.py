"""GET /api/v1/reference/: the codes a phone needs, in one cacheable document."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditions.models import TwitchPattern
from conditions.reference import PerReferenceVersion, current_reference_key, dump_reference, version_of
from diary.models import Side

Fields = dict[str, serializers.Field[Any, Any, Any, Any]]
ITEM: Fields = {"code": serializers.CharField(), "name": serializers.CharField()}
REFERENCE = inline_serializer(
    "Reference",
    {
        "version": serializers.CharField(help_text="Changes exactly when the content changes; also the ETag."),
        "sources": inline_serializer(
            "ReferenceDocument",
            {
                "seed": serializers.CharField(help_text="The document's file name, which conditions cite."),
                "title": serializers.CharField(help_text="The document's title, as readers cite it."),
            },
            many=True,
        ),
        "regions": inline_serializer(
            "ReferenceRegion",
            {**ITEM, "group": serializers.CharField(), "has_sides": serializers.BooleanField()},
            many=True,
        ),
        "triggers": inline_serializer("ReferenceTrigger", {**ITEM, "description": serializers.CharField()}, many=True),
        "symptoms": inline_serializer(
            "ReferenceSymptom",
            {
                **ITEM,
                "red_flag": serializers.BooleanField(help_text="Always raises a 'see a doctor soon' notice."),
                "advice": serializers.CharField(),
                "description": serializers.CharField(),
            },
            many=True,
        ),
        "conditions": inline_serializer(
            "ReferenceCondition",
            {
                "slug": serializers.CharField(),
                "name": serializers.CharField(),
                "category": serializers.CharField(),
                "summary": serializers.CharField(),
                "investigation": serializers.CharField(),
                "treatment": serializers.CharField(),
                "features": serializers.ListField(child=serializers.DictField()),
                "sources": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        ),
        "patterns": inline_serializer("ReferencePattern", ITEM, many=True),
        "sides": inline_serializer("ReferenceSide", ITEM, many=True),
    },
)


def reference_document() -> dict[str, Any]:
    """The document for the reference data in the database now (a dozen queries)."""
    data = dump_reference()
    version = version_of(data)
    del data["format"]
    return {
        "version": version,
        **data,
        "patterns": [{"code": code, "name": name} for code, name in TwitchPattern.choices],
        "sides": [{"code": code, "name": name} for code, name in Side.choices],
    }


# This process's copy of the document (reference_document is looked up at each build).
_DOCUMENT = PerReferenceVersion(lambda: reference_document())


def _tag(version: str) -> str:
    return f'"{version}"'


class ReferenceView(APIView):
    @extend_schema(
        summary="Regions, triggers, symptoms and conditions",
        parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses={200: REFERENCE, 304: None},
    )
    def get(self, request: Request) -> Response:
        # The ETag is the stored version (one query), checked before anything is built: a
        # phone that has this version gets its 304 for the price of the token and that query.
        key = current_reference_key()
        if _tag(key[0]) in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=_headers(key[0]))
        # Built from the tables, the document may carry a newer version than the key (a change
        # landed in between): its ETag is its own, and the next request reads the key again.
        document = _DOCUMENT.get(key)
        return Response(document, headers=_headers(document["version"]))


def _headers(version: str) -> dict[str, str]:
    return {"ETag": _tag(version), "Cache-Control": "private, no-cache"}
