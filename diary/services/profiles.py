"""Writing the user's diary profile: the time zone and the clinical profile (the name and date
of birth the person's own reports may show, the onset of the twitching, the family history)."""

from datetime import date
from enum import Enum

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from diary.changes import diary_changed
from diary.models import EARLIEST_DATE, MAX_DISPLAY_NAME_LENGTH, MAX_NOTES_LENGTH, Profile, validate_time_zone

from .records import FieldErrors, _storable, check_version, lock_profile


class Keep(Enum):
    """A field left out of a partial edit: what is stored stays (None would clear a date)."""

    KEEP = "keep"


KEEP = Keep.KEEP
CLINICAL_FIELDS = ("display_name", "date_of_birth", "twitching_since", "family_history")


@transaction.atomic
def profile_update(
    *,
    user: User,
    time_zone: str | Keep = KEEP,
    display_name: str | Keep = KEEP,
    date_of_birth: date | Keep | None = KEEP,
    twitching_since: date | Keep | None = KEEP,
    family_history: str | Keep = KEEP,
    expected_version: int | None = None,
) -> Profile:
    """Change any of the profile's fields (those left at KEEP stay). Validates the profile as it
    would be after the edit (an onset against a stored date of birth too) and writes nothing
    when any field is wrong: a ValidationError names each one. An edit based on another version
    than the stored one (`expected_version`) raises StaleVersion; one that changes nothing
    keeps the version."""
    _check_time_zone(time_zone)
    profile = lock_profile(user)
    check_version(current=profile.version, expected=expected_version)
    changes = {
        name: value
        for name, value in {
            "time_zone": time_zone,
            "display_name": display_name.strip() if isinstance(display_name, str) else display_name,
            "date_of_birth": date_of_birth,
            "twitching_since": twitching_since,
            "family_history": family_history,
        }.items()
        if value is not KEEP and value != getattr(profile, name)
    }
    if not changes:
        return profile
    for name, value in changes.items():
        setattr(profile, name, value)
    clinical_errors(profile).raise_if_any()
    profile.updated_at = timezone.now()
    profile.version += 1
    profile.save(update_fields=[*changes, "updated_at", "version"])
    if "time_zone" in changes:
        diary_changed(profile.pk)  # local times and dates move with the zone
    return profile


def _check_time_zone(time_zone: str | Keep) -> None:
    if time_zone is not KEEP:
        try:
            validate_time_zone(time_zone)
        except ValidationError as error:
            raise ValidationError({"time_zone": error.messages}) from None


def clinical_errors(profile: Profile) -> FieldErrors:
    """What is wrong with the profile's clinical fields (nothing is required). "The future" is
    after the person's own today, in the profile's time zone."""
    errors = FieldErrors()
    if len(profile.display_name) > MAX_DISPLAY_NAME_LENGTH:
        errors.add("display_name", f"Keep the name to {MAX_DISPLAY_NAME_LENGTH} characters or fewer.")
    elif any(not char.isprintable() for char in profile.display_name):
        errors.add("display_name", "Write the name on one line, without control characters.")
    if not _storable(profile.family_history):  # an import does not pass through the API's fields
        errors.add("family_history", "Must be text without NUL characters or lone surrogates.")
    elif len(profile.family_history) > MAX_NOTES_LENGTH:
        errors.add("family_history", f"Keep the family history to {MAX_NOTES_LENGTH} characters or fewer.")
    today = profile.local_today()
    for field, what in (("date_of_birth", "The date of birth"), ("twitching_since", "The onset")):
        day = getattr(profile, field)
        if day is not None and day > today:
            errors.add(field, f"{what} cannot be in the future (today is {today.isoformat()}).")
        elif day is not None and day < EARLIEST_DATE:
            errors.add(field, f"{what} cannot be before {EARLIEST_DATE.isoformat()}.")
    born, since = profile.date_of_birth, profile.twitching_since
    if born is not None and since is not None and since < born and "twitching_since" not in errors.errors:
        errors.add("twitching_since", "The twitching cannot have started before the date of birth.")
    return errors
