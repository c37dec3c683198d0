"""Erasing a user's diary: every episode, check-in, treatment, investigation and function check,
tombstones included."""

from django.contrib.auth.models import User
from django.db import transaction

from diary.changes import diary_changed
from diary.models import CheckIn, Episode, EpisodeLocation, FunctionCheck, Investigation, Treatment


@transaction.atomic
def diary_erase(*, user: User) -> None:
    """Delete all of the user's episodes (with their locations and codes), check-ins,
    treatments, investigations and function checks for good, leaving no tombstone: erased data
    must not come back in a sync pull or an export. The account and profile stay, and change
    numbers keep growing from where they were, so a cursor held by a phone never points back
    into a new diary. Analyses are told at commit."""
    Episode.objects.filter(user=user).delete()
    _delete_the_rest(user)
    diary_changed(user.pk)


@transaction.atomic(savepoint=False)
def diary_erase_quietly(*, user: User) -> None:
    """Delete all of the user's diary rows for good, as diary_erase does, but tell no one: for
    the erasure of the whole account (tracker.account.services.account_erase), where the user
    goes next and an analysis asked for them would find nobody. Inside that caller's
    transaction (without a savepoint of its own: nothing here is rolled back alone).

    The child rows go in one statement each, before their episodes: deleting the episodes (or
    the user) first would make Django read every episode into memory to find them."""
    EpisodeLocation.objects.filter(episode__user=user).delete()
    Episode.triggers.through.objects.filter(episode__user=user).delete()
    Episode.symptoms.through.objects.filter(episode__user=user).delete()
    Episode.objects.filter(user=user).delete()
    _delete_the_rest(user)


def _delete_the_rest(user: User) -> None:
    """The records without child rows: one statement each."""
    for model in (CheckIn, Treatment, Investigation, FunctionCheck):
        model.objects.filter(user=user).delete()
