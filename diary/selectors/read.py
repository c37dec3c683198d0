"""The diary as plain data (diary.plain): the one typed read of a user's diary that the analysis
and the reports share, and the few reads around it (the red-flag episodes, a bounded count, the
first episode's day).

A fixed number of queries whatever the diary's size: the episodes, their locations, trigger
and symptom codes as flat value lists, joined in memory; the check-ins, the treatments and the
function checks, a query each."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Min, Q, QuerySet, Value

from diary import plain
from diary.models import EARLIEST_DATE, CheckIn, Episode, EpisodeLocation, FunctionCheck, Treatment
from diary.selectors.profiles import user_today

# A local date's episodes lie within this much of its UTC day (offsets run -12:00 to +14:00).
OFFSET_MARGIN = timedelta(hours=14)
# What the analysis reads of each episode, besides its locations and codes.
EPISODE_FIELDS = ("id", "started_at", "utc_offset_minutes", "duration_seconds", "intensity", "pattern")


def load_diary(
    *, user_id: int, date_from: date | None = None, date_to: date | None = None, notes: bool = False
) -> plain.Diary:
    """The user's diary over [date_from, date_to] (local dates), starting no earlier than the
    diary itself: a range that starts before the first entry (episode or check-in) counts from
    that entry, since days the diary did not cover are not twitch-free days.

    Each episode carries its UTC offset (and so its instant). With `notes`, episodes and
    check-ins carry their notes, read in the same queries (a report that includes them);
    without, the notes are not read at all (the analysis never looks at them)."""
    end = date_to or user_today(user_id)
    # From EARLIEST_DATE (1900) on: the API refuses earlier dates, and a row stored before that
    # bound (dated 0001-01-01, say) would stretch the period over 740,000 days and take the UTC
    # bounds out of range.
    first = max(date_from or EARLIEST_DATE, EARLIEST_DATE)
    bounds = utc_bounds(first, end)
    rows = Episode.live.filter(user_id=user_id, **bounds).values_list(*EPISODE_FIELDS, _notes(notes))
    built, just_before = _episodes(list(rows), _children(user_id, bounds), first, end)
    checkins = _checkins(user_id, first, end, notes)
    earlier = _earlier(user_id, first, just_before) if date_from else None
    if earlier is not None:
        start = first
    else:
        start = min([e.local_date for e in built] + [c.day for c in checkins], default=end)
    return plain.Diary(
        episodes=built,
        checkins=checkins,
        start=min(start, end),
        end=end,
        earlier=earlier,
        treatments=_treatments(user_id),
        function_checks=_function_checks(user_id, first, end),
    )


def _notes(wanted: bool) -> str | Value:
    """The notes column when they are wanted, else an empty constant in its place: every row has
    the same shape, which the loop over 100,000 rows unpacks without a list per row, and no
    note is read that nobody will look at."""
    return "notes" if wanted else Value("")


def _episodes(
    rows: list[tuple[Any, ...]], children: "Children", first: date, end: date
) -> tuple[list[plain.Episode], set[str]]:
    """The episodes of the local dates [first, end], and the places of those read within the
    bounds' margin before `first` (the UTC bounds read a little more than the local dates).
    Runs once per row of a diary of 100,000: each episode is built right here, from the row
    and its children keyed by the id's integer (a UUID object hashes in Python)."""
    locations, triggers, symptoms = children
    shifts: dict[int, timedelta] = {}  # few distinct offsets: make each timedelta once
    built = []
    just_before: set[str] = set()
    for episode_id, started_at, offset, duration, intensity, pattern, notes in rows:
        shift = shifts.get(offset) or shifts.setdefault(offset, timedelta(minutes=offset))
        local_start = (started_at + shift).replace(tzinfo=None)
        day = local_start.date()
        key = episode_id.int
        if day < first:
            just_before.update(region for region, _ in locations.get(key, ()))
        if day > end or day < first:
            continue
        built.append(
            plain.Episode(
                str(episode_id),
                local_start,
                day,
                duration,  # None while still going (the constraint episode_duration_unless_ongoing)
                intensity,
                pattern,
                tuple(locations.get(key, ())),
                tuple(triggers.get(key, ())),
                tuple(symptoms.get(key, ())),
                offset,
                notes,
            )
        )
    return built, just_before


def _earlier(user_id: int, first: date, just_before: set[str]) -> plain.Earlier | None:
    """What the diary holds before `first`, or None when it holds nothing (the diary starts
    within the range). One query when there are episodes before; two when not (a check-in may
    be what began the diary)."""
    cutoff = _utc_midnight(first) - OFFSET_MARGIN  # earlier than this is a local date before `first`
    by_region = (
        EpisodeLocation.objects.filter(
            episode__user_id=user_id, episode__deleted_at=None, episode__started_at__lt=cutoff
        )
        .values_list("region__code")
        .annotate(first_at=Min("episode__started_at"))
    )
    seen = dict(by_region.order_by())
    if seen:
        # The local date of the earliest instant is at most OFFSET_MARGIN later than its UTC one.
        since = (min(seen.values()) + OFFSET_MARGIN).date()
        return plain.Earlier(frozenset(seen) | just_before, min(since, first - timedelta(days=1)))
    if just_before:
        return plain.Earlier(frozenset(just_before), first - timedelta(days=1))
    checkin = CheckIn.live.filter(user_id=user_id, date__lt=first).order_by("date").values_list("date", flat=True)
    first_checkin = checkin.first()
    return plain.Earlier(frozenset(), first_checkin) if first_checkin else None


