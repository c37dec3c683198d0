"""The check-in pages: today's (in the user's zone) and an earlier day's, one per local date."""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diary.models import MAX_NOTES_LENGTH, CheckIn, Episode
from diary.pages.checkin_form import MEASURES
from diary.services import checkin_upsert, episode_delete, profile_update
from tests.factories import EpisodeFactory, make_checkin, write_history

TODAY = "/checkin/"


def filled(**changes: str) -> dict[str, str]:
    form = {
        "sleep_hours": "7.5",
        "caffeine_cups": "2",
        "stress": "4",
        "exercise_minutes": "",
        "alcohol_units": "",
        "twitching_today": "yes",
        "notes": "Long day.",
    }
    form.update(changes)
    return form


def test_it_shows_todays_empty_check_in(alice_web: Client, frozen_now: datetime) -> None:
    page = alice_web.get(TODAY)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Friday 20 November 2026" in html
    assert reverse("checkin-day", args=["2026-11-19"]) in html
    assert 'for="sleep_hours"' in html


def test_it_takes_today_in_the_users_zone(alice_web: Client, alice: User) -> None:
    profile_update(user=alice, time_zone="Pacific/Kiritimati")  # UTC+14: already the 21st
    with time_machine.travel("2026-11-20T12:00:00Z", tick=False):
        alice_web.post(TODAY, filled())
    assert CheckIn.objects.get(user=alice).date == date(2026, 11, 21)


def test_it_creates_then_updates_the_days_check_in(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    response = alice_web.post(TODAY, filled())
    assert response.status_code == 302
    checkin = CheckIn.objects.get(user=alice)
    assert (checkin.date, checkin.sleep_hours, checkin.caffeine_cups, checkin.stress) == (date(2026, 11, 20), 7.5, 2, 4)
    assert (checkin.exercise_minutes, checkin.twitching_today, checkin.version) == (None, True, 1)
    html = alice_web.get(TODAY).content.decode()
    assert 'name="sleep_hours" value="7.5"' in html
    assert 'name="version" value="1"' in html
    alice_web.post(TODAY, filled(stress="6", twitching_today="no", version="1"))
    checkin.refresh_from_db()
    assert (checkin.stress, checkin.twitching_today, checkin.version) == (6, False, 2)
    assert CheckIn.objects.count() == 1


def test_it_saves_an_earlier_days_check_in(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    url = reverse("checkin-day", args=["2026-11-02"])
    response = alice_web.post(url, filled())
    assert response["Location"] == url
    assert CheckIn.objects.get(user=alice).date == date(2026, 11, 2)
    html = alice_web.get(url).content.decode()
    assert reverse("checkin-day", args=["2026-11-01"]) in html
    assert reverse("checkin-day", args=["2026-11-03"]) in html


@pytest.mark.parametrize("day", ["2026-11-21", "2027-01-01", "1899-12-31", "2026-13-01", "yesterday"])
def test_it_has_no_page_for_a_future_or_bad_date(alice_web: Client, frozen_now: datetime, day: str) -> None:
    url = reverse("checkin-day", args=[day])
    assert alice_web.get(url).status_code == 404
    assert alice_web.post(url, filled()).status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stress": "11"}, "stress", "between 0 and 10"),
        ({"caffeine_cups": "2.5"}, "caffeine_cups", "whole number"),
        ({"sleep_hours": "lots"}, "sleep_hours", "Enter a number"),
        ({"sleep_hours": "-1"}, "sleep_hours", "between 0 and 24"),
        ({"alcohol_units": "nan"}, "alcohol_units", "number"),
        ({"twitching_today": "maybe"}, "twitching_today", "Choose yes or no"),
        ({"notes": "x" * (MAX_NOTES_LENGTH + 1)}, "notes", f"At most {MAX_NOTES_LENGTH}"),
    ],
)
def test_it_refuses_bad_values_next_to_their_field_and_writes_nothing(
    alice_web: Client, frozen_now: datetime, changes: dict[str, str], field: str, message: str
) -> None:
    response = alice_web.post(TODAY, filled(**changes))
    assert response.status_code == 400
    assert not CheckIn.objects.exists()
    html = response.content.decode()
    assert re.search(f'aria-describedby="([^"]* )?error-{field}"', html)
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="7.5"' in html or field == "sleep_hours"


