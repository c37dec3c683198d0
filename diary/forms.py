"""Forms of the diary's own pages (and the admin's sign-in, which shares their throttle)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from config.throttle import ThrottleUnavailable, TooManyTries, count_sign_in


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in was refused before its password was checked, for the view's answer."""

    status: int  # 429 or 503
    retry_after: int


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form with every password try counted first (config.throttle): the same
    throttle as the API's token sign-in."""

    refusal: Refusal | None = None

    def clean(self) -> dict[str, Any]:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            assert self.request is not None, "a throttled form needs the request: it counts per client address"
            try:
                count_sign_in(self.request, username)
            except TooManyTries as refused:
                self.refusal = Refusal(429, refused.retry_after)
                minutes = -(-refused.retry_after // 60)
                raise forms.ValidationError(
                    f"Too many sign-in attempts for this account from your network. Try again in {minutes} min.",
                    code="throttled",
                ) from None
            except ThrottleUnavailable as down:
                self.refusal = Refusal(503, down.retry_after)
                raise forms.ValidationError(
                    "Signing in is unavailable for a moment. Please try again in a minute.", code="unavailable"
                ) from None
        cleaned: dict[str, Any] = super().clean()
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's log-in form (staff only), throttled."""
