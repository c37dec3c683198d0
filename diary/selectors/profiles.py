"""Reads of the user's profile that other apps need: the user's today."""

from datetime import date

from django.utils import timezone

from diary.models import Profile


def user_today(user_id: int) -> date:
    profile = Profile.objects.filter(pk=user_id).first()
    return profile.local_today() if profile else timezone.now().date()
