"""Writing the user's diary profile."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from diary.changes import diary_changed
from diary.models import Profile, validate_time_zone

from .records import lock_profile


@transaction.atomic
def profile_update(*, user: User, time_zone: str) -> Profile:
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        raise ValidationError({"time_zone": error.messages}) from None
    profile = lock_profile(user)
    if profile.time_zone != time_zone:
        profile.time_zone = time_zone
        profile.updated_at = timezone.now()
        profile.save(update_fields=["time_zone", "updated_at"])
        diary_changed(profile.pk)  # local times and dates move with the zone
    return profile
