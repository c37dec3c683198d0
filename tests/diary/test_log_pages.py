"""The logging pages: log an episode, its saved page, edit it, end one still going."""

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diary.models import MAX_NOTES_LENGTH, Episode
from diary.selectors import episode_children
from diary.services import LocationInput, episode_update, profile_update
from tests.factories import EpisodeFactory, write_history

PARIS = ZoneInfo("Europe/Paris")
LOG = "/log/"


@pytest.fixture
def in_paris(alice: User) -> User:
    profile_update(user=alice, time_zone="Europe/Paris")
    return alice


def valid_form(**changes: Any) -> dict[str, Any]:
    """A form as the page sends it: 12:30 in Paris on the frozen day (11:30 UTC)."""
    form: dict[str, Any] = {
        "form_id": str(uuid.uuid4()),
        "started_at": "2026-11-20T12:30",
        "duration": "60",
        "duration_value": "",
        "duration_unit": "seconds",
        "locations": ["calf:left"],
        "intensity": "4",
        "pattern": "intermittent_bursts",
        "triggers": ["caffeine"],
        "symptoms": [],
        "notes": "After the run.",
    }
    form.update(changes)
    return form


def only_episode(user: User) -> Episode:
    [episode] = Episode.live.filter(user=user)
    return episode


def test_it_shows_the_log_form_starting_now_in_the_users_zone(
    alice_web: Client, in_paris: User, frozen_now: datetime
) -> None:
    page = alice_web.get(LOG)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="2026-11-20T13:00"' in html  # 12:00 UTC is 13:00 in Paris
    assert 'name="locations" value="calf:left"' in html
    assert 'name="locations" value="tongue:midline"' in html
    assert 'data-location="calf:right" data-name="Right calf"' in html  # the shape is named as its box
    assert 'data-location="tongue:midline" data-name="Tongue"' in html
    assert 'aria-hidden="true"' in html  # the drawing; the checkboxes are the controls
    assert reverse("checkin") in html
    assert page.context["nav"] == "log"


def test_it_logs_an_episode_through_the_service(alice_web: Client, in_paris: User, frozen_now: datetime) -> None:
    response = alice_web.post(LOG, valid_form())
    episode = only_episode(in_paris)
    assert response.status_code == 302
    # Back on the form for the next log, with what was saved next to Save and a link to it.
    assert response["Location"] == f"{LOG}?saved={episode.pk}"
    html = alice_web.get(response["Location"]).content.decode()
    assert "Saved: Left calf · about a minute · strength 4 · 12:30." in html
    assert reverse("episode-detail", args=[episode.pk]) in html
    assert episode.started_at == datetime(2026, 11, 20, 11, 30, tzinfo=ZoneInfo("UTC"))
    assert episode.utc_offset_minutes == 60
    assert (episode.duration_seconds, episode.intensity, episode.source) == (60, 4, "web")
    children = episode_children(episode.pk)
    assert children.locations == [("calf", "left")]
    assert children.triggers == ["caffeine"]


@pytest.mark.parametrize(
    ("changes", "duration"),
    [
        ({"duration": "5"}, 5),
        ({"duration": "300"}, 300),
        ({"duration": "5", "duration_value": "2", "duration_unit": "minutes"}, 120),  # exact wins
        ({"duration": "", "duration_value": "1.5", "duration_unit": "hours"}, 5400),
        ({"duration": "ongoing"}, None),  # still going: no duration until it ends, never the time so far
        ({"duration": "ongoing", "duration_value": "40"}, 40),  # exact wins over "still going" too
    ],
)
def test_it_reads_each_kind_of_duration(
    alice_web: Client, in_paris: User, frozen_now: datetime, changes: dict[str, str], duration: int | None
) -> None:
    assert alice_web.post(LOG, valid_form(**changes)).status_code == 302
    episode = only_episode(in_paris)
    assert (episode.duration_seconds, episode.ongoing) == (duration, duration is None)


