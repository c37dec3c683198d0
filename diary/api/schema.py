"""OpenAPI generation: every operation documents the errors it can answer, in the one error
shape (see diary.api.errors)."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Machine-readable, e.g. invalid, not_found, conflict, stale_version.")
    message = serializers.CharField(help_text="For people.")
    # DRF pops declared fields off the class: this does not replace Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field (dotted for nested ones, e.g. locations.0.region); empty if none.",
    )


class AutoSchema(SpectacularAutoSchema):
    def _error_responses(self) -> dict[str, str]:
        errors = {"400": "Invalid input: see `fields`.", "500": "Server error; nothing was changed."}
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors["401"] = "Missing, expired or revoked credentials."
        if "{" in self.path:
            errors["404"] = "No such record of yours (another user's record is a 404 too)."
        if self.method in ("PUT", "PATCH", "DELETE") and "{" in self.path:
            errors["412"] = "If-Match names an older version than the stored one; nothing was changed."
        if self.method in ("POST", "PUT", "PATCH"):
            errors["413"] = "The request body is too large."
        return errors

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in self._error_responses().items():
            if code not in responses:
                response = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    ErrorSerializer, code, direction=direction
                )
                responses[code] = {**response, "description": description}
        return responses
