"""A user's whole account (GDPR articles 20 and 17): importing an export back, and erasure.

Exporting is a read (tracker.account.export.export_account); these two are the writes."""

import logging
from dataclasses import dataclass

from auditlog.models import LogEntry as AuditLogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from diary.selectors.records import record_ids
from diary.services import diary_erase_quietly, diary_restore, profile_update, sessions_end
from tracker.account.imports import ExportFile, export_read
from tracker.models import Report
from tracker.storage import reports_storage

logger = logging.getLogger(__name__)

# What stays of a log entry about an erased user: that something happened, not to whom.
ERASED = "(erased user)"


@dataclass(frozen=True)
class Imported:
    user: User
    created: bool  # a new account (with an unusable password) rather than an empty one
    episodes: int
    checkins: int
    treatments: int
    investigations: int
    function_checks: int
    skipped: list[str]  # what the file holds that an import does not restore


def account_import(*, username: str, raw: bytes | str) -> Imported:
    """Read an export (tracker.account.export) into the account `username`: created, with an unusable
        password, when there is none; else it must hold no record (episode, check-in, treatment,
    investigation or function check), so that the same file imported twice changes nothing. All or nothing:
        ValidationError (keys naming the row and field) and nothing is written. Shares and reports
        are not restored: a share's token exists only as a hash, and report files are not in an
        export."""
    document = export_read(raw)
    return _restore(username, document)


@transaction.atomic
def _restore(username: str, document: ExportFile) -> Imported:
    user, created = _user(username)
    clinical = document.clinical
    try:
        profile_update(
            user=user,
            time_zone=document.time_zone,
            display_name=clinical.display_name,
            date_of_birth=clinical.date_of_birth,
            twitching_since=clinical.twitching_since,
            family_history=clinical.family_history,
        )
    except ValidationError as error:
        raise ValidationError({f"profile.{name}": messages for name, messages in error.message_dict.items()}) from None
    restored = diary_restore(
        user=user,
        episodes=document.episodes,
        checkins=document.checkins,
        treatments=document.treatments,
        investigations=document.investigations,
        function_checks=document.function_checks,
    )
    return Imported(
        user=user,
        created=created,
        episodes=restored.episodes,
        checkins=restored.checkins,
        treatments=restored.treatments,
        investigations=restored.investigations,
        function_checks=restored.function_checks,
        skipped=document.skipped,
    )


def _user(username: str) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"user": [f"Another account's name differs from {username!r} only in case."]})
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise ValidationError({"user": error.messages}) from None
    user = User(username=username)
    user.set_unusable_password()  # the person sets one through a reset; nobody knows this one
    user.save()
    return user, True


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Remove every row of the user from every table, then their report files: the diary
    (tombstones included), profile, device tokens, sessions, summaries and analysis runs,
    reports, shares and their access logs, the admin's and the audit log's entries where they
    are the actor. Log entries written by others about them stay (who looked at a diary
    remains accountable) but no longer name them.

    The diary's change hooks are not called (diary_erase would call them, hence
    diary_erase_quietly): they would ask for an analysis of a user who no longer exists. Files
    go last, inside the transaction: a file that cannot be deleted rolls the erasure back, to be
    tried again, rather than leaving a file of health data that no row points to any more."""
    _forget_in_logs(user)
    sessions_end(user=user)
    # One statement a table: deleting the user alone would make Django read every episode into
    # memory to find its child rows.
    diary_erase_quietly(user=user)
    # The reports' files are read last and their rows locked as they are read: a build that
    # marked its report ready during the steps above is seen here, and one that writes later
    # waits for the erasure, then finds its report gone and deletes its own file
    # (tracker.reports.services). Read first, a report made ready meanwhile would leave its file.
    # Every one is locked, an unnamed one too: its build names its file before storing it.
    reports = Report.objects.select_for_update().filter(user=user)
    files = [name for name in reports.values_list("file_name", flat=True) if name]
    user_id = user.pk
    user.delete()  # the rest cascades: profile, tokens, summaries, runs, reports, shares...
    storage = reports_storage()
    for name in files:
        storage.delete(name)
    logger.info("Erased account %s and %d report files", user_id, len(files))


def _forget_in_logs(user: User) -> None:
    AuditLogEntry.objects.filter(actor=user).delete()  # SET_NULL otherwise: their email would stay
    user_type = ContentType.objects.get_for_model(User)
    about = {"content_type": user_type, "object_pk": str(user.pk)}
    AuditLogEntry.objects.filter(**about).update(
        object_repr=ERASED, changes=None, changes_text="", serialized_data=None
    )
    AdminLogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        object_repr=ERASED, change_message=""
    )
    # The admin's entries about their records name each one ("Episode <id> at <time>"). Admin
    # edits are rare, so the entries are read and matched here rather than the records' ids.
    records = record_ids(user=user)
    record_types = ContentType.objects.get_for_models(*records).values()
    theirs = set().union(*records.values())
    entries = AdminLogEntry.objects.filter(content_type__in=record_types).values_list("pk", "object_id")
    matched = [pk for pk, object_id in entries if object_id in theirs]
    AdminLogEntry.objects.filter(pk__in=matched).update(object_repr=ERASED, change_message="")