def test_it_stores_left_and_right_of_one_region_as_both_sides(
    alice_web: Client, in_paris: User, frozen_now: datetime
) -> None:
    form = valid_form(locations=["calf:left", "calf:right", "tongue:midline"], symptoms=["cramp", "pain"])
    alice_web.post(LOG, form)
    children = episode_children(only_episode(in_paris).pk)
    assert sorted(children.locations) == [("calf", "both"), ("tongue", "midline")]
    assert children.symptoms == ["cramp", "pain"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"locations": ["brain:left"]}, "locations", "Unknown region"),
        ({"locations": ["calf"]}, "locations", "is not a region and a side"),
        ({"locations": ["tongue:left"]}, "locations", "not valid for tongue"),
        ({"locations": []}, "locations", "At least one location"),
        ({"triggers": ["moonlight"]}, "triggers", "Unknown trigger"),
        ({"symptoms": ["glowing"]}, "symptoms", "Unknown symptom"),
        ({"started_at": "2026-11-21T09:00"}, "started_at", "in the future"),
        ({"started_at": "yesterday"}, "started_at", "Enter the date and time"),
        ({"duration": "", "duration_value": "0"}, "duration", "between 1"),
        ({"duration": ""}, "duration", "Choose how long"),
        ({"duration_value": "ten"}, "duration", "as a number"),
        ({"notes": "x" * (MAX_NOTES_LENGTH + 1)}, "notes", f"At most {MAX_NOTES_LENGTH}"),
        ({"intensity": "11"}, "intensity", "between 1 and 10"),
        ({"intensity": ""}, "intensity", "Choose how strong"),
        ({"pattern": "wobbly"}, "pattern", "Unknown pattern"),
    ],
)
def test_it_refuses_bad_input_next_to_its_field_and_writes_nothing(
    alice_web: Client, in_paris: User, frozen_now: datetime, changes: dict[str, Any], field: str, message: str
) -> None:
    form = valid_form(**changes)
    response = alice_web.post(LOG, form)
    assert response.status_code == 400
    assert not Episode.objects.exists()
    html = response.content.decode()
    assert f'aria-describedby="error-{field}"' in html
    assert f'id="error-{field}"' in html
    assert message in " ".join(response.context["form"].errors[field])
    assert "After the run." in html or field == "notes"  # what was typed stays
    assert f'value="{form["form_id"]}"' in html  # and the same form id: a retry stays one episode


def test_it_keeps_every_typed_value_on_an_error(alice_web: Client, in_paris: User, frozen_now: datetime) -> None:
    form = valid_form(
        locations=["calf:left", "calf:right"], triggers=["stress"], symptoms=["weakness"], intensity="11", duration="5"
    )
    html = alice_web.post(LOG, form).content.decode()
    for name, value in [("locations", "calf:left"), ("locations", "calf:right"), ("triggers", "stress")]:
        assert f'name="{name}" value="{value}" checked' in html
    assert 'name="duration" value="5" checked' in html
    assert 'value="2026-11-20T12:30"' in html
    assert 'class="region on" data-location="calf:left"' in html
    # A red flag checked on a refused form shows its advice without any script.
    assert 'data-advice-for="weakness">' in html
    assert 'data-advice-for="pain" hidden' in html


def test_it_refuses_a_forged_csrf_token(in_paris: User, frozen_now: datetime) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(in_paris)
    response = client.post(LOG, {**valid_form(), "csrfmiddlewaretoken": "forged"})
    assert response.status_code == 403
    assert not Episode.objects.exists()


def test_it_saves_a_replayed_form_once(alice_web: Client, in_paris: User, frozen_now: datetime) -> None:
    form = valid_form()
    first = alice_web.post(LOG, form)
    again = alice_web.post(LOG, form)
    assert first["Location"] == again["Location"]
    assert Episode.objects.count() == 1


def test_it_saves_a_replayed_still_going_form_once(alice_web: Client, in_paris: User, frozen_now: datetime) -> None:
    form = valid_form(duration="ongoing")
    first = alice_web.post(LOG, form)
    with time_machine.travel(frozen_now + timedelta(seconds=3), tick=False):
        again = alice_web.post(LOG, form)
    assert first["Location"] == again["Location"]
    assert Episode.objects.count() == 1


def test_it_refuses_a_reused_form_id_with_other_values_and_offers_a_new_one(
    alice_web: Client, in_paris: User, bob_web: Client, frozen_now: datetime
) -> None:
    form = valid_form()
    alice_web.post(LOG, form)
    changed = alice_web.post(LOG, {**form, "intensity": "9"})
    assert changed.status_code == 400
    assert "already saved" in changed.content.decode()
    assert changed.context["form"].form_id != form["form_id"]
    stolen = bob_web.post(LOG, form)  # bob learns nothing of whose id it is
    assert stolen.status_code == 400
    assert "already in use" in stolen.content.decode()
    assert Episode.objects.count() == 1


