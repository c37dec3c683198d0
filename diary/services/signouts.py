"""Signing an account out everywhere once its password changes: a new password is the owner's way
to shut out whoever knew the old one, so no token or session made with it may outlive it."""

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction

from diary.models import DeviceToken


@transaction.atomic
def account_sign_out_elsewhere(*, user: User, keep_session_key: str | None = None) -> None:
    """Revoke every device token of `user` (the phone app signs in again) and end every browser
    session of theirs but `keep_session_key` (the one that changed the password, when it did).
    Django would refuse the other sessions at their next request anyway (their session hash no
    longer matches); deleting them means nothing signed in with the old password is left behind."""
    DeviceToken.objects.filter(user=user).delete()
    sessions_end(user=user, keep_session_key=keep_session_key)


def sessions_end(*, user: User, keep_session_key: str | None = None) -> None:
    """End every browser session of `user` but `keep_session_key`: here, and when an account is
    erased (tracker.account.services). A session holds the user's id inside its encoded data, so
    each one is read; a site's sessions are few and clearsessions drops the expired ones."""
    theirs = [
        session.pk
        for session in Session.objects.exclude(session_key=keep_session_key or "").iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=theirs).delete()