def live_episode_count(*, user_id: int, at_most: int) -> int:
    """The user's live episodes, counted up to `at_most` + 1 only: the cost stays bounded however
    big the diary."""
    return Episode.live.filter(user_id=user_id).values("pk")[: at_most + 1].count()


def first_episode_day(*, user_id: int) -> date | None:
    """The local date of the user's first live episode (on its own clock), or None."""
    first = (
        Episode.live.filter(user_id=user_id)
        .order_by("started_at")
        .values_list("started_at", "utc_offset_minutes")
        .first()
    )
    return (first[0] + timedelta(minutes=first[1])).date() if first else None


def load_red_flag_episodes(*, user_id: int, codes: frozenset[str]) -> list[plain.Episode]:
    """The user's live episodes that logged any of the symptom `codes` (the red-flag ones), read
    straight from the diary: what the red-flag notice needs while the analysis is not current.
    Three queries whatever their number."""
    wanted = Episode.live.filter(user_id=user_id, symptoms__code__in=codes).values("pk")
    rows = list(Episode.live.filter(pk__in=wanted).values_list(*EPISODE_FIELDS, _notes(False)))
    if not rows:
        return []
    children = _children(user_id, {"id__in": wanted})  # a subquery: no list of ids however many
    return _episodes(rows, children, date.min, date.max)[0]


Children = tuple[dict[Any, list[Any]], dict[Any, list[str]], dict[Any, list[str]]]


def utc_bounds(first: date, last: date) -> dict[str, datetime]:
    """UTC bounds of `started_at` wide enough for any offset (the exact local dates are checked
    by the caller). After the calendar's last day there is nothing to bound, and no datetime
    to bound it with."""
    bounds = {"started_at__gte": _utc_midnight(first) - OFFSET_MARGIN}
    if last < date.max:
        bounds["started_at__lt"] = _utc_midnight(last + timedelta(days=1)) + OFFSET_MARGIN
    return bounds


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _children(user_id: int, bounds: dict[str, Any]) -> "Children":
    """Locations, trigger codes and symptom codes of the user's live episodes within the same
    bounds as the episodes, by episode id. Keyed by the id's integer: a UUID object hashes in
    Python, and this runs per row."""
    live = {
        "episode__user_id": user_id,
        "episode__deleted_at": None,
        **{f"episode__{name}": value for name, value in bounds.items()},
    }
    locations: dict[Any, list[Any]] = {}
    for episode_id, region, side in EpisodeLocation.objects.filter(**live).values_list(
        "episode_id", "region__code", "side"
    ):
        found = locations.get(episode_id.int)
        if found is None:
            locations[episode_id.int] = [(region, side)]
        else:
            found.append((region, side))
    return (
        locations,
        _codes(Episode.triggers.through.objects.filter(**live).values_list("episode_id", "trigger__code")),
        _codes(Episode.symptoms.through.objects.filter(**live).values_list("episode_id", "symptom__code")),
    )


def _codes(rows: Any) -> dict[Any, list[str]]:
    by_episode: dict[Any, list[str]] = {}
    for episode_id, code in rows:
        found = by_episode.get(episode_id.int)
        if found is None:
            by_episode[episode_id.int] = [code]
        else:
            found.append(code)
    return by_episode


def _checkins(user_id: int, first: date, last: date, notes: bool) -> list[plain.CheckIn]:
    rows = CheckIn.live.filter(user_id=user_id, date__gte=first, date__lte=last)
    fields = ("date", "caffeine_cups", "sleep_hours", "stress", "exercise_minutes", "alcohol_units", "twitching_today")
    return [plain.CheckIn(*row) for row in rows.order_by("date").values_list(*fields, *(["notes"] if notes else []))]


def _treatments(user_id: int) -> list[plain.Treatment]:
    """Every live treatment, whatever its dates: what one did is read against the days before
    it started, and the period decides which days the analysis has, not which treatments."""
    rows = Treatment.live.filter(user_id=user_id).order_by("started_on", "id")
    return [
        plain.Treatment(str(treatment_id), name, kind, started_on, stopped_on)
        for treatment_id, name, kind, started_on, stopped_on in rows.values_list(
            "id", "name", "kind", "started_on", "stopped_on"
        )
    ]


def load_function_checks_with_a_yes(*, user_id: int) -> list[plain.FunctionCheck]:
    """The user's live function checks that answered yes to a warning sign, read straight from
    the diary: what the red-flag notice needs while the analysis is not current. One query."""
    yes = Q()
    for sign in plain.FUNCTION_WARNING_SIGNS:
        yes |= Q(**{sign: True})
    return _function_check_rows(FunctionCheck.live.filter(yes, user_id=user_id))


def _function_checks(user_id: int, first: date, last: date) -> list[plain.FunctionCheck]:
    return _function_check_rows(FunctionCheck.live.filter(user_id=user_id, date__gte=first, date__lte=last))


def _function_check_rows(checks: QuerySet[FunctionCheck]) -> list[plain.FunctionCheck]:
    rows = checks.order_by("date")
    return [
        plain.FunctionCheck(
            day=day, weakness_where=_limbs(where), **dict(zip(plain.FUNCTION_SIGNS, answers, strict=True))
        )
        for day, where, *answers in rows.values_list("date", "weakness_where", *plain.FUNCTION_SIGNS)
    ]


def _limbs(where: Any) -> tuple[tuple[str, str], ...]:
    """The weakness's places as (limb, side) pairs, from the stored list of {"limb", "side"}
    (anything else in the JSON, which the services do not write, is passed over)."""
    if not isinstance(where, list):
        return ()
    return tuple(
        (str(place["limb"]), str(place["side"]))
        for place in where
        if isinstance(place, dict) and "limb" in place and "side" in place
    )
