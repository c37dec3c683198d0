"""Erasing a user's diary: every episode and check-in, tombstones included."""

from django.contrib.auth.models import User
from django.db import transaction

from diary.changes import diary_changed
from diary.models import CheckIn, Episode


@transaction.atomic
def diary_erase(*, user: User) -> None:
    """Delete all of the user's episodes (with their locations and codes) and check-ins for
    good, leaving no tombstone: erased data must not come back in a sync pull or an export.
    The account and profile stay, and change numbers keep growing from where they were, so a
    cursor held by a phone never points back into a new diary. Analyses are told at commit."""
    Episode.objects.filter(user=user).delete()
    CheckIn.objects.filter(user=user).delete()
    diary_changed(user.pk)
