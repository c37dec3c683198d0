"""Creating accounts, and changing their e-mail address."""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from diary.models import DEFAULT_TIME_ZONE, Profile, validate_time_zone

from .records import FieldErrors

logger = logging.getLogger(__name__)

TAKEN = "This user name is taken."
EMAIL_CHANGED_SUBJECT = "Your Twitch diary e-mail address was changed"
EMAIL_CHANGED_BODY = """Hello {username},

The e-mail address of your Twitch diary account was just changed, and password reset links now go
to the new address. This notice goes to the old one, so that you hear of it.

If you made this change, there is nothing to do.

If you did not, someone else may be signed in as you: sign in, change your password (which signs
out every other device and the phone app), and set your e-mail address back in the settings.
"""
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length or 254


@transaction.atomic
def account_register(*, username: str, password: str, time_zone: str = DEFAULT_TIME_ZONE, email: str = "") -> User:
    """A new account and its diary profile. The e-mail address is optional: without one the
    person cannot reset a forgotten password."""
    errors = FieldErrors()
    if User.objects.filter(username__iexact=username).exists():
        errors.add("username", TAKEN)
    try:
        User.username_validator(username)
    except ValidationError as error:
        errors.errors["username"].extend(error.messages)
    try:
        validate_password(password, User(username=username))
    except ValidationError as error:
        errors.errors["password"].extend(error.messages)
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        errors.errors["time_zone"].extend(error.messages)
    for problem in _email_problems(email):
        errors.add("email", problem)
    errors.raise_if_any()
    try:
        with transaction.atomic():  # a savepoint: the race below must not spoil the transaction
            user = User.objects.create_user(username=username, password=password, email=email.strip())
    except IntegrityError:
        # The same name (in any case) was taken between the check above and this insert; the
        # database's case-insensitive unique index (diary migration 0005) caught it.
        raise ValidationError({"username": [TAKEN]}) from None
    Profile.objects.create(user=user, time_zone=time_zone)
    return user


@transaction.atomic
def account_email_update(*, user: User, email: str) -> User:
    """Set (or clear, with "") the address password resets are sent to. The old address, if there
    was one, hears of the change once it is committed: whoever changes it can next take the
    account with a reset, so the owner must learn of it where they still read. The caller has
    confirmed the password (the settings page does, counted as a sign-in try)."""
    problems = _email_problems(email)
    if problems:
        raise ValidationError({"email": problems})
    email = email.strip()
    old = user.email
    if old != email:
        user.email = email
        user.save(update_fields=["email"])
        if old:
            transaction.on_commit(partial(_email_changed_notice, username=user.get_username(), old=old))
    return user


def _email_changed_notice(*, username: str, old: str) -> None:
    """Sent after the commit, so never for a change rolled back. A mail server that fails must not
    turn a saved change into an error page: it is logged (without the address) instead."""
    try:
        body = EMAIL_CHANGED_BODY.format(username=username)
        send_mail(EMAIL_CHANGED_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [old])
    except Exception:
        logger.exception("The notice of an e-mail change could not be sent")


def _email_problems(email: str) -> list[str]:
    email = email.strip()
    if not email:
        return []
    if len(email) > EMAIL_MAX_LENGTH:
        return [f"An e-mail address has at most {EMAIL_MAX_LENGTH} characters."]
    try:
        validate_email(email)
    except ValidationError as error:
        return list(error.messages)
    return []