def test_it_refuses_a_stale_edit(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    make_checkin(alice, date(2026, 11, 20))
    checkin_upsert(user=alice, date=date(2026, 11, 20), stress=9)  # elsewhere: version 2
    response = alice_web.post(TODAY, filled(version="1"))
    assert response.status_code == 409
    assert CheckIn.objects.get(user=alice).stress == 9


def test_it_refuses_a_forged_csrf_token(alice: User, frozen_now: datetime) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(TODAY, {**filled(), "csrfmiddlewaretoken": "forged"}).status_code == 403
    assert not CheckIn.objects.exists()


def test_it_shows_only_the_users_own_check_in(bob_web: Client, alice: User, frozen_now: datetime) -> None:
    make_checkin(alice, date(2026, 11, 20), notes="alice's secret")
    assert "alice&#x27;s secret" not in bob_web.get(TODAY).content.decode()
    bob_web.post(TODAY, filled(notes="bob's"))
    assert CheckIn.objects.get(user=alice).notes == "alice's secret"


@pytest.mark.parametrize("count", [100, 10_000])
def test_it_costs_a_fixed_handful_of_queries(
    alice_web: Client, alice: User, frozen_now: datetime, count: int, django_assert_max_num_queries: Any
) -> None:
    write_history(alice, count, latest=datetime(2026, 9, 1, tzinfo=ZoneInfo("UTC")), region="calf")
    make_checkin(alice, date(2026, 11, 2))
    # The session, the user, the time zone, the day's check-in and the day's episodes (which
    # answer "did you notice twitching?").
    for url in (TODAY, reverse("checkin-day", args=["2026-11-02"])):
        with django_assert_max_num_queries(5):
            assert alice_web.get(url).status_code == 200


PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def three_today(alice: User, bob: User, frozen_now: datetime) -> list[Episode]:
    """Alice in Paris with three episodes on Friday 20 November, her today, and others around."""
    profile_update(user=alice, time_zone="Europe/Paris")
    today = [
        EpisodeFactory(user=alice, started_at=datetime(2026, 11, 20, 0, 30, tzinfo=PARIS)),  # the 19th in UTC
        EpisodeFactory(user=alice, started_at=datetime(2026, 11, 20, 9, 0, tzinfo=PARIS)),
        EpisodeFactory(user=alice, started_at=datetime(2026, 11, 20, 12, 0, tzinfo=PARIS)),
    ]
    EpisodeFactory(user=alice, started_at=datetime(2026, 11, 19, 23, 30, tzinfo=PARIS))  # the 19th
    episode_delete(episode=EpisodeFactory(user=alice, started_at=datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)))
    EpisodeFactory(user=bob, started_at=datetime(2026, 11, 20, 10, 0, tzinfo=PARIS))
    return today


def test_it_answers_the_twitching_question_from_the_days_episodes(
    alice_web: Client, three_today: list[Episode]
) -> None:
    html = alice_web.get(TODAY).content.decode()
    assert "Did you notice twitching" not in html
    assert "<strong>Twitching today: yes</strong>, 3 episodes logged." in html
    assert 'type="hidden" name="twitching_today" value="yes"' in html
    assert 'name="twitching_today" value="no"' not in html
    assert "/history/?date_from=2026-11-20&amp;date_to=2026-11-20" in html
    # The 19th has one episode (23:30 in Paris), the 18th none: asked, as ever.
    yesterday = alice_web.get(reverse("checkin-day", args=["2026-11-19"])).content.decode()
    assert "<strong>Twitching that day: yes</strong>, 1 episode logged." in yesterday
    asked = alice_web.get(reverse("checkin-day", args=["2026-11-18"])).content.decode()
    assert "Did you notice twitching that day?" in asked
    assert "Twitching that day: yes" not in asked


def test_it_saves_yes_on_a_day_with_episodes(alice_web: Client, alice: User, three_today: list[Episode]) -> None:
    # Saved "no" in the morning, before the episodes were logged: the page now says yes.
    make_checkin(alice, date(2026, 11, 20), twitching_today=False)
    html = alice_web.get(TODAY).content.decode()
    assert "<strong>Twitching today: yes</strong>" in html
    assert alice_web.post(TODAY, filled(version="1")).status_code == 302
    assert CheckIn.objects.get(user=alice).twitching_today is True


