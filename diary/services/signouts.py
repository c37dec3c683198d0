"""Signing an account out everywhere once its password changes: a new password is the owner's way
to shut out whoever knew the old one, so no token or session made with it may outlive it.

Whatever sets the password (the settings page, a reset link, the admin, `manage.py
changepassword`, a shell), Django calls `password_changed` on each of AUTH_PASSWORD_VALIDATORS
once the new one is saved: SignOutOnPasswordChange, listed there, is how every path signs out."""

from typing import Any

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction

from diary.models import DeviceToken


@transaction.atomic
def account_sign_out_elsewhere(*, user: User) -> None:
    """Revoke every device token of `user` (the phone app signs in again) and end every browser
    session of theirs. Django would refuse the sessions at their next request anyway (their
    session hash no longer matches); deleting them means nothing signed in with the old password
    is left behind."""
    DeviceToken.objects.filter(user=user).delete()
    sessions_end(user=user)


def sessions_end(*, user: User) -> None:
    """End every browser session of `user`: here, and when an account is erased
    (tracker.account.services). A session holds the user's id inside its encoded data, so each
    one is read; a site's sessions are few and clearsessions drops the expired ones."""
    theirs = [
        session.pk
        for session in Session.objects.iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=theirs).delete()


class SignOutOnPasswordChange:
    """Listed in AUTH_PASSWORD_VALIDATORS for its `password_changed` hook, not as a rule: it
    refuses no password. Django does not call the hook for a hash upgraded at sign-in (not a
    change). A session that saves a new password of its own stays signed in: Django moves it to
    a new key afterwards (update_session_auth_hash)."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        if user.last_login is None:  # never signed in: no session to look for, maybe a token
            DeviceToken.objects.filter(user=user).delete()
        else:
            account_sign_out_elsewhere(user=user)

    def get_help_text(self) -> str:
        return "A new password signs the account out of every other browser and phone."
