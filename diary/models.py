"""What a user records: episodes of twitching, daily check-ins, weekly function checks, what was
tried (treatments) and the tests done (investigations), and the user's profile.

Rows are written only through `diary.services`. The database enforces the bounds too (check
and unique constraints), so a write that slips past a service still cannot store nonsense.

Sync ordering: every write of a user's records takes the next number from that user's
`Profile.last_change_seq` while holding the profile row lock, and stamps it on the record as
`change_seq`. Per user, writes are serialised by that lock, so the numbers grow in commit order
and "everything after cursor N" never misses a record committed late. The phone's clock is
never involved.

Over 400 lines: every model of the diary app lives here, as Django finds them, and the records
share the bookkeeping (SyncedRecord, LiveManager) and the bounds declared at the top.
"""

import uuid
from datetime import date, datetime, timedelta
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from knox.models import AbstractAuthToken

from conditions.models import BodyRegion, Symptom, Trigger, TwitchPattern

# Every date the diary takes (check-ins, filters, ranges) lies within these: nobody logs
# twitching before 1900, and no sane range reaches past 2100. Date arithmetic near Python's
# date.min or date.max would overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MAX_DURATION_SECONDS = 7 * 24 * 3600
MAX_NOTES_LENGTH = 2000
# The clinical profile's name as a report would print it: a name, not a paragraph.
MAX_DISPLAY_NAME_LENGTH = 100
# Real UTC offsets run from -12:00 to +14:00.
MIN_UTC_OFFSET_MINUTES = -12 * 60
MAX_UTC_OFFSET_MINUTES = 14 * 60
# Inclusive bounds of the daily check-in's measures; services and constraints both use them.
CHECKIN_BOUNDS: dict[str, tuple[float, float]] = {
    "caffeine_cups": (0, 30),
    "sleep_hours": (0, 24),
    "stress": (0, 10),
    "exercise_minutes": (0, 24 * 60),
    "alcohol_units": (0, 50),
}

# Lets a CheckConstraint bound a text's length: Q(notes__length__lte=N).
models.TextField.register_lookup(Length)


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