def test_it_refuses_no_twitching_on_a_day_with_episodes(
    alice_web: Client, alice: User, three_today: list[Episode]
) -> None:
    response = alice_web.post(TODAY, filled(twitching_today="no"))  # a form opened before they were logged
    assert response.status_code == 400
    assert not CheckIn.objects.exists()
    html = response.content.decode()
    assert "This day has 3 episodes logged, so it was not a day without twitching" in html
    assert 'id="error-twitching_today"' in html
    assert 'type="hidden" name="twitching_today" value="yes"' in html
    assert 'value="7.5"' in html  # what was typed is kept
    assert alice_web.post(TODAY, filled(twitching_today="yes")).status_code == 302
    assert CheckIn.objects.get(user=alice).twitching_today is True


def test_it_counts_only_the_users_own_episodes_and_takes_no_on_a_day_without(
    alice_web: Client, alice: User, bob_web: Client, three_today: list[Episode]
) -> None:
    # Each counts their own: bob's today has his one episode, not alice's three.
    assert "<strong>Twitching today: yes</strong>, 1 episode logged." in bob_web.get(TODAY).content.decode()
    url = reverse("checkin-day", args=["2026-11-18"])
    assert alice_web.post(url, filled(twitching_today="no")).status_code == 302
    assert CheckIn.objects.get(user=alice, date=date(2026, 11, 18)).twitching_today is False


# --- Issue 23: what a new user tripped over ---------------------------------------------------


def test_it_labels_each_measure_plainly_with_its_hint_under_the_box(alice_web: Client, frozen_now: datetime) -> None:
    """It read "Alcohol (units (a small glass of wine is about 1.5))": the label names the
    measure, the hint says the unit, and nothing nests parentheses."""
    html = alice_web.get(TODAY).content.decode()
    assert '<label for="alcohol_units">Alcohol</label>' in html
    assert '<small class="field-hint" id="hint-alcohol_units">units; a small glass of wine is about 1.5</small>' in html
    assert 'aria-describedby="hint-alcohol_units"' in html
    for name, label, hint in MEASURES:
        assert f'<label for="{name}">{label}</label>' in html
        assert f'id="hint-{name}">{hint}</small>' in html
        assert not set("()") & set(label + hint), (label, hint)
    assert "((" not in html


def test_it_names_a_field_in_error_and_its_hint_for_screen_readers(alice_web: Client, frozen_now: datetime) -> None:
    html = alice_web.post(TODAY, filled(stress="11")).content.decode()
    assert 'aria-describedby="hint-stress error-stress" aria-invalid="true"' in html


def checked_answers(html: str) -> list[str]:
    return re.findall(r'name="twitching_today" value="(\w*)" checked', html)


def test_it_asks_about_twitching_with_no_answer_chosen_and_a_way_to_clear_it(
    alice_web: Client, frozen_now: datetime
) -> None:
    """The question had a "Not saying" choice, chosen by default: now yes or no, nothing chosen
    until the person answers, and "Clear" (or, without JavaScript, "No answer") to take it back."""
    html = alice_web.get(TODAY).content.decode()
    assert "Not saying" not in html
    assert checked_answers(html) == []
    assert 'value="yes"> Yes</label>' in html
    assert 'value="no"> No</label>' in html
    assert 'data-clear-answer="twitching_today" hidden>Clear' in html  # shown by clear-answer.js
    assert 'diary/js/clear-answer.js"' in html
    assert '<noscript><label><input type="radio" name="twitching_today" value=""> No answer</label></noscript>' in html


def test_it_shows_the_saved_answer_and_clears_it(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    make_checkin(alice, date(2026, 11, 20), twitching_today=True)
    assert checked_answers(alice_web.get(TODAY).content.decode()) == ["yes"]
    form = filled(version="1")
    del form["twitching_today"]  # "Clear": no radio ticked, nothing sent
    assert alice_web.post(TODAY, form).status_code == 302
    assert CheckIn.objects.get(user=alice).twitching_today is None
    assert checked_answers(alice_web.get(TODAY).content.decode()) == []
    assert alice_web.post(TODAY, filled(twitching_today="", version="2")).status_code == 302  # "No answer"
    assert CheckIn.objects.get(user=alice).twitching_today is None


def test_it_highlights_check_in_in_the_menu(alice_web: Client, frozen_now: datetime) -> None:
    """The menu said "Log" on the check-in page: the check-in has its own item."""
    for url in (TODAY, reverse("checkin-day", args=["2026-11-18"])):
        page = alice_web.get(url)
        assert page.context["nav"] == "checkin"
        html = page.content.decode()
        assert f'<a href="{reverse("checkin")}" aria-current="page">Check-in</a>' in html
        assert f'<a href="{reverse("episode-log")}">Log</a>' in html
