"""Reads of a user's profile that other apps need: the user's today, the profile beside the
account, and the change number (`Profile.last_change_seq`) that tells whether anything was
written since a reader last looked (tracker's analyses keep it as their watermark)."""

from datetime import date

from django.contrib.auth.models import User
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from diary.models import Profile
from diary.selectors import user_id_zone


def user_today(user_id: int) -> date:
    """Today in the user's time zone (UTC until the profile says otherwise: profile_zone). One
    query."""
    return timezone.now().astimezone(user_id_zone(user_id)).date()


def user_with_profile(*, user_id: int) -> tuple[User, Profile | None]:
    """The account and its profile (None before the first write) in one query."""
    user = User.objects.select_related("diary_profile").get(pk=user_id)
    return user, getattr(user, "diary_profile", None)


def profile_get(*, user_id: int) -> Profile | None:
    """The user's profile, whole, or None before the first write."""
    return Profile.objects.filter(pk=user_id).first()


def profile_brief(*, user_id: int) -> Profile | None:
    """The user's profile with its time zone and change number only (any other field read from
    it is one more query), or None before the first write."""
    return Profile.objects.filter(pk=user_id).only("time_zone", "last_change_seq").first()


def change_seq(*, user_id: int) -> int:
    """The user's change number: 0 for a diary never written to (or no profile yet)."""
    return Profile.objects.filter(pk=user_id).values_list("last_change_seq", flat=True).first() or 0


def change_seq_of(user_id: OuterRef) -> Coalesce:
    """The change number of the user `user_id` names in an outer query, as a subquery (0 without
    a profile): to annotate rows of another app's table with it."""
    return Coalesce(Subquery(Profile.objects.filter(pk=user_id).values("last_change_seq")[:1]), 0)


def change_seq_through(user: str) -> Coalesce:
    """The change number of the user that the relation `user` leads to, as a join (0 without a
    profile): to annotate or filter rows of another app's table that point to a user."""
    return Coalesce(F(f"{user}__diary_profile__last_change_seq"), 0)


def profiles_with_diary() -> QuerySet[Profile]:
    """The profiles of the users who have written to their diary (their change number is above 0)."""
    return Profile.objects.filter(last_change_seq__gt=0)
