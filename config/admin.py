from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from diary.forms import ThrottledAdminAuthenticationForm


class AdminSite(admin.AdminSite):
    """The admin with the sign-in throttle every password door shares: a refused try answers
    429 (or 503 when the throttle's cache is down) with Retry-After, on the usual login page."""

    login_form = ThrottledAdminAuthenticationForm

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        refusal = getattr(form, "refusal", None)
        if refusal is not None:
            response.status_code = refusal.status
            response["Retry-After"] = str(refusal.retry_after)
        return response
