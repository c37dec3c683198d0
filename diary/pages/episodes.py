"""Logging an episode, its saved page, editing it, and ending one still going.

Every write goes through the services the API uses (episode_create_or_replay, episode_update,
episode_end): the form only reads what was typed and shows the services' field errors."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from conditions.models import TwitchPattern
from diary.formatting import duration_text, still_going_text
from diary.models import MAX_NOTES_LENGTH, Episode
from diary.pages.episode_form import (
    DURATION_PRESETS,
    FORM_ERROR,
    ONGOING,
    UNITS,
    Choices,
    EpisodeForm,
    episode_words,
    local_input,
    outline_svgs,
    places_of,
)
from diary.pages.history import back_to_history
from diary.selectors import episode_detail as select_episode_detail
from diary.selectors import episode_get, ongoing_episodes, recent_places, user_zone
from diary.services import Replay, Replayed, StaleVersion, episode_create_or_replay, episode_update
from diary.services import episode_end as episode_end_service
from diary.services.episodes import EDITABLE_FIELDS

# The logging page lists at most this many episodes still going, newest first (the history
# shows every one of them).
ONGOING_SHOWN = 5

REPLAY_REFUSALS = {
    Replay.NEW: "This form's id is already in use. The form has a new one now: save it again.",
    Replay.NOT_YOURS: "This form's id is already in use. The form has a new one now: save it again.",
    Replay.DELETED: "This form was saved, and that episode was deleted since. Save again to log it anew.",
    Replay.DIFFERENT: "This form was already saved, with other values. Save again to log this as another episode.",
}


def page_user(request: HttpRequest) -> User:
    """The signed-in user (the views are all behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def episode_log(request: HttpRequest) -> HttpResponse:
    user, zone = page_user(request), user_zone(page_user(request))
    if request.method == "POST":
        return _create(request, user, zone, EpisodeForm.from_post(request.POST))
    return _form_page(request, EpisodeForm.blank(now=timezone.now(), zone=zone), zone)


def _create(request: HttpRequest, user: User, zone: ZoneInfo, form: EpisodeForm) -> HttpResponse:
    data = form.to_input(zone=zone, now=timezone.now())
    if data is None:
        return _form_page(request, form, zone, status=400)
    try:
        result = episode_create_or_replay(user=user, data=data)
    except ValidationError as error:
        form.add_service_errors(error)
        return _form_page(request, form, zone, status=400)
    # A double tap or a retry of this very form answers the episode it saved: never a second.
    episode = _replayed(form, result) if isinstance(result, Replayed) else result.episode
    if episode is None:
        return _form_page(request, form, zone, status=400)
    choices = Choices.load()
    if choices.red_flags(sorted(form.symptoms)):
        # Its page says "see a doctor soon" first: that matters more than the next log.
        messages.success(request, "Episode saved.")
        return redirect("episode-detail", id=episode.pk)
    # Back on the form, ready for the next log, with what was saved next to Save.
    when = f"{episode.started_at.astimezone(zone):%H:%M}"
    messages.success(request, f"Saved: {episode_words(form, choices, when)}.")
    return redirect(f"{reverse('episode-log')}?saved={episode.pk}")


def _saved_id(request: HttpRequest) -> uuid.UUID | None:
    """The episode just saved (?saved=), for the "Open it" link next to the confirmation."""
    try:
        return uuid.UUID(request.GET.get("saved", ""))
    except ValueError:
        return None


def _replayed(form: EpisodeForm, replayed: Replayed) -> Episode | None:
    """The episode this form already saved, or None with the reason on the form (which gets a
    fresh id, so that saving it again is a new episode, as the user then means)."""
    if replayed.same is None:
        form.add_error(FORM_ERROR, REPLAY_REFUSALS[replayed.outcome])
        form.form_id = str(uuid.uuid4())
    return replayed.same


@dataclass(frozen=True)
class StillGoing:
    """An episode still going, as the pages offer to end it."""

    id: uuid.UUID
    text: str  # "still going since 15:04"
    when: str  # "20 November at 15:04", for the button's accessible name


def still_going(episode: Episode, today: date) -> StillGoing:
    local = episode.local_started_at
    return StillGoing(episode.id, still_going_text(local, today), f"{local.day} {local:%B} at {local:%H:%M}")


def _still_going_list(user: User, zone: ZoneInfo) -> tuple[list[StillGoing], bool]:
    """The user's episodes still going that the logging page shows, and whether there are more."""
    today = timezone.now().astimezone(zone).date()
    found = list(ongoing_episodes(user=user)[: ONGOING_SHOWN + 1])
    return [still_going(episode, today) for episode in found[:ONGOING_SHOWN]], len(found) > ONGOING_SHOWN


def _form_page(
    request: HttpRequest, form: EpisodeForm, zone: ZoneInfo, *, episode: Episode | None = None, status: int = 200
) -> HttpResponse:
    choices = Choices.load()
    ongoing, more_ongoing = ([], False) if episode else _still_going_list(page_user(request), zone)
    places = places_of(choices, None if episode else recent_places(user=page_user(request)))
    context: dict[str, Any] = {
        "nav": "log",
        "form": form,
        "form_errors": form.errors.get(FORM_ERROR, []),
        "choices": choices,
        "recent": places.recent,
        "places": places.groups,
        "last": places.last,
        "words": episode_words(form, choices, "now" if not episode else form.started_at.replace("T", " ")),
        "saved_id": _saved_id(request),
        "outlines": outline_svgs(form.locations, choices),
        "presets": DURATION_PRESETS,
        "ongoing_value": ONGOING,
        "units": list(UNITS),
        "intensities": [str(n) for n in range(1, 11)],
        "patterns": TwitchPattern.choices,
        "max_notes": MAX_NOTES_LENGTH,
        "episode": episode,
        "ongoing": ongoing,
        "more_ongoing": more_ongoing,
        "zone": zone,
    }
    with timezone.override(zone):
        return render(request, "diary/log/episode_form.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def episode_detail(request: HttpRequest, id: str) -> HttpResponse:
    user = page_user(request)
    episode, children = select_episode_detail(user=user, id=id)
    zone, choices = user_zone(user), Choices.load()
    names = dict(choices.triggers) | {s.code: s.name for s in choices.symptoms}
    context = {
        "nav": "log",
        "episode": episode,
        "red_flags": choices.red_flags(children.symptoms),
        "locations": [choices.location_label(region, side) for region, side in children.locations],
        "duration": (
            still_going(episode, timezone.now().astimezone(zone).date()).text
            if episode.ongoing
            else duration_text(episode.duration_seconds)
        ),
        "pattern": TwitchPattern(episode.pattern).label if episode.pattern in TwitchPattern.values else "Not recorded",
        "triggers": [names.get(code, code) for code in children.triggers],
        "symptoms": [names.get(code, code) for code in children.symptoms],
        "zone": zone,
    }
    with timezone.override(zone):
        return render(request, "diary/log/episode_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request: HttpRequest, id: str) -> HttpResponse:
    user = page_user(request)
    zone = user_zone(user)
    if request.method == "POST":
        return _update(request, episode_get(user=user, id=id), zone, EpisodeForm.from_post(request.POST))
    episode, children = select_episode_detail(user=user, id=id)
    return _form_page(request, EpisodeForm.of_episode(episode, children, zone), zone, episode=episode)


def _update(request: HttpRequest, episode: Episode, zone: ZoneInfo, form: EpisodeForm) -> HttpResponse:
    data = form.to_input(zone=zone, now=timezone.now())
    version = _version(form)
    if data is None or version is None:
        return _form_page(request, form, zone, episode=episode, status=400)
    # Every editable field but the start and its offset, which follow below.
    changes: dict[str, Any] = {
        name: getattr(data, name) for name in EDITABLE_FIELDS - {"started_at", "utc_offset_minutes"}
    }
    if form.started_at != local_input(episode.started_at, zone):
        # Only a start the user changed: the stored one keeps its offset and its exact second.
        changes["started_at"] = data.started_at
    try:
        episode = episode_update(episode=episode, expected_version=version, **changes)
    except StaleVersion as stale:
        form.add_error(
            FORM_ERROR,
            f"This episode was changed elsewhere (it is at version {stale.current}, this form shows version "
            f"{stale.expected}). Open it again to see the changes, then edit.",
        )
        return _form_page(request, form, zone, episode=episode, status=409)
    except ValidationError as error:
        form.add_service_errors(error)
        return _form_page(request, form, zone, episode=episode, status=400)
    except Episode.DoesNotExist:  # deleted while the form was open
        raise Http404("No such episode.") from None
    messages.success(request, "Changes saved.")
    return redirect("episode-detail", id=episode.pk)


def _version(form: EpisodeForm) -> int | None:
    try:
        return int(form.version)
    except ValueError:
        form.add_error(FORM_ERROR, "This form is missing the episode's version: open the episode again.")
        return None


@login_required
@require_POST
def episode_end(request: HttpRequest, id: str) -> HttpResponse:
    """ "It stopped now": the episode still going lasted from its start until now. A second tap,
    a resent form or a forged one on an episode that has ended changes nothing: the first end
    stands (the service's rule, so the API's PATCH keeps it too)."""
    episode = episode_get(user=page_user(request), id=id)
    if not episode.ongoing:
        messages.info(request, "This episode had ended already. To change how long it lasted, edit it.")
        return _after_end(request, episode)
    try:
        ended = episode_end_service(episode=episode)
    except ValidationError as error:  # started too long ago to end now: ask for the duration
        messages.error(request, " ".join(error.messages) + " Edit the episode to give its duration.")
        return redirect("episode-edit", id=episode.pk)
    except Episode.DoesNotExist:  # deleted meanwhile
        raise Http404("No such episode.") from None
    messages.success(request, f"Episode ended: it lasted {duration_text(ended.duration_seconds)}.")
    return _after_end(request, ended)


def _after_end(request: HttpRequest, episode: Episode) -> HttpResponse:
    """Back to the page the button was on: the history (its filters and page), the logging
    page, or the episode's own page."""
    back = request.POST.get("back", "")
    if back == "history":
        return back_to_history(request)
    if back == "log":
        return redirect("episode-log")
    return redirect("episode-detail", id=episode.pk)
