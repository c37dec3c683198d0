"""The forms of the account pages: sign up, settings, erasure. They check what a form can see
(a field is there, two passwords match); the services (diary.services.account_register,
profile_update, account_email_update) check the rest, and their errors land on these fields."""

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from config.throttle import ThrottleUnavailable, TooManyTries, count_sign_in
from diary.forms import Refusal
from diary.models import DEFAULT_TIME_ZONE, MAX_DISPLAY_NAME_LENGTH, MAX_NOTES_LENGTH, known_time_zones
from diary.services.accounts import EMAIL_MAX_LENGTH
from diary.services.profiles import CLINICAL_FIELDS

PASSWORD_HELP = "At least 8 characters, not only digits, not a common password, not like your user name."
ZONE_HELP = "Without JavaScript this starts at UTC: choose the zone you live in."
ZONE_CHOSEN_HELP = "Times in your diary are shown, and typed, in this zone."
UNKNOWN_ZONE = "“%(value)s” is not a time zone name this diary knows. Choose one from the list, such as Europe/Paris."


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


def time_zone_field(*, help_text: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        initial=DEFAULT_TIME_ZONE,
        help_text=help_text,
        error_messages={"invalid_choice": UNKNOWN_ZONE},
    )


def email_field() -> forms.EmailField:
    return forms.EmailField(
        label="E-mail (optional)",
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        help_text="Only used to send you a link when you forget your password. "
        "Without one, a forgotten password cannot be recovered.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ServiceErrorsMixin:
    """Puts a service's ValidationError on the form's fields (its field names may differ)."""

    service_fields: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        form: Any = self
        if not hasattr(error, "error_dict"):
            form.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            field = self.service_fields.get(name, name)
            form.add_error(field if field in form.fields else None, messages)


class SignupForm(ServiceErrorsMixin, forms.Form):
    username = forms.CharField(
        label="User name",
        max_length=150,
        help_text="You sign in with it. Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    email = email_field()
    password1 = forms.CharField(
        label="Password",
        max_length=128,
        strip=False,  # spaces are part of a passphrase
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        max_length=128,
        strip=False,
        help_text="The same password, to be sure it is the one you meant.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    time_zone = time_zone_field(help_text=ZONE_HELP)

    service_fields = {"password": "password1"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # A fresh form: timezone.js may set the zone from the browser. Never once the person
            # has sent the form: what they chose stays.
            self.fields["time_zone"].widget.attrs["data-guess-time-zone"] = ""
        else:
            self.fields["time_zone"].help_text = ZONE_CHOSEN_HELP

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first is not None and second is not None and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        return cleaned

    def registration(self) -> dict[str, str]:
        """The keyword arguments of account_register."""
        data = self.cleaned_data
        return {
            "username": data["username"],
            "password": data["password1"],
            "time_zone": data["time_zone"],
            "email": data["email"],
        }


class SettingsForm(ServiceErrorsMixin, forms.Form):
    time_zone = time_zone_field(help_text=ZONE_CHOSEN_HELP)
    email = email_field()
    password = forms.CharField(
        label="Your password (to change the e-mail)",
        required=False,  # the time zone alone changes without it
        max_length=128,
        strip=False,
        help_text="Needed only when you change the e-mail address: password reset links go there.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # "For your doctor": the clinical profile, all optional. The service checks the dates
    # against today and each other; a date the browser cannot parse is this form's error.
    display_name = forms.CharField(
        label="Your name on reports (optional)",
        required=False,
        max_length=MAX_DISPLAY_NAME_LENGTH,
        help_text="Shown on your reports and share pages only when set; never your user name.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        help_text="Shown on your reports and share pages only when set.",
        error_messages={"invalid": "Enter a real date, such as 1980-04-02."},
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday", "min": "1900-01-01"}, format="%Y-%m-%d"),
    )
    twitching_since = forms.DateField(
        label="Twitching since (optional)",
        required=False,
        help_text="When it began, even before you kept this diary; a month's first day is fine if unsure.",
        error_messages={"invalid": "Enter a real date, such as 2024-06-01."},
        widget=forms.DateInput(attrs={"type": "date", "min": "1900-01-01"}, format="%Y-%m-%d"),
    )
    family_history = forms.CharField(
        label="Family history (optional)",
        required=False,
        max_length=MAX_NOTES_LENGTH,
        strip=False,
        help_text="Relatives with a nerve or muscle condition, for example, and at what age.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clinical(self) -> dict[str, Any]:
        """The clinical profile's keyword arguments of profile_update."""
        return {name: self.cleaned_data[name] for name in CLINICAL_FIELDS}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        max_length=128,
        strip=False,
        help_text="To be sure it is you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def refuse(form: forms.Form, refused: TooManyTries | ThrottleUnavailable, *, doing: str) -> Refusal:
    """Say on the form why the throttle refused this try, and how the answer should say it."""
    if isinstance(refused, TooManyTries):
        minutes = -(-refused.retry_after // 60)
        form.add_error(None, f"Too many attempts from your network. {doing} again in {minutes} min.")
        return Refusal(429, refused.retry_after)
    form.add_error(None, f"This is unavailable for a moment. {doing} again in a minute; nothing was changed.")
    return Refusal(503, refused.retry_after)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's, with the old password counted as a sign-in try before it is checked (as the
    erasure's is): a stolen session cannot guess it without limit."""

    refusal: Refusal | None = None

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        try:
            count_sign_in(self.request, self.user.get_username())
        except (TooManyTries, ThrottleUnavailable) as refused:
            self.refusal = refuse(self, refused, doing="Try")
            return ""  # not checked: the refusal above already makes the form invalid
        old: str = super().clean_old_password()
        return old


def plain_password_fields(form: forms.Form) -> None:
    """Django's new-password fields, with our one-sentence help instead of its bulleted list
    (a list inside the help's <small> is not valid HTML) and a plainer label."""
    form.fields["new_password1"].help_text = PASSWORD_HELP
    form.fields["new_password2"].label = "New password again"
