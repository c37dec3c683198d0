"""The history: the user's episodes newest first, grouped by local day, each day with its check-in
(diary.pages.history_checkins); filter, page, delete and undo, and end one still going (its
button posts to diary.pages.episodes.episode_end).

Paging is by keyset: a page link carries the last row's (started_at, id), and the next page is
the rows after it in the list's own order, which the index episode_user_live_started serves
from that point on. No OFFSET (which reads and skips every earlier row) and no COUNT of the
whole history, so the 2,000th page costs what the first does."""

import uuid
from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from diary import services
from diary.formatting import duration_text, location_text, offset_text, still_going_text
from diary.models import Episode, Side
from diary.pages.history_checkins import CheckInRow, page_checkins
from diary.pages.history_forms import CURSOR_FIELD, FILTER_FIELDS, Cursor, HistoryFilterForm
from diary.selectors import episode_get, episode_list, user_zone

PAGE_SIZE = 50
# The session key holding the id of the episode just deleted, for the Undo button; read once.
UNDO_KEY = "history_undo"


@dataclass(frozen=True)
class RedFlag:
    name: str
    advice: str


@dataclass(frozen=True)
class HistoryRow:
    """One episode as the history shows it: names, not codes; times on the user's clock then."""

    id: uuid.UUID
    time: str  # "20:15"
    offset: str  # "UTC-05:00" when the episode was logged at another offset than the user's zone's; else ""
    places: list[str]  # "Eyelid (left)"
    duration: str  # "2 min", or "still going since 15:04"
    ongoing: bool  # still going: the row offers to end it
    intensity: int
    pattern: str
    triggers: list[str]
    symptoms: list[str]
    red_flags: list[RedFlag]


@dataclass(frozen=True)
class HistoryDay:
    day: date
    rows: list[HistoryRow]  # none: a day with a check-in only
    checkin: CheckInRow | None = None


def history_row(episode: Episode, zone: ZoneInfo, today: date) -> HistoryRow:
    """Expects the episode's locations with their regions, triggers and symptoms prefetched.
    `today` is the user's, to say since which day an episode is still going when not today."""
    local = episode.local_started_at
    own_offset = local.utcoffset()
    zone_offset = episode.started_at.astimezone(zone).utcoffset()
    symptoms = list(episode.symptoms.all())
    return HistoryRow(
        id=episode.id,
        time=f"{local:%H:%M}",
        offset="" if own_offset == zone_offset else f"UTC{offset_text(episode.utc_offset_minutes)}",
        places=[location_text(loc.region.name, Side(loc.side).label) for loc in episode.locations.all()],
        duration=still_going_text(local, today) if episode.ongoing else duration_text(episode.duration_seconds),
        ongoing=episode.ongoing,
        intensity=episode.intensity,
        pattern=episode.get_pattern_display() or "",  # "" when not recorded: nothing to show
        triggers=[trigger.name for trigger in episode.triggers.all()],
        symptoms=[symptom.name for symptom in symptoms],
        red_flags=[RedFlag(symptom.name, symptom.advice) for symptom in symptoms if symptom.red_flag],
    )


def group_by_day(episodes: list[Episode], zone: ZoneInfo) -> list[HistoryDay]:
    """Consecutive episodes (newest first) by the day on the user's clock when each started:
    its own logged offset, as the analysis and the reports count days."""
    today = timezone.now().astimezone(zone).date()
    return [
        HistoryDay(day, [history_row(episode, zone, today) for episode in same_day])
        for day, same_day in groupby(episodes, key=lambda episode: episode.local_date)
    ]


def with_checkins(days: list[HistoryDay], checkins: dict[date, CheckInRow]) -> list[HistoryDay]:
    """The page's days newest first: each day of episodes with its check-in (on its first group,
    should a day come twice), and between them the days with a check-in only."""
    listed = {group.day for group in days}
    alone = sorted((day for day in checkins if day not in listed), reverse=True)
    merged: list[HistoryDay] = []
    given: set[date] = set()
    for group in days:
        while alone and alone[0] > group.day:
            day = alone.pop(0)
            merged.append(HistoryDay(day, [], checkins[day]))
        merged.append(replace(group, checkin=None if group.day in given else checkins.get(group.day)))
        given.add(group.day)
    return merged + [HistoryDay(day, [], checkins[day]) for day in alone]


