"""The weekly function check: one form of yes-or-no questions a day, "All no" in one tap, where a
weakness is, and the "see a doctor soon" notice after a yes to a warning sign (never for cramps)."""

from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diary.models import FunctionCheck
from diary.plain import FUNCTION_SIGNS, FUNCTION_WARNING_SIGNS
from diary.services import function_check_delete, function_check_upsert
from tests.conftest import signed_in

TODAY = reverse("function-check")
NOTICE = "See a doctor soon"


def answers(**yes: str) -> dict[str, str]:
    return dict.fromkeys(FUNCTION_SIGNS, "no") | yes


def test_it_asks_each_question_with_a_calm_word_first(alice_web: Client, frozen_now: datetime) -> None:
    html = alice_web.get(TODAY).content.decode()
    assert "A quick weekly check. Most people answer no to all of these." in html
    assert "Friday 20 November 2026" in html
    for sign in FUNCTION_SIGNS:
        assert f'name="{sign}" value="yes"' in html
        assert f'name="{sign}" value="no"' in html
    assert "checked" not in html.split('id="function-check"', 1)[1]  # nothing answered for the person
    assert html.index('name="vision_hearing"') < html.index('name="cramps"')  # cramps last
    assert "common with benign twitching" in html
    assert NOTICE not in html


def test_it_saves_the_answers(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    response = alice_web.post(TODAY, answers(cramps="yes", notes="Calves at night."))
    assert response.status_code == 302
    check = FunctionCheck.live.get(user=alice)
    assert check.date == date(2026, 11, 20)
    assert check.cramps is True
    assert check.weakness is False
    assert check.notes == "Calves at night."
    html = alice_web.get(TODAY).content.decode()
    assert "Weekly check for Friday 20 November saved." in html
    assert 'name="cramps" value="yes" checked' in html
    assert NOTICE not in html  # cramps are not a warning sign


def test_the_all_no_button_saves_every_answer_no(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    html = alice_web.get(TODAY).content.decode()
    assert '<button type="submit" name="all_no" value="1"' in html
    response = alice_web.post(TODAY, {"all_no": "1", "weakness": "yes", "weakness_where": "leg:left", "notes": "x"})
    assert response.status_code == 302
    check = FunctionCheck.live.get(user=alice)
    assert all(getattr(check, sign) is False for sign in FUNCTION_SIGNS)
    assert (check.weakness_where, check.notes) == ([], "x")
    assert NOTICE not in alice_web.get(TODAY).content.decode()


def test_a_yes_to_weakness_says_where(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    form = answers(weakness="yes") | {"weakness_where": ["leg:left", "hand:both"]}
    assert alice_web.post(TODAY, form).status_code == 302
    check = FunctionCheck.live.get(user=alice)
    assert check.weakness is True
    assert check.weakness_where == [{"limb": "hand", "side": "both"}, {"limb": "leg", "side": "left"}]
    html = alice_web.get(TODAY).content.decode()
    assert 'value="leg:left" checked' in html
    assert 'value="hand:both" checked' in html


def test_places_ticked_with_a_no_to_weakness_are_left_out(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    alice_web.post(TODAY, answers() | {"weakness_where": "leg:left"})
    assert FunctionCheck.live.get(user=alice).weakness_where == []


@pytest.mark.parametrize("sign", FUNCTION_WARNING_SIGNS)
def test_a_yes_to_a_warning_sign_shows_the_notice_after_saving(
    alice_web: Client, alice: User, frozen_now: datetime, sign: str
) -> None:
    response = alice_web.post(TODAY, answers(**{sign: "yes"}), follow=True)
    html = response.content.decode()
    notice = html.split('class="red-flag"', 1)[1].split("</section>", 1)[0]
    assert NOTICE in notice
    assert "as soon as possible" in notice  # the reference's advice, as the log shows it
    assert html.count('class="red-flag"') == 1


def test_the_notice_names_each_warning_sign(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    html = alice_web.post(TODAY, answers(weakness="yes", swallowing="yes"), follow=True).content.decode()
    assert "See a doctor soon: weakness" in html
    assert "See a doctor soon: trouble swallowing" in html  # as the quick log says it
    assert "loss of strength" in html  # the reference's advice for muscle weakness


def test_no_notice_before_a_yes_is_saved(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    response = alice_web.post(TODAY, answers(weakness="yes", notes="x" * 3000))
    assert response.status_code == 400
    assert NOTICE not in response.content.decode()
    assert not FunctionCheck.objects.exists()


def test_it_shows_field_errors_in_the_form(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    response = alice_web.post(TODAY, answers(speech="maybe"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose yes or no." in html.split('id="error-speech"', 1)[1]
    assert 'aria-invalid="true" aria-describedby="error-speech"' in html
    response = alice_web.post(TODAY, answers(weakness="yes") | {"weakness_where": "tail:left"})
    assert response.status_code == 400
    assert "A limb is one of" in response.content.decode().split('id="error-weakness_where"', 1)[1]


def test_an_edit_from_a_stale_page_is_refused(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    function_check_upsert(user=alice, date=date(2026, 11, 20), weakness=False)
    function_check_upsert(user=alice, date=date(2026, 11, 20), weakness=True)  # from the phone
    response = alice_web.post(TODAY, answers() | {"version": "1"})
    assert response.status_code == 409
    assert FunctionCheck.live.get().weakness is True


def test_an_earlier_days_check(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    url = reverse("function-check-day", args=["2026-11-13"])
    assert "Friday 13 November 2026" in alice_web.get(url).content.decode()
    assert alice_web.post(url, answers()).status_code == 302
    assert FunctionCheck.live.get().date == date(2026, 11, 13)
    assert alice_web.get(reverse("function-check-day", args=["2026-11-20"]))["Location"] == TODAY


@pytest.mark.parametrize("day", ["2026-11-21", "1899-12-31", "yesterday"])
def test_a_day_out_of_range_is_a_404(alice_web: Client, frozen_now: datetime, day: str) -> None:
    assert alice_web.get(reverse("function-check-day", args=[day])).status_code == 404


def test_bob_never_sees_nor_changes_alices_check(bob_web: Client, alice: User, frozen_now: datetime) -> None:
    function_check_upsert(user=alice, date=date(2026, 11, 20), weakness=True, notes="Alice's note")
    html = bob_web.get(TODAY).content.decode()
    assert "Alice's note" not in html
    assert NOTICE not in html
    bob_web.post(TODAY, answers())
    assert FunctionCheck.live.get(user=alice).weakness is True


def test_a_deleted_check_is_asked_again(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    check, _ = function_check_upsert(user=alice, date=date(2026, 11, 20), weakness=True)
    function_check_delete(check=check)
    html = alice_web.get(TODAY).content.decode()
    assert NOTICE not in html
    assert "Saved already" not in html


def test_it_refuses_a_forged_csrf_token(alice: User, frozen_now: datetime) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(TODAY, {**answers(), "csrfmiddlewaretoken": "forged"}).status_code == 403
    assert not FunctionCheck.objects.exists()


def test_the_page_costs_the_same_few_queries(
    alice: User, frozen_now: datetime, django_assert_max_num_queries: Any
) -> None:
    function_check_upsert(user=alice, date=date(2026, 11, 20), weakness=True, breathing=True)
    client = signed_in(alice)
    # Session, user, the profile's zone, the check, the advice.
    with django_assert_max_num_queries(5):
        assert client.get(TODAY).status_code == 200
