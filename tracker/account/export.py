"""The documented JSON export format (docs/reports.md, "The export format"), version 4: writing it for
a whole account or a report's date range (tracker.account.imports reads it back).

Written as a stream, one record per line: the records are read through the diary's selectors
(diary.selectors.records) in a fixed number of queries and each is encoded as it is written,
so 100,000 episodes cost their rows and the file, nothing quadratic. Every record looks exactly
as the API shows it (diary.api.serializers `episode_data`, `checkin_data`;
diary.api.clinical_serializers `treatment_data`, `investigation_data`, `function_check_data`):
one representation for the phone, the export and the importer."""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, BinaryIO, NotRequired, TypedDict

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from diary.api.clinical_serializers import function_check_data, investigation_data, treatment_data
from diary.api.serializers import checkin_data, episode_data
from diary.models import CheckIn, Episode, FunctionCheck, Investigation, Profile, Treatment, profile_zone
from diary.selectors.profiles import profile_get, user_with_profile
from diary.selectors.records import (
    account_checkins,
    account_episodes,
    account_function_checks,
    account_investigations,
    account_treatments,
    range_checkins,
    range_episodes,
    range_function_checks,
    range_investigations,
    range_treatments,
)
from diary.services import EpisodeChildren
from tracker.models import Report, Share, ShareAccess

FORMAT = "twitch-diary-export"
# See docs/reports.md, "Versions": any change to the format raises it.
# 2: an episode carries `ongoing`, and `duration_seconds` is null while it is true. A version 1
# file has no `ongoing`: every episode in it has ended.
# 3: an account export's profile carries the clinical profile (display_name, date_of_birth,
# twitching_since, family_history); a file of an earlier version has none: all blank.
# 4: `treatments`, `investigations` and `function_checks` beside the episodes and check-ins; a
# file of an earlier version has none of them.
VERSION = 4
ROWS_PER_PROGRESS_STEP = 1000

Progress = Callable[[int], None]


class RangeOut(TypedDict):
    date_from: str
    date_to: str
    include_notes: bool
    # A report's: the first day the diary covers within the range, the later of `date_from`
    # and the diary's first entry (days before the diary began are not twitch-free days).
    covered_from: NotRequired[str]


class ProfileOut(TypedDict):
    username: str
    email: str
    time_zone: str
    date_joined: str
    created_at: str | None  # when the diary profile was made (null before the first write)
    # The clinical profile, in an account export only: what a report shows of it is issue 25's.
    display_name: NotRequired[str]
    date_of_birth: NotRequired[str | None]
    twitching_since: NotRequired[str | None]
    family_history: NotRequired[str]


class ShareAccessOut(TypedDict):
    at: str
    what: str
    client_address: str
    user_agent: str


class ShareOut(TypedDict):
    id: str
    label: str
    range: RangeOut
    include_notes: bool
    created_at: str
    expires_at: str
    revoked_at: str | None
    accesses: list[ShareAccessOut]