def after(episodes: QuerySet[Episode], cursor: Cursor | None) -> QuerySet[Episode]:
    """The rows after `cursor` in newest-first order. The plain `started_at <= t` bounds the
    index scan, so the database starts reading at the cursor; the OR then drops the ties
    already shown (same started_at, id not below the cursor's)."""
    if cursor is None or cursor.started_at is None or cursor.id is None:
        return episodes
    t, key = cursor.started_at, cursor.id
    return episodes.filter(Q(started_at__lt=t) | Q(started_at=t, id__lt=key), started_at__lte=t)


@dataclass(frozen=True)
class Page:
    episodes: list[Episode]
    next_cursor: Cursor | None  # None: this is the last page
    next_day: date | None = None  # the local day of the next page's first episode


def page_of(episodes: QuerySet[Episode], cursor: Cursor | None) -> Page:
    """One page, and whether there is another: one row more than a page is read to know."""
    rows = list(after(episodes, cursor)[: PAGE_SIZE + 1])
    if len(rows) <= PAGE_SIZE:
        return Page(rows, None)
    last = rows[PAGE_SIZE - 1]
    return Page(rows[:PAGE_SIZE], Cursor(last.started_at, last.id), rows[PAGE_SIZE].local_date)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required let only a signed-in user through
    return request.user


@require_GET
@login_required
def history(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = HistoryFilterForm(request.GET)
    context: dict[str, object] = {"nav": "history", "form": form, "undo": _undo(request)}
    episodes = _listed(user, form)
    if episodes is None:
        return render(request, "diary/history/history.html", context, status=400)
    zone = user_zone(user)
    cursor = form.cleaned_data[CURSOR_FIELD]
    page = page_of(episodes, cursor)
    shown = page_checkins(
        user=user,
        episodes=page.episodes,
        next_day=page.next_day,
        next_cursor=page.next_cursor,
        cursor=cursor,
        filters=form.filters(),
    )
    context |= {
        "days": with_checkins(group_by_day(shown.episodes, zone), shown.checkins),
        "zone": zone.key,
        "is_first_page": cursor is None,
        "here": form.query(**{CURSOR_FIELD: request.GET.get(CURSOR_FIELD, "")}),
        "first_page": form.query(),
        "older": form.query(**{CURSOR_FIELD: shown.next_cursor.text()}) if shown.next_cursor else None,
    }
    return render(request, "diary/history/history.html", context)


def _listed(user: User, form: HistoryFilterForm) -> QuerySet[Episode] | None:
    """The episodes the filters ask for; None when they are refused (the form says why)."""
    try:
        if not form.is_valid():
            episode_list(user=user, filters=form.code_filters())  # for its errors only
            return None
        return episode_list(user=user, filters=form.filters())
    except ValidationError as error:  # an unknown code: the selector names its field
        form.refuse(error)
        return None


def _undo(request: HttpRequest) -> str | None:
    """The id of the episode deleted just before, once: the page after a delete offers Undo."""
    return request.session.pop(UNDO_KEY, None) if UNDO_KEY in request.session else None


def back_to_history(request: HttpRequest) -> HttpResponseRedirect:
    """The history page the form was posted from (its filters and page, nothing else)."""
    came_from = QueryDict(request.POST.get("next", ""))
    kept = QueryDict(mutable=True)
    for name in (*FILTER_FIELDS, CURSOR_FIELD):
        if came_from.get(name):
            kept[name] = came_from[name]
    query = kept.urlencode()
    return HttpResponseRedirect(reverse("history") + (f"?{query}" if query else ""))


@require_POST
@login_required
def episode_delete(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    episode = episode_get(user=_user(request), id=id)  # anyone else's: 404
    services.episode_delete(episode=episode)
    request.session[UNDO_KEY] = str(episode.id)
    return back_to_history(request)


@require_POST
@login_required
def episode_restore(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    try:
        services.episode_restore(user=_user(request), episode_id=id)
    except Episode.DoesNotExist:
        raise Http404("No such episode.") from None
    messages.success(request, "Episode restored.")
    return back_to_history(request)