def test_it_shows_the_saved_episode_with_red_flags_first(
    alice_web: Client, in_paris: User, frozen_now: datetime
) -> None:
    alice_web.post(LOG, valid_form(symptoms=["weakness", "cramp"], locations=["calf:left", "tongue:midline"]))
    page = alice_web.get(reverse("episode-detail", args=[only_episode(in_paris).pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("See a doctor soon: muscle weakness") < html.index("Calf (left)")
    assert "Calf (left), Tongue (midline)" in html
    assert "Friday 20 November 2026, 12:30" in html  # Paris time, not UTC
    for fact in ("1 min", "4 out of 10", "Caffeine", "Cramp"):
        assert fact in html
    for name in ("episode-edit", "history"):
        assert reverse(name, args=[only_episode(in_paris).pk] if name == "episode-edit" else []) in html


def test_it_answers_404_to_bob_on_alices_episode(alice: User, bob_web: Client, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice)
    for name in ("episode-detail", "episode-edit"):
        assert bob_web.get(reverse(name, args=[episode.pk])).status_code == 404
    edit = bob_web.post(reverse("episode-edit", args=[episode.pk]), {**valid_form(), "version": "1"})
    end = bob_web.post(reverse("episode-end", args=[episode.pk]))
    assert (edit.status_code, end.status_code) == (404, 404)
    episode.refresh_from_db()
    assert (episode.version, episode.duration_seconds) == (1, 30)


def test_it_prefills_the_edit_form_with_both_sides_checked(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    episode = EpisodeFactory(user=alice, locations=[LocationInput("calf", "both")], duration_seconds=120)
    html = alice_web.get(reverse("episode-edit", args=[episode.pk])).content.decode()
    for prefilled in ('value="calf:left" checked', 'value="calf:right" checked', 'name="duration_value" value="2"'):
        assert prefilled in html
    assert 'value="minutes" selected' in html
    assert 'name="version" value="1"' in html


def test_it_edits_an_episode_with_its_version(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice, started_at=datetime(2026, 11, 2, 9, 0, 7, tzinfo=ZoneInfo("UTC")))
    form = valid_form(started_at="2026-11-02T09:00:07", version="1", intensity="8", locations=["jaw:right"])
    response = alice_web.post(reverse("episode-edit", args=[episode.pk]), form)
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.version, episode.intensity) == (2, 8)
    assert episode.started_at == datetime(2026, 11, 2, 9, 0, 7, tzinfo=ZoneInfo("UTC"))  # untouched
    assert episode_children(episode.pk).locations == [("jaw", "right")]


def test_it_refuses_an_edit_of_a_stale_version(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice)
    episode_update(episode=episode, intensity=6)  # elsewhere: now version 2
    response = alice_web.post(reverse("episode-edit", args=[episode.pk]), valid_form(version="1", intensity="9"))
    assert response.status_code == 409
    assert "changed elsewhere" in response.content.decode()
    episode.refresh_from_db()
    assert (episode.version, episode.intensity) == (2, 6)


def test_it_refuses_a_bad_edit_and_writes_nothing(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice)
    response = alice_web.post(reverse("episode-edit", args=[episode.pk]), valid_form(version="1", triggers=["x"]))
    assert response.status_code == 400
    assert 'aria-describedby="error-triggers"' in response.content.decode()
    episode.refresh_from_db()
    assert episode.version == 1


def test_it_ends_an_episode_still_going(alice_web: Client, in_paris: User, frozen_now: datetime) -> None:
    alice_web.post(LOG, valid_form(duration="ongoing", started_at="2026-11-20T12:55"))
    episode = only_episode(in_paris)
    assert (episode.ongoing, episode.duration_seconds) == (True, None)
    detail = alice_web.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    log = alice_web.get(LOG).content.decode()
    end = reverse("episode-end", args=[episode.pk])
    assert end in detail
    assert "Still going since 12:55" in detail  # Paris time, the day left out: it is today
    assert end in log
    assert "still going since 12:55" in log
    assert "It stopped now" in log
    with time_machine.travel(frozen_now + timedelta(minutes=10), tick=False):
        ended = alice_web.post(end)
    assert ended["Location"] == reverse("episode-detail", args=[episode.pk])
    episode.refresh_from_db()
    assert (episode.ongoing, episode.duration_seconds, episode.version) == (False, 900, 2)
    assert end not in alice_web.get(LOG).content.decode()


def test_it_offers_to_end_every_episode_still_going_without_a_session_memory(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    """The logging page reads the episodes' own state: one logged on a phone, or in another
    browser, shows too (the session that logged it used to be the only memory of it)."""
    started_at = datetime(2026, 11, 19, 21, 4, tzinfo=ZoneInfo("UTC"))
    phone = EpisodeFactory(user=alice, started_at=started_at, ongoing=True, duration_seconds=None, source="mobile")
    EpisodeFactory(user=alice)  # ended: nothing to offer
    page = alice_web.get(LOG).content.decode()
    assert "still going since Thu 19 Nov, 21:04" in page  # not today: the day is named
    assert page.count("It stopped now") == 1
    response = alice_web.post(reverse("episode-end", args=[phone.pk]), {"back": "log"})
    assert response["Location"] == LOG
    phone.refresh_from_db()
    assert (phone.ongoing, phone.duration_seconds) == (False, 14 * 3600 + 56 * 60)


def test_it_asks_for_the_duration_of_an_episode_still_going_for_longer_than_an_episode_can_last(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    """Eight days on, "It stopped now" would make up a duration (capped or not): the person is
    sent to the edit form to say how long it lasted, and the episode stays still going."""
    started_at = frozen_now - timedelta(days=8)
    episode = EpisodeFactory(user=alice, started_at=started_at, ongoing=True, duration_seconds=None)
    assert "still going since" in alice_web.get(LOG).content.decode()  # never ended by itself
    response = alice_web.post(reverse("episode-end", args=[episode.pk]))
    assert response["Location"] == reverse("episode-edit", args=[episode.pk])
    page = alice_web.get(response["Location"]).content.decode()
    assert "more than 7 days ago" in page
    assert 'value="ongoing" checked' in page  # the edit form shows it still going
    episode.refresh_from_db()
    assert (episode.ongoing, episode.duration_seconds, episode.version) == (True, None, 1)


def test_it_edits_an_episode_still_going_into_an_ended_one(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    episode = EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=8), ongoing=True, duration_seconds=None)
    form = valid_form(started_at="2026-11-12T12:00", version="1", duration="300")
    assert alice_web.post(reverse("episode-edit", args=[episode.pk]), form).status_code == 302
    episode.refresh_from_db()
    assert (episode.ongoing, episode.duration_seconds, episode.version) == (False, 300, 2)


@pytest.mark.parametrize("count", [100, 10_000])
def test_it_costs_a_fixed_handful_of_queries_whatever_the_history(
    alice_web: Client, alice: User, frozen_now: datetime, count: int, django_assert_max_num_queries: Any
) -> None:
    write_history(
        alice,
        count,
        latest=datetime(2026, 9, 1, tzinfo=ZoneInfo("UTC")),
        region="calf",
        pattern="single_twitch",
        triggers=["stress"],
    )
    episode = Episode.live.filter(user=alice).first()
    assert episode is not None
    alice_web.get(LOG)  # the process's first page reads the reference choices once
    for url in (LOG, reverse("episode-detail", args=[episode.pk]), reverse("episode-edit", args=[episode.pk])):
        with django_assert_max_num_queries(6):
            assert alice_web.get(url).status_code == 200


def test_it_offers_the_recent_places_on_top_each_box_once_and_no_pattern_chosen(
    alice_web: Client, in_paris: User, frozen_now: datetime
) -> None:
    EpisodeFactory(user=in_paris, started_at=frozen_now - timedelta(hours=1), duration_seconds=60, intensity=4)
    html = alice_web.get(LOG).content.decode()
    recent = html[html.index('id="recent-places"') : html.index('class="to-all-places"')]
    assert 'name="locations" value="eyelid:left"' in recent
    assert html.count('name="locations" value="eyelid:left"') == 1  # not in its group again
    assert 'data-locations="eyelid:left" data-duration="60" data-intensity="4"' in recent
    assert 'name="pattern" value="single_twitch">' in html  # offered, not checked
    assert 'name="pattern" value="single_twitch" checked' not in html
    assert 'name="duration" value="5" checked' in html  # the one default, said next to Save
    assert "where? · a few seconds · how strong? · now" in html
    assert 'class="flagged"' not in html
