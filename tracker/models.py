"""What is computed from the diary: stored analysis summaries and the queue that feeds them.

A summary is stale when the user's diary has changed since (its `watermark`, the user's change
number when the analysis read the diary, is below Profile.last_change_seq) or when the
reference data it used has changed; both are derived, never stored as a flag.
"""

import uuid
from datetime import datetime
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from tracker.analysis.aggregates import ChartAggregates
from tracker.analysis.findings import Findings

ALL_TIME = "all"


class AnalysisRequest(models.Model):
    """One row per user and range. `requested_at` set means an analysis is wanted; setting it
    with a conditional UPDATE is what coalesces a burst of writes into one run, and clearing
    it is how a task claims the work. After a failed run the request stays wanted, but the
    sweep waits until `retry_at` (longer after each failure in a row) to send it again.

    A date range's request is also what keeps the range: its summary is refreshed while the
    request exists, and dropped with it (tracker.summaries.services.ranges_evict)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    range_key = models.CharField(max_length=32, default=ALL_TIME)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0, help_text="Failed runs in a row; a run that succeeds resets it.")
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="After a failure, not sent again before this (a diary write still is)."
    )
    last_read_at = models.DateTimeField(
        null=True, blank=True, help_text="A date range's last read: a user keeps only the most recently read ranges."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "range_key"], name="analysis_request_once")]
        indexes = [models.Index(fields=["requested_at"], name="analysis_request_pending")]

    def __str__(self) -> str:
        return f"Analysis request {self.user_id}/{self.range_key}"

    def is_backed_off(self, now: datetime) -> bool:
        return self.retry_at is not None and self.retry_at > now


class Summary(models.Model):
    """The latest analysis of a user's diary over one range (all time by default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summaries")
    range_key = models.CharField(max_length=32, default=ALL_TIME)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    result = models.JSONField()
    reference_version = models.CharField(max_length=32)
    analysis_version = models.PositiveSmallIntegerField(
        default=1, help_text="tracker.analysis.summary.ANALYSIS_VERSION when it was computed."
    )
    watermark = models.PositiveBigIntegerField(help_text="The user's change number the analysis saw.")
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    charts = models.JSONField(
        default=dict,
        blank=True,
        help_text="The charts' small counts (tracker.analysis.aggregates), stored with the analysis for the dashboard.",
    )

    class Meta:
        verbose_name_plural = "summaries"
        constraints = [models.UniqueConstraint(fields=["user", "range_key"], name="summary_once_per_range")]

    def __str__(self) -> str:
        return f"Summary {self.user_id}/{self.range_key} at {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def findings(self) -> Findings:
        """The stored result as the findings `analyse()` returned: the one cast of this JSON.
        `result` is only ever written from `analyse()`, whose output (fresh and read back from
        the database) tests/tracker/analysis/test_findings.py checks against these types."""
        return cast(Findings, self.result)

    @property
    def chart_aggregates(self) -> ChartAggregates | None:
        """The stored counts, or None from a summary stored before they were (its analysis
        version is older: it reads as stale and is computed again)."""
        return cast(ChartAggregates, self.charts) if self.charts else None


class AnalysisRun(models.Model):
    """One row per analysis actually run: how long, what it saw, how it ended."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        STORED = "stored", "Stored"
        SUPERSEDED = "superseded", "Superseded by a newer run"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    range_key = models.CharField(max_length=32, default=ALL_TIME)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    watermark = models.PositiveBigIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    episodes = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    # What failed and where in the project's code: never the exception's message, which for a
    # database error echoes the row (the summary's JSON, diary values).
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="analysis_run_user_started")]

    def __str__(self) -> str:
        return f"Run {self.user_id}/{self.range_key} {self.outcome}"


# Reports and share links (tracker/reports/, tracker/shares/services.py)

REPORT_FORMATS = ("pdf", "csv", "json", "fhir")


class Report(models.Model):
    """A report file built in the background for one user and date range. A build claims the
    row with a conditional UPDATE (queued -> running), writes the file under a fresh name, and
    only then marks the row ready with the file's name, size and SHA-256, so a build killed
    halfway never leaves a half file marked ready. The row and its file go when it expires."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        FHIR = "fhir", "FHIR R4 Bundle"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    format = models.CharField(max_length=8, choices=Format.choices)
    date_from = models.DateField()
    date_to = models.DateField()
    include_notes = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    reason = models.TextField(blank=True, help_text="Why the build failed, in words a person can act on.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Builds started, retries included.")
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="When its build task was last sent.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The build holding the claim stamps this every few seconds; a claim whose heartbeat is older
    # than REPORTS_LEASE_SECONDS belongs to a dead worker, and another build may take it over.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    file_name = models.CharField(
        max_length=255, blank=True, help_text="Its name in the reports storage (while running: the one being written)."
    )
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="report_user_created"),
            models.Index(fields=["expires_at"], name="report_expires"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=REPORT_FORMATS), name="report_format_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_range"),
            models.CheckConstraint(condition=Q(date_from__lte=F("date_to")), name="report_range_ordered"),
            # Ready means a whole file is there: its name, size and digest are set together.
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(file_name="") & Q(size__isnull=False) & ~Q(sha256="")),
                name="report_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.format} {self.date_from}..{self.date_to} of {self.user_id}"


class Share(models.Model):
    """A read-only link for a doctor to one user's diary over a date range. Only the SHA-256 of
    its token is kept: the link itself is shown once, at creation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(max_length=100, blank=True)
    date_from = models.DateField()
    date_to = models.DateField()
    include_notes = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="share_user_created")]
        constraints = [
            models.CheckConstraint(condition=Q(date_from__lte=F("date_to")), name="share_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"Share {self.label or self.id} of {self.user_id}"

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class ShareAccess(models.Model):
    """One row per view or download of a share link: when (UTC), what, from where."""

    class What(models.TextChoices):
        PAGE = "page", "Summary page"
        PDF = "pdf", "PDF download"

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="accesses")
    at = models.DateTimeField(default=timezone.now)
    what = models.CharField(max_length=8, choices=What.choices)
    client_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "share accesses"

    def __str__(self) -> str:
        return f"{self.what} of {self.share_id} at {self.at:%Y-%m-%d %H:%M}"