class ReportOut(TypedDict):
    id: str
    format: str
    range: RangeOut
    status: str
    created_at: str
    expires_at: str
    size: int | None
    sha256: str


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _iso_required(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Writing


def export_account(out: BinaryIO, *, user: User, now: datetime | None = None) -> None:
    """Everything of the user: profile, every episode, check-in, treatment, investigation and
    function check (tombstones included), shares (without their token hashes) with their access
    logs, and reports (the list, not the files). Twelve queries whatever the diary's size."""
    profile = profile_get(user_id=user.pk)
    _write(
        out,
        head=_head(user, profile, now, date_range=None, clinical=True),
        episodes=_episodes(account_episodes(user=user), include_notes=True),
        checkins=_checkins(account_checkins(user=user), include_notes=True),
        clinical=_clinical(
            account_treatments(user=user),
            account_investigations(user=user),
            account_function_checks(user=user),
            include_notes=True,
        ),
        shares=[_share(share) for share in _shares(user)],
        reports=[_report(report) for report in Report.objects.filter(user=user).order_by("created_at", "id")],
    )


def export_range(
    out: BinaryIO,
    *,
    user_id: int,
    date_from: date,
    date_to: date,
    episode_ids: set[str],
    include_notes: bool,
    covered_from: date | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> None:
    """The live records of a report's range (local dates, both included). The episodes are
    those of `episode_ids`, the report's: the UTC bounds read a little more than the range (any
    offset), and the report's assembly has already decided which local dates are in. Check-ins,
    investigations and function checks of the range's dates, treatments that overlap it. Notes
    only when the report includes them; no shares, no reports."""
    user, profile = user_with_profile(user_id=user_id)
    in_range = range_episodes(user=user, date_from=date_from, date_to=date_to, ids=episode_ids)
    date_range = RangeOut(date_from=str(date_from), date_to=str(date_to), include_notes=include_notes)
    date_range["covered_from"] = str(covered_from or date_from)
    _write(
        out,
        head=_head(user, profile, now, date_range=date_range),
        episodes=_episodes(in_range, include_notes=include_notes),
        checkins=_checkins(
            range_checkins(user=user, date_from=date_from, date_to=date_to), include_notes=include_notes
        ),
        clinical=_clinical(
            range_treatments(user_id=user_id, date_from=date_from, date_to=date_to),
            range_investigations(user_id=user_id, date_from=date_from, date_to=date_to),
            range_function_checks(user_id=user_id, date_from=date_from, date_to=date_to),
            include_notes=include_notes,
        ),
        shares=[],
        reports=[],
        progress=progress,
        total=len(episode_ids),
    )


def _head(
    user: User, profile: Profile | None, now: datetime | None, date_range: RangeOut | None, *, clinical: bool = False
) -> dict[str, Any]:
    out = ProfileOut(
        username=user.get_username(),
        email=user.email,
        time_zone=profile_zone(profile).key,
        date_joined=_iso_required(user.date_joined),
        created_at=_iso(profile.created_at) if profile else None,
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso_required(now or timezone.now()),
        "range": date_range,
        "profile": _with_clinical(out, profile) if clinical else out,
    }


def _with_clinical(out: ProfileOut, profile: Profile | None) -> ProfileOut:
    born = profile.date_of_birth if profile else None
    since = profile.twitching_since if profile else None
    out["display_name"] = profile.display_name if profile else ""
    out["date_of_birth"] = born.isoformat() if born else None
    out["twitching_since"] = since.isoformat() if since else None
    out["family_history"] = profile.family_history if profile else ""
    return out


def _write(
    out: BinaryIO,
    *,
    head: dict[str, Any],
    episodes: Iterable[dict[str, Any]],
    checkins: Iterable[dict[str, Any]],
    clinical: "Clinical",
    shares: list[ShareOut],
    reports: list[ReportOut],
    progress: Progress | None = None,
    total: int = 0,
) -> None:
    """The head's keys, then each list with one record per line: a person can read the file,
    and a diff of two exports shows the records that changed."""
    out.write(_encode(head)[:-1].encode())  # the head's object left open
    lists: tuple[tuple[str, Iterable[Any]], ...] = (
        ("episodes", episodes),
        ("checkins", checkins),
        ("treatments", clinical.treatments),
        ("investigations", clinical.investigations),
        ("function_checks", clinical.function_checks),
        ("shares", shares),
        ("reports", reports),
    )
    for name, rows in lists:
        out.write(f',\n"{name}": ['.encode())
        for number, row in enumerate(rows):
            out.write(((",\n" if number else "\n") + _encode(row)).encode())
            if progress is not None and name == "episodes" and number % ROWS_PER_PROGRESS_STEP == 0:
                progress(min(99, 100 * number // (total or 1)))
        out.write(b"\n]")
    out.write(b"\n}\n")
    if progress is not None:
        progress(100)


def _encode(value: Any) -> str:
    # Non-ASCII as itself (the file is UTF-8): a note in Greek stays readable in the file.
    return json.dumps(value, ensure_ascii=False)


def _episodes(episodes: Iterable[tuple[Episode, EpisodeChildren]], *, include_notes: bool) -> Iterator[dict[str, Any]]:
    for episode, children in episodes:
        row = episode_data(episode, children)
        if not include_notes:
            row["notes"] = ""
        yield row


def _checkins(checkins: Iterable[CheckIn], *, include_notes: bool) -> Iterator[dict[str, Any]]:
    for checkin in checkins:
        row = {"id": str(checkin.id), **checkin_data(checkin)}
        if not include_notes:
            row["notes"] = ""
        yield row


@dataclass(frozen=True)
class Clinical:
    """What was tried, the tests done and the weekly function checks, each row as the API
    shows it (with notes blanked when the file leaves them out)."""

    treatments: Iterable[dict[str, Any]]
    investigations: Iterable[dict[str, Any]]
    function_checks: Iterable[dict[str, Any]]


def _clinical(
    treatments: Iterable[Treatment],
    investigations: Iterable[Investigation],
    checks: Iterable[FunctionCheck],
    *,
    include_notes: bool,
) -> Clinical:
    return Clinical(
        treatments=_rows(map(treatment_data, treatments), include_notes=include_notes),
        investigations=_rows(map(investigation_data, investigations), include_notes=include_notes),
        # A check is keyed by its date on the wire; the file also keeps its id, as for check-ins.
        function_checks=_rows(
            ({"id": str(check.id), **function_check_data(check)} for check in checks), include_notes=include_notes
        ),
    )


def _rows(rows: Iterable[dict[str, Any]], *, include_notes: bool) -> Iterator[dict[str, Any]]:
    for row in rows:
        if not include_notes:
            row["notes"] = ""
        yield row


def _shares(user: User) -> QuerySet[Share]:
    accesses = Prefetch("accesses", queryset=ShareAccess.objects.order_by("at", "id"))
    return Share.objects.filter(user=user).order_by("created_at", "id").prefetch_related(accesses)


def _share(share: Share) -> ShareOut:
    return ShareOut(
        id=str(share.id),
        label=share.label,
        range=RangeOut(date_from=str(share.date_from), date_to=str(share.date_to), include_notes=share.include_notes),
        include_notes=share.include_notes,
        created_at=_iso_required(share.created_at),
        expires_at=_iso_required(share.expires_at),
        revoked_at=_iso(share.revoked_at),
        accesses=[
            ShareAccessOut(
                at=_iso_required(access.at),
                what=access.what,
                client_address=access.client_address,
                user_agent=access.user_agent,
            )
            for access in share.accesses.all()
        ],
    )


def _report(report: Report) -> ReportOut:
    return ReportOut(
        id=str(report.id),
        format=report.format,
        range=RangeOut(
            date_from=str(report.date_from), date_to=str(report.date_to), include_notes=report.include_notes
        ),
        status=report.status,
        created_at=_iso_required(report.created_at),
        expires_at=_iso_required(report.expires_at),
        size=report.size,
        sha256=report.sha256,
    )
