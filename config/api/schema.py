"""OpenAPI generation: every operation documents the errors it can answer, in the one error
shape (see config.api.errors), and every bound the server enforces that a schema can state: a
client generated from the schema is not surprised by a 400. What no schema can state (codes that
live in the editable reference data, the password policy's list of common passwords, "not after
tomorrow") is said in the descriptions; tests/api/test_schema_conformance.py lists them."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

# The diary's dates (diary.models.EARLIEST_DATE to LATEST_DATE), 1900-01-01 to 2100-12-31, as a
# pattern: JSON Schema has no minimum for a date.
DATE_PATTERN = r"^(19\d\d|20\d\d|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
MIN_PASSWORD_LENGTH = 8  # settings.AUTH_PASSWORD_VALIDATORS: MinimumLengthValidator's default
# DRF's CharField refuses NUL characters (PostgreSQL text cannot hold them), and one that trims
# whitespace and does not allow blank also refuses text that is only whitespace.
NO_NUL = r"^[^\u0000]*$"
NOT_BLANK = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


class ErrorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Machine-readable, e.g. invalid, not_found, conflict, stale_version.")
    message = serializers.CharField(help_text="For people.")
    # DRF pops declared fields off the class: this does not replace Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field (dotted for nested ones, e.g. locations.0.region); empty if none.",
    )


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)  # type: ignore[no-untyped-call]
        # Only for what clients send, and not on a field that may be blank (notes): a pattern
        # there makes drf-spectacular write a oneOf that "" satisfies twice.
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and not field.allow_blank
            and not {"pattern", "format", "enum"} & set(schema)
        ):
            schema["pattern"] = NOT_BLANK if field.trim_whitespace else NO_NUL
        return schema

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._get_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("format") == "date" or (parameter["in"] == "path" and parameter["name"] == "day"):
                schema.update(type="string", format="date", pattern=DATE_PATTERN)
            elif parameter["in"] == "query" and parameter["name"] in ("region", "trigger", "symptom"):
                schema["minLength"] = 1  # StrictFilterSet: a filter given empty is a 400
        return parameters

    def _error_responses(self) -> dict[str, str]:
        errors = {"400": "Invalid input: see `fields`.", "500": "Server error; nothing was changed."}
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors["401"] = "Missing, expired or revoked credentials."
            errors["403"] = "A browser session's write without its CSRF token."
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


def state_bounds_fields_cannot(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook for the bounds no serializer field carries:

    - a new password's minimum length (Django's MinimumLengthValidator, checked by
      account_register with the rest of the policy so that every problem is answered at once);
    - a sync push is a body holding `episodes`, `checkins`, or both, and nothing else (SyncView
      refuses anything else, so that a typo does not push nothing)."""
    schemas = result.get("components", {}).get("schemas", {})
    if "RegisterRequest" in schemas:
        schemas["RegisterRequest"]["properties"]["password"]["minLength"] = MIN_PASSWORD_LENGTH
    push = schemas.get("SyncPushRequest")
    if push is not None:
        push.update(additionalProperties=False, minProperties=1)
    operation = result.get("paths", {}).get("/api/v1/sync/", {}).get("post")
    if operation is not None and "requestBody" in operation:
        operation["requestBody"]["required"] = True
    return result
