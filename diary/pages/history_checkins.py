"""The check-ins in the history: each day's beside its episodes, and the days with a check-in and
no episode between them ("check-in only"), which are information too: they are what a day with
twitching is compared against.

The history pages by episode (diary.pages.history). A page shows the check-ins of the days it
covers: down to the day after the next page's first episode (that day is the next page's, unless
it is also this page's last: a day split across two pages shows its check-in with its newest
episodes), up to the newest day it may show: any on the first page, the day of its own first
episode on a later one (the page before showed the days after it), or the day its cursor names.
So each check-in shows once, in one query per page whatever its span.

Months of check-ins with no episode between two of them would make one long page: a page shows at
most CHECKINS_PER_PAGE check-ins and stops at the oldest one it shows, episodes included; the next
page's cursor carries the day to go on from.

Filtered by a region, trigger or symptom, a day with no matching episode may well have had others:
such a page shows the check-ins of the days it lists episodes of, and no "check-in only" day."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import takewhile

from django.contrib.auth.models import User

from diary.models import CheckIn, Episode
from diary.pages.history_forms import Cursor
from diary.selectors import CheckInFilters, EpisodeFilters, checkin_list

CHECKINS_PER_PAGE = 50


@dataclass(frozen=True)
class CheckInRow:
    """A check-in as the history shows it: what was recorded, in words; nothing for a measure
    left empty (not recorded, which is not zero)."""

    day: date
    facts: list[str]  # "Sleep 7.5 h", "Caffeine 2 cups", ...
    twitching: str  # "yes", "no", or "" (not said)
    notes: str


def checkin_row(checkin: CheckIn) -> CheckInRow:
    facts = []
    if checkin.sleep_hours is not None:
        facts.append(f"Sleep {checkin.sleep_hours:g} h")
    if checkin.caffeine_cups is not None:
        facts.append(f"Caffeine {_counted(checkin.caffeine_cups, 'cup')}")
    if checkin.stress is not None:
        facts.append(f"Stress {checkin.stress}/10")
    if checkin.exercise_minutes is not None:
        facts.append(f"Exercise {checkin.exercise_minutes} min")
    if checkin.alcohol_units is not None:
        facts.append(f"Alcohol {_counted(checkin.alcohol_units, 'unit')}")
    twitching = {True: "yes", False: "no", None: ""}[checkin.twitching_today]
    return CheckInRow(day=checkin.date, facts=facts, twitching=twitching, notes=checkin.notes)


def _counted(amount: float, unit: str) -> str:
    return f"{amount:g} {unit}" if amount == 1 else f"{amount:g} {unit}s"


@dataclass(frozen=True)
class PageCheckIns:
    episodes: list[Episode]  # the page's episodes, down to where its check-ins stop
    checkins: dict[date, CheckInRow]
    next_cursor: Cursor | None  # None: nothing older to show


def page_checkins(
    *,
    user: User,
    episodes: list[Episode],
    next_day: date | None,
    next_cursor: Cursor | None,
    cursor: Cursor | None,
    filters: EpisodeFilters,
) -> PageCheckIns:
    """The check-ins a page of `episodes` shows, `next_day` being the day of the next page's
    first episode (none: this is the last page of episodes), `cursor` the one this page was
    opened with. One query."""
    if filters.region or filters.trigger or filters.symptom:
        days = {episode.local_date for episode in episodes}
        found = checkin_list(user=user).filter(date__in=days) if days else []
        return PageCheckIns(episodes, {c.date: checkin_row(c) for c in found}, next_cursor)
    oldest, next_cursor = _oldest_day(episodes, next_day, next_cursor, filters)
    span = _span(episodes, oldest, cursor, filters)
    if span is None:
        return PageCheckIns(episodes, {}, next_cursor)
    found = list(checkin_list(user=user, filters=span)[: CHECKINS_PER_PAGE + 1])
    if len(found) <= CHECKINS_PER_PAGE:
        return PageCheckIns(episodes, {c.date: checkin_row(c) for c in found}, next_cursor)
    shown = found[:CHECKINS_PER_PAGE]
    stop = shown[-1].date
    kept = list(takewhile(lambda episode: episode.local_date >= stop, episodes))
    return PageCheckIns(kept, {c.date: checkin_row(c) for c in shown}, _going_on(kept, cursor, stop))


def _oldest_day(
    episodes: Sequence[Episode], next_day: date | None, next_cursor: Cursor | None, filters: EpisodeFilters
) -> tuple[date | None, Cursor | None]:
    """The oldest day whose check-in the page shows, and the next page's cursor. The day after
    the next page's first episode's; that day itself when it is this page's last too (a day split
    across two pages shows its check-in beside its newest episodes, and the next page's cursor
    says its check-ins start the day before)."""
    if next_cursor is None or next_day is None:
        return filters.date_from, next_cursor
    if episodes and episodes[-1].local_date == next_day:
        return next_day, replace(next_cursor, checkins_to=next_day - timedelta(days=1))
    return next_day + timedelta(days=1), next_cursor


def _span(
    episodes: Sequence[Episode], oldest: date | None, cursor: Cursor | None, filters: EpisodeFilters
) -> CheckInFilters | None:
    """The days whose check-ins the page shows, from `oldest`, both ends included; None: no day."""
    if cursor is None:
        newest = filters.date_to
    elif cursor.checkins_to is not None:
        newest = min(cursor.checkins_to, filters.date_to or cursor.checkins_to)
    elif episodes:
        newest = episodes[0].local_date
    else:  # an old link past the last episode: nothing more
        return None
    if newest is not None and oldest is not None and oldest > newest:
        return None
    return CheckInFilters(date_from=oldest, date_to=newest)


def _going_on(kept: Sequence[Episode], cursor: Cursor | None, stop: date) -> Cursor:
    """The next page's cursor when this one stopped at `stop`'s check-in: its episodes after the
    last one kept (or where this page started), its check-ins from the day before."""
    day_before = stop - timedelta(days=1)
    if kept:
        return Cursor(kept[-1].started_at, kept[-1].id, checkins_to=day_before)
    if cursor is not None:
        return Cursor(cursor.started_at, cursor.id, checkins_to=day_before)
    return Cursor(None, None, checkins_to=day_before)
