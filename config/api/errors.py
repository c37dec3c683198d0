"""One JSON error shape for every 4xx and 5xx under /api/:

    {"code": "invalid", "message": "Some fields are not valid.", "fields": {"intensity": ["..."]}}

`code` is for machines, `message` for people, `fields` maps a field (dotted for nested ones,
like `locations.0.region`) to its messages and is empty when the error is not about fields.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.failures import describe_failure
from config.throttle import ThrottleUnavailable, TooManyTries

logger = logging.getLogger(__name__)

# An error body names at most this many fields (and says how many there were): its size stays
# small whatever the request's shape.
MAX_FIELD_ERRORS = 50

# The database is down or its connection dropped (a restart, a failover): the client is told to
# come back in this many seconds, and the next request after it returns opens a new connection.
DATABASE_RETRY_AFTER = 5
DATABASE_DOWN = (OperationalError, InterfaceError)


class AnswersApi(Exception):
    """An app's exception that says what a client of the API gets for it, so that this
    plumbing maps it without importing the app (diary.services.StaleVersion is one)."""

    def api_exception(self) -> exceptions.APIException:
        raise NotImplementedError


class InvalidCredentials(exceptions.APIException):
    # Not DRF's AuthenticationFailed: that becomes a 403 on a view without authenticators.
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "invalid_credentials"
    default_detail = "Wrong user name or password."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "This conflicts with what is stored."


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale_version"
    default_detail = "The record changed since the version you sent."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"
    default_detail = "This is unavailable for a moment; nothing was changed. Try again shortly."

    def __init__(self, wait: int) -> None:
        super().__init__()
        self.wait = wait  # DRF's handler turns it into Retry-After


CODES = {
    exceptions.ParseError: "malformed",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    ServiceUnavailable: "unavailable",
}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


def flatten_fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"a.0.b": ["message", ...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(flatten_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten_fields(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail)
    if isinstance(exc, AnswersApi):
        return exc.api_exception()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TooManyTries):
        wait = exc.retry_after
        return exceptions.Throttled(wait=wait, detail=f"Too many tries. Try again in {wait} s.")
    if isinstance(exc, ThrottleUnavailable):
        return ServiceUnavailable(wait=exc.retry_after)
    if isinstance(exc, DATABASE_DOWN):
        logger.warning("The database is unavailable: %s", describe_failure(exc))
        return ServiceUnavailable(wait=DATABASE_RETRY_AFTER)
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ValidationError("Too many query parameters or form fields.")
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ValidationError("The request is malformed.")
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        # Never the exception's message: database errors quote the rows they refused.
        logger.error("Unhandled error in the API: %s", describe_failure(exc))
        return Response(
            error_body("server_error", "Something went wrong on our side; nothing was changed."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if response.status_code == status.HTTP_401_UNAUTHORIZED and not response.has_header("WWW-Authenticate"):
        response["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_fields(exc.detail)
        general = fields.pop("non_field_errors", None)
        message = " ".join(general) if general else "Some fields are not valid."
        if len(fields) > MAX_FIELD_ERRORS:
            message += f" Showing the first {MAX_FIELD_ERRORS} of {len(fields)} fields with errors."
            fields = dict(list(fields.items())[:MAX_FIELD_ERRORS])
        response.data = error_body("invalid", message, fields)
    elif isinstance(exc, Http404 | DjangoPermissionDenied):
        response.data = error_body("not_found" if isinstance(exc, Http404) else "permission_denied", _detail(response))
    else:
        code = CODES.get(type(exc)) or str(getattr(exc, "default_code", "error"))
        response.data = error_body(code, _detail(response))
    return response


def _detail(response: Response) -> str:
    data = response.data
    return str(data.get("detail", "")) if isinstance(data, dict) else str(data)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt  # it changes nothing; without this a POST would get Django's HTML CSRF page
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """The last route under /api/: any address nothing else matched, also with DEBUG on
    (where Django would answer its HTML debug page), and before APPEND_SLASH redirects."""
    message = "There is nothing at this address."
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
            message += f" Did you mean {request.path}/ (with the trailing slash)?"
        except Resolver404:
            pass
    return JsonResponse(error_body("not_found", message), status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (an unknown Host, too many fields, a malformed request met before any view):
    JSON under /api/, the usual page elsewhere."""
    if _is_api(request):
        return JsonResponse(error_body("invalid", "The request is malformed."), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", "You may not do this."), status=403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for an address no URL matches: JSON under /api/, the usual page elsewhere."""
    if _is_api(request):
        return JsonResponse(error_body("not_found", "There is nothing at this address."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 outside DRF views: JSON under /api/, never a stack trace."""
    if _is_api(request):
        return JsonResponse(error_body("server_error", "Something went wrong on our side."), status=500)
    return defaults.server_error(request)
