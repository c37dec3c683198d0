"""Creating accounts."""

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from diary.models import Profile, validate_time_zone

from .records import FieldErrors

TAKEN = "This user name is taken."


@transaction.atomic
def account_register(*, username: str, password: str, time_zone: str = "UTC") -> User:
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
    errors.raise_if_any()
    try:
        with transaction.atomic():  # a savepoint: the race below must not spoil the transaction
            user = User.objects.create_user(username=username, password=password)
    except IntegrityError:
        # The same name (in any case) was taken between the check above and this insert; the
        # database's case-insensitive unique index (diary migration 0005) caught it.
        raise ValidationError({"username": [TAKEN]}) from None
    Profile.objects.create(user=user, time_zone=time_zone)
    return user