# Where every user is until they choose a zone: a new profile starts there, and a user with no
# profile yet (one is made at their first write) is taken to be there (profile_zone).
DEFAULT_TIME_ZONE = "UTC"


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(f"{value!r} is not an IANA time zone name, such as 'Europe/Paris'.")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="diary_profile"
    )
    time_zone = models.CharField(max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone])
    # The clinical profile (for the person's own reports and share pages): all optional, blank
    # or null until the person says. Dates are not in the future either: the service checks that.
    display_name = models.CharField(max_length=MAX_DISPLAY_NAME_LENGTH, blank=True, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    twitching_since = models.DateField(null=True, blank=True, help_text="The onset, which may predate the diary.")
    family_history = models.TextField(blank=True, default="", max_length=MAX_NOTES_LENGTH)
    last_change_seq = models.PositiveBigIntegerField(default=0, editable=False)
    # Raised by every edit of the fields above, so that two devices editing the profile see
    # each other (If-Match), as they do for records.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        # Granted explicitly, on top of a model's own permissions, to let a staff member read
        # users' diaries in the admin (superusers hold it implicitly): see diary/admin.py.
        permissions = [("view_health_data", "Can see users' diary data in the admin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(date_of_birth__gte=EARLIEST_DATE),
                name="profile_date_of_birth_range",
            ),
            models.CheckConstraint(
                condition=Q(twitching_since__isnull=True) | Q(twitching_since__gte=EARLIEST_DATE),
                name="profile_twitching_since_range",
            ),
            models.CheckConstraint(
                condition=Q(twitching_since__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(twitching_since__gte=models.F("date_of_birth")),
                name="profile_twitching_since_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(family_history__length__lte=MAX_NOTES_LENGTH), name="profile_family_history_length"
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_today(self) -> date:
        return timezone.now().astimezone(self.zone).date()


def profile_zone(profile: Profile | None) -> ZoneInfo:
    """The time zone of the user whose profile this is, or of a user with no profile yet: UTC.
    The one place for that rule, for a caller that has read the profile (or found none) along
    with what else it needed; diary.selectors.user_zone reads it for one that has not."""
    return profile.zone if profile is not None else ZoneInfo(DEFAULT_TIME_ZONE)


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both sides"
    MIDLINE = "midline", "Midline"


class EpisodeSource(models.TextChoices):
    MOBILE = "mobile", "Mobile app"
    WEB = "web", "Web"
    IMPORT = "import", "Import"


class SyncedRecord(models.Model):
    """Fields every record a client can create carries (see DESIGN.md, "Data")."""

    # Clients may generate the id themselves, so that an offline phone can refer to a record
    # before the server has seen it, and a retried create is recognised as the same record.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    change_seq = models.PositiveBigIntegerField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


_Record = TypeVar("_Record", bound=SyncedRecord)


class LiveManager(models.Manager[_Record]):
    """Hides tombstones: deleted rows show up only in sync pulls and the user's own export."""

    def get_queryset(self) -> models.QuerySet[_Record]:
        return super().get_queryset().filter(deleted_at=None)


class Episode(SyncedRecord):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="episodes")
    started_at = models.DateTimeField()
    # The offset the user's clock had when the episode started, so that "time of day" and
    # "which day" stay the user's own even after travel or a DST change.
    utc_offset_minutes = models.SmallIntegerField()
    # Still going: no duration until it ends (never a made-up one). Ending it stores the
    # duration and clears `ongoing`; the constraints below hold the two together.
    ongoing = models.BooleanField(default=False)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    intensity = models.PositiveSmallIntegerField()
    # None: the person did not say (nothing is recorded that the person did not choose). Null,
    # not "": the contract sends null, and a blank pattern would be a second way to say it.
    pattern = models.CharField(max_length=20, choices=TwitchPattern.choices, null=True, blank=True)  # noqa: DJ001
    triggers = models.ManyToManyField(Trigger, blank=True, related_name="+")
    symptoms = models.ManyToManyField(Symptom, blank=True, related_name="+")
    notes = models.TextField(blank=True, max_length=MAX_NOTES_LENGTH)
    source = models.CharField(max_length=10, choices=EpisodeSource.choices, default=EpisodeSource.WEB)

    objects = models.Manager["Episode"]()
    live = LiveManager["Episode"]()

    class Meta:
        ordering = ["-started_at", "id"]
        indexes = [
            # A page of a user's live episodes, newest first, in exactly the order the list uses
            # (ties broken by id), so the database reads one page and never sorts the history.
            models.Index(
                fields=["user", "-started_at", "-id"], name="episode_user_live_started", condition=Q(deleted_at=None)
            ),
            # The user's episodes still going (the logging page offers to end them): a handful
            # of rows, found without walking the whole history.
            models.Index(
                fields=["user", "-started_at"],
                name="episode_user_ongoing",
                condition=Q(ongoing=True, deleted_at=None),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "change_seq"], name="episode_user_change_seq"),
            models.CheckConstraint(
                condition=Q(ongoing=True, duration_seconds__isnull=True)
                | Q(ongoing=False, duration_seconds__isnull=False),
                name="episode_duration_unless_ongoing",
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__isnull=True)
                | Q(duration_seconds__gt=0, duration_seconds__lte=MAX_DURATION_SECONDS),
                name="episode_duration_range",
            ),
            models.CheckConstraint(condition=Q(intensity__gte=1, intensity__lte=10), name="episode_intensity_range"),
            models.CheckConstraint(
                condition=Q(
                    utc_offset_minutes__gte=MIN_UTC_OFFSET_MINUTES, utc_offset_minutes__lte=MAX_UTC_OFFSET_MINUTES
                ),
                name="episode_utc_offset_range",
            ),
            models.CheckConstraint(
                condition=Q(pattern__isnull=True) | Q(pattern__in=TwitchPattern.values), name="episode_pattern_valid"
            ),
            models.CheckConstraint(condition=Q(source__in=EpisodeSource.values), name="episode_source_valid"),
            models.CheckConstraint(condition=Q(notes__length__lte=MAX_NOTES_LENGTH), name="episode_notes_length"),
            models.CheckConstraint(condition=Q(version__gte=1), name="episode_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Episode {self.id} at {self.started_at:%Y-%m-%d %H:%M} UTC"

    @property
    def local_started_at(self) -> datetime:
        """The start on the user's clock at the time, as an aware datetime with that offset."""
        offset = timezone.get_fixed_timezone(self.utc_offset_minutes)
        return self.started_at.astimezone(offset)

    @property
    def local_date(self) -> date:
        return self.local_started_at.date()

    @property
    def ended_at(self) -> datetime | None:
        """None while it is still going."""
        if self.duration_seconds is None:
            return None
        return self.started_at + timedelta(seconds=self.duration_seconds)


class EpisodeLocation(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="locations")
    region = models.ForeignKey(BodyRegion, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "region"], name="episode_location_region_once"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="episode_location_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} ({self.side})"


class CheckIn(SyncedRecord):
    """One per user and local date. Every measure is optional: empty means "not recorded",
    which the analysis must not read as zero."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField(help_text="The user's local date.")
    caffeine_cups = models.PositiveSmallIntegerField(null=True, blank=True)
    sleep_hours = models.FloatField(null=True, blank=True)
    stress = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 (none) to 10 (extreme).")
    exercise_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    alcohol_units = models.FloatField(null=True, blank=True)
    twitching_today = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=MAX_NOTES_LENGTH)

    objects = models.Manager["CheckIn"]()
    live = LiveManager["CheckIn"]()

    class Meta:
        ordering = ["-date"]
        constraints = [
            # Deleting a check-in leaves a tombstone on the same row; a later upsert for that
            # date revives it, so one row per date holds even across deletes.
            models.UniqueConstraint(fields=["user", "date"], name="checkin_one_per_user_date"),
            models.UniqueConstraint(fields=["user", "change_seq"], name="checkin_user_change_seq"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=f"checkin_{field}_range"
                )
                for field, (low, high) in CHECKIN_BOUNDS.items()
            ),
            models.CheckConstraint(condition=Q(notes__length__lte=MAX_NOTES_LENGTH), name="checkin_notes_length"),
            models.CheckConstraint(condition=Q(version__gte=1), name="checkin_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.date}"


# A treatment's or a test's name, as a person would write it ("magnesium", "EMG of both legs").
MAX_NAME_LENGTH = 200
# A dose as the person says it ("200 mg at night").
MAX_DOSE_LENGTH = 200


class TreatmentKind(models.TextChoices):
    MEDICATION = "medication", "Medication"
    SUPPLEMENT = "supplement", "Supplement"
    LIFESTYLE = "lifestyle", "Lifestyle change"
    THERAPY = "therapy", "Therapy"
    OTHER = "other", "Other"


class Treatment(SyncedRecord):
    """Something the person tried: from `started_on`, until `stopped_on` (empty while it goes on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="treatments")
    name = models.CharField(max_length=MAX_NAME_LENGTH)
    kind = models.CharField(max_length=12, choices=TreatmentKind.choices)
    dose = models.CharField(max_length=MAX_DOSE_LENGTH, blank=True)
    started_on = models.DateField(help_text="The user's local date.")
    stopped_on = models.DateField(null=True, blank=True, help_text="Empty while it goes on.")
    notes = models.TextField(blank=True, max_length=MAX_NOTES_LENGTH)

    objects = models.Manager["Treatment"]()
    live = LiveManager["Treatment"]()

    class Meta:
        ordering = ["-started_on", "id"]
        indexes = [
            models.Index(fields=["user", "-started_on"], name="treatment_user_live", condition=Q(deleted_at=None))
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "change_seq"], name="treatment_user_change_seq"),
            models.CheckConstraint(condition=Q(kind__in=TreatmentKind.values), name="treatment_kind_valid"),
            models.CheckConstraint(condition=Q(started_on__gte=EARLIEST_DATE), name="treatment_started_on_range"),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=models.F("started_on")),
                name="treatment_stopped_after_started",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="treatment_name_not_empty"),
            models.CheckConstraint(condition=Q(notes__length__lte=MAX_NOTES_LENGTH), name="treatment_notes_length"),
            models.CheckConstraint(condition=Q(version__gte=1), name="treatment_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} from {self.started_on}"


class InvestigationKind(models.TextChoices):
    EMG = "emg", "EMG"
    NERVE_CONDUCTION = "nerve_conduction", "Nerve conduction study"
    BLOOD = "blood", "Blood test"
    MRI = "mri", "MRI"
    OTHER = "other", "Other"


class Investigation(SyncedRecord):
    """A test already done, with its result in the person's own words (or the letter's)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="investigations")
    name = models.CharField(max_length=MAX_NAME_LENGTH)
    kind = models.CharField(max_length=20, choices=InvestigationKind.choices)
    done_on = models.DateField(help_text="The user's local date.")
    result = models.TextField(blank=True, max_length=MAX_NOTES_LENGTH)
    notes = models.TextField(blank=True, max_length=MAX_NOTES_LENGTH)

    objects = models.Manager["Investigation"]()
    live = LiveManager["Investigation"]()

    class Meta:
        ordering = ["-done_on", "id"]
        indexes = [
            models.Index(fields=["user", "-done_on"], name="investigation_user_live", condition=Q(deleted_at=None))
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "change_seq"], name="investigation_user_change_seq"),
            models.CheckConstraint(condition=Q(kind__in=InvestigationKind.values), name="investigation_kind_valid"),
            models.CheckConstraint(condition=Q(done_on__gte=EARLIEST_DATE), name="investigation_done_on_range"),
            models.CheckConstraint(condition=~Q(name=""), name="investigation_name_not_empty"),
            models.CheckConstraint(
                condition=Q(result__length__lte=MAX_NOTES_LENGTH), name="investigation_result_length"
            ),
            models.CheckConstraint(condition=Q(notes__length__lte=MAX_NOTES_LENGTH), name="investigation_notes_length"),
            models.CheckConstraint(condition=Q(version__gte=1), name="investigation_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.done_on}"


class Limb(models.TextChoices):
    ARM = "arm", "Arm"
    LEG = "leg", "Leg"
    HAND = "hand", "Hand"
    FACE = "face", "Face"


class FunctionCheck(SyncedRecord):
    """The weekly function check, one per user and local date (see diary.plain.FUNCTION_SIGNS).
    Each sign is True (yes), False (no: information too) or empty (not answered)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="function_checks")
    date = models.DateField(help_text="The user's local date.")
    weakness = models.BooleanField(null=True, blank=True)
    # Where the weakness is: a list of {"limb": Limb, "side": Side}; empty unless weakness is yes.
    weakness_where = models.JSONField(default=list, blank=True)
    wasting = models.BooleanField(null=True, blank=True, help_text="Muscles looking thinner.")
    swallowing = models.BooleanField(null=True, blank=True)
    speech = models.BooleanField(null=True, blank=True)
    breathing = models.BooleanField(null=True, blank=True)
    balance = models.BooleanField(null=True, blank=True)
    numbness_tingling = models.BooleanField(null=True, blank=True)
    vision_hearing = models.BooleanField(null=True, blank=True)
    cramps = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=MAX_NOTES_LENGTH)

    objects = models.Manager["FunctionCheck"]()
    live = LiveManager["FunctionCheck"]()

    class Meta:
        ordering = ["-date"]
        constraints = [
            # As for check-ins: a delete leaves a tombstone on the same row, which an upsert revives.
            models.UniqueConstraint(fields=["user", "date"], name="function_check_one_per_user_date"),
            models.UniqueConstraint(fields=["user", "change_seq"], name="function_check_user_change_seq"),
            models.CheckConstraint(condition=Q(date__gte=EARLIEST_DATE), name="function_check_date_range"),
            models.CheckConstraint(
                condition=Q(notes__length__lte=MAX_NOTES_LENGTH), name="function_check_notes_length"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="function_check_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Function check {self.date}"


class DeviceToken(AbstractAuthToken):
    """A phone's API token (django-rest-knox): stored as a hash, expiring, revocable one by one.
    The device name tells the user which phone a token belongs to."""

    device_name: "models.CharField[str, str]" = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.device_name} ({self.user})"
