"""Sign up, log in and out, passwords, settings. Django's own views serve log in, log out and
the password pages, with our templates and the throttle every door that takes a secret shares
(config.throttle). The password pages' templates are named explicitly (diary/account/): under
their default names (registration/) the admin's own, whose app comes first, would win.
Exporting and erasing the account live in tracker.account.pages (erasure reaches the tracker's
rows; the diary app does not import the tracker)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from config import throttle
from diary.forms import Refusal, ThrottledAuthenticationForm
from diary.models import profile_zone
from diary.pages.account_forms import (
    SettingsForm,
    SignupForm,
    ThrottledPasswordChangeForm,
    plain_password_fields,
    refuse,
)
from diary.selectors.profiles import profile_get
from diary.services import account_email_update, account_register, profile_update
from diary.services.profiles import CLINICAL_FIELDS

EMAIL_NEEDS_PASSWORD = "Type your password to change the e-mail address; nothing was saved."
WRONG_PASSWORD_NOTHING_SAVED = "The password is not right; nothing was saved."
SIGNED_OUT_ELSEWHERE = "You're signed out on your other devices and the phone app."


def with_refusal(response: HttpResponse, refusal: Refusal | None) -> HttpResponse:
    """A throttled try answers 429 (or 503 when the throttle cannot count) with Retry-After,
    on the same page with the reason shown, as the admin's sign-in does (config/admin.py)."""
    if refusal is not None:
        response.status_code = refusal.status
        response["Retry-After"] = str(refusal.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("episode-log")
    if request.method != "POST":
        return _signup_page(request, SignupForm())
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _signup_page(request, form, status=400)
    try:
        throttle.count_registration(request)  # before the service: it bounds probing names too
        user = account_register(**form.registration())
    except (throttle.TooManyTries, throttle.ThrottleUnavailable) as refused:
        refusal = refuse(form, refused, doing="Try signing up")
        return with_refusal(_signup_page(request, form), refusal)
    except ValidationError as error:
        form.add_service_errors(error)
        return _signup_page(request, form, status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("episode-log")


def _signup_page(request: HttpRequest, form: SignupForm, status: int = 200) -> HttpResponse:
    return render(request, "diary/account/signup.html", {"form": form, "nav": "signup"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        form = SettingsForm(initial=_settings_initial(user))
        return _settings_page(request, form)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    if form.cleaned_data["email"].strip() != user.email:
        refused = _email_change_refused(request, form, user)
        if refused is not None:
            return refused
    try:
        with transaction.atomic():  # both or neither
            profile_update(user=user, time_zone=form.cleaned_data["time_zone"], **form.clinical())
            account_email_update(user=user, email=form.cleaned_data["email"])
    except ValidationError as error:
        form.add_service_errors(error)
        return _settings_page(request, form, status=400)
    messages.success(request, "Your settings are saved.")
    return redirect("settings")


def _settings_initial(user: User) -> dict[str, Any]:
    profile = profile_get(user_id=user.pk)  # None before the first write: UTC, the rest blank
    initial: dict[str, Any] = {"time_zone": profile_zone(profile).key, "email": user.email}
    if profile is not None:
        initial.update({name: getattr(profile, name) for name in CLINICAL_FIELDS})
    return initial


def _email_change_refused(request: HttpRequest, form: SettingsForm, user: User) -> HttpResponse | None:
    """A new e-mail address needs the password (a reset link to it takes the account), counted
    as a sign-in try before it is checked, as on the password and erasure pages. None: go on."""
    password = form.cleaned_data["password"]
    if not password:
        form.add_error("password", EMAIL_NEEDS_PASSWORD)
        return _settings_page(request, form, status=400)
    try:
        throttle.count_sign_in(request, user.get_username())
    except (throttle.TooManyTries, throttle.ThrottleUnavailable) as refused:
        return with_refusal(_settings_page(request, form), refuse(form, refused, doing="Try"))
    if not user.check_password(password):
        form.add_error("password", WRONG_PASSWORD_NOTHING_SAVED)
        return _settings_page(request, form, status=400)
    return None


def _settings_page(request: HttpRequest, form: SettingsForm, status: int = 200) -> HttpResponse:
    return render(request, "diary/account/settings.html", {"form": form, "nav": "settings"}, status=status)


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {"nav": "login"}

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["username"].label = "User name"  # as on the sign-up form
        return form

    def form_invalid(self, form: Any) -> HttpResponse:
        return with_refusal(super().form_invalid(form), getattr(form, "refusal", None))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, with the old password counted as a sign-in try, and back to the settings with a
    message. This session stays signed in (Django's update_session_auth_hash); every other one,
    and every phone token, is ended."""

    template_name = "diary/account/password_change_form.html"
    form_class = ThrottledPasswordChangeForm
    success_url = reverse_lazy("settings")
    extra_context = {"nav": "settings"}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        plain_password_fields(form)
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        # Saving signs the account out everywhere (diary.services.SignOutOnPasswordChange);
        # then Django moves this session to a new key, so this one stays signed in.
        response = super().form_valid(form)
        messages.success(self.request, f"Your password is changed. {SIGNED_OUT_ELSEWHERE}")
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        return with_refusal(super().form_invalid(form), getattr(form, "refusal", None))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with each request counted per client address first: each may send an e-mail.
    A refused one says so and sends nothing."""

    template_name = "diary/account/password_reset_form.html"
    email_template_name = "diary/account/password_reset_email.html"
    subject_template_name = "diary/account/password_reset_subject.txt"
    extra_context = {"nav": "login"}

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["email"].label = "E-mail"  # as in the settings
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            throttle.count_password_reset(self.request)
        except (throttle.TooManyTries, throttle.ThrottleUnavailable) as refused:
            refusal = refuse(form, refused, doing="Ask for a link")
            return with_refusal(self.form_invalid(form), refusal)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "diary/account/password_reset_done.html"
    extra_context = {"nav": "login"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; a new password ends every session and phone token of the account."""

    template_name = "diary/account/password_reset_confirm.html"
    extra_context = {"nav": "login"}

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        plain_password_fields(form)
        return form


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "diary/account/password_reset_complete.html"
    extra_context = {"nav": "login"}
