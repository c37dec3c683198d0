"""Reference data: what the sources say about body regions, triggers, symptoms and conditions.

Nothing here is per-user. The content is loaded from `conditions/data/reference.json` by a
migration and by `manage.py load_reference`; the admin can edit it afterwards.
"""

import uuid

from django.db import models
from django.db.models import Q


class TwitchPattern(models.TextChoices):
    """How a twitch behaves. Episodes record one; condition features may name one."""

    SINGLE_TWITCH = "single_twitch", "Single twitch"
    INTERMITTENT_BURSTS = "intermittent_bursts", "Intermittent bursts"
    CONTINUOUS_RIPPLING = "continuous_rippling", "Continuous rippling"
    CRAMP_LIKE = "cramp_like", "Cramp-like"


class RegionGroup(models.TextChoices):
    FACE = "face", "Face"
    HEAD_NECK = "head_neck", "Head and neck"
    ARM = "arm", "Arm"
    TRUNK = "trunk", "Trunk"
    LEG = "leg", "Leg"


class BodyRegion(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    group = models.CharField(max_length=20, choices=RegionGroup.choices)
    # Sided regions are logged as left, right or both; the others only as midline.
    has_sides = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Trigger(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Symptom(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    # A red-flag symptom always raises a "see a doctor soon" notice, with this advice.
    red_flag = models.BooleanField(default=False)
    advice = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(red_flag=False) | ~Q(advice=""),
                name="symptom_red_flag_has_advice",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ConditionCategory(models.TextChoices):
    AUTOIMMUNE = "autoimmune", "Autoimmune"
    MOTOR_NEURON = "motor_neuron", "Motor neuron disease"
    CENTRAL_NERVOUS_SYSTEM = "central_nervous_system", "Brain and spinal cord"
    PERIPHERAL_NERVE = "peripheral_nerve", "Nerve damage"
    TOXIC_METABOLIC = "toxic_metabolic", "Toxic or metabolic"
    ENDOCRINE = "endocrine", "Hormonal"
    MEDICATION = "medication", "Medication"
    BENIGN = "benign", "Benign"


class Condition(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=30, choices=ConditionCategory.choices)
    summary = models.TextField()
    investigation = models.TextField(blank=True)
    treatment = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.name


class FeatureKind(models.TextChoices):
    REGION = "region", "Body region"
    SYMPTOM = "symptom", "Symptom"
    TRIGGER = "trigger", "Trigger"
    PATTERN = "pattern", "Twitch pattern"


class FeatureRole(models.TextChoices):
    # Only what the sources describe as characteristic of a condition counts towards listing it
    # beside a diary (tracker.analysis.reference_match); supporting features are context.
    TYPICAL = "typical", "Characteristic"
    SUPPORTING = "supporting", "Supporting"
    AGAINST = "against", "Speaks against"


class ConditionFeature(models.Model):
    """One feature the sources describe for a condition: exactly one of region, symptom,
    trigger or pattern is set, matching `kind`."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="features")
    kind = models.CharField(max_length=10, choices=FeatureKind.choices)
    role = models.CharField(max_length=10, choices=FeatureRole.choices)
    region = models.ForeignKey(BodyRegion, null=True, blank=True, on_delete=models.PROTECT)
    symptom = models.ForeignKey(Symptom, null=True, blank=True, on_delete=models.PROTECT)
    trigger = models.ForeignKey(Trigger, null=True, blank=True, on_delete=models.PROTECT)
    pattern = models.CharField(max_length=20, choices=TwitchPattern.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["condition", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="region", region__isnull=False, symptom=None, trigger=None, pattern="")
                    | Q(kind="symptom", symptom__isnull=False, region=None, trigger=None, pattern="")
                    | Q(kind="trigger", trigger__isnull=False, region=None, symptom=None, pattern="")
                    | (Q(kind="pattern", region=None, symptom=None, trigger=None) & ~Q(pattern=""))
                ),
                name="condition_feature_one_target_matching_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition.slug}: {self.kind} {self.code} ({self.role})"

    @property
    def code(self) -> str:
        """The code of whatever this feature points at (a region, symptom, trigger or pattern)."""
        if self.kind == FeatureKind.REGION and self.region is not None:
            return self.region.code
        if self.kind == FeatureKind.SYMPTOM and self.symptom is not None:
            return self.symptom.code
        if self.kind == FeatureKind.TRIGGER and self.trigger is not None:
            return self.trigger.code
        return self.pattern


class ConditionSource(models.Model):
    """A citation: which seed document supports what about a condition."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="sources")
    seed = models.CharField(max_length=120, help_text="File name in shared/seeds/.")
    title = models.CharField(max_length=200, blank=True, help_text="The document's title, as readers cite it.")
    supports = models.CharField(max_length=500)

    class Meta:
        ordering = ["condition", "seed", "id"]

    def __str__(self) -> str:
        return f"{self.condition.slug} <- {self.seed}"


class ReferenceVersion(models.Model):
    """The version (content hash) of the reference data in the database, stored so that a
    reader gets it in one query instead of hashing a dump of every table. One row.

    Any change to a reference table, however made, empties `version` and raises `generation`
    (database triggers, migration 0004), in the changing transaction; the writer (the admin's
    save, `load_reference`) then stores the new version at once, and otherwise the next reader
    hashes the tables and stores it, but only if `generation` is still the one it read: a
    change that lands while it hashes wins, and the reader after it hashes again."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.CharField(max_length=32, blank=True, help_text="Empty: changed since, not hashed yet.")
    generation = models.PositiveBigIntegerField(default=0, help_text="Raised by every change of the tables.")
    # New at every store: with the version, the key of a process's cache of reference rows. The
    # version alone would not do for rows: it hashes the content, which stays the same when the
    # rows are deleted and loaded again with new ids (a flushed test database).
    stored_as = models.UUIDField(default=uuid.uuid4)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="reference_version_single_row")]

    def __str__(self) -> str:
        return f"Reference data version {self.version or '(not hashed yet)'}"
