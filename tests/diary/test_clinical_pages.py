"""What you have tried and the tests you have had: the list with its add form, edit, "Stopped
today" in one tap, and a delete that asks first. Alice's records only: bob gets 404."""

from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diary.models import Investigation, Treatment
from diary.services import INVESTIGATIONS, TREATMENTS, record_create, record_delete
from tests.conftest import signed_in

TREATMENTS_URL = reverse("treatments")
TESTS_URL = reverse("investigations")
MAGNESIUM = {"name": "Magnesium", "kind": "supplement", "dose": "200 mg", "started_on": date(2026, 10, 1)}
EMG = {"name": "EMG of both legs", "kind": "emg", "done_on": date(2026, 9, 14), "result": "Normal, no denervation."}


def magnesium(user: User, **changes: Any) -> Treatment:
    record = record_create(TREATMENTS, user=user, values={**MAGNESIUM, **changes}).record
    assert record is not None
    return record


def emg(user: User, **changes: Any) -> Investigation:
    record = record_create(INVESTIGATIONS, user=user, values={**EMG, **changes}).record
    assert record is not None
    return record


def test_it_lists_what_was_tried_current_first(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    magnesium(alice, name="Less coffee", kind="lifestyle", dose="", started_on=date(2026, 3, 1))
    stopped = magnesium(alice, name="Propranolol", kind="medication", started_on=date(2026, 5, 1))
    Treatment.objects.filter(pk=stopped.pk).update(stopped_on=date(2026, 6, 1))
    magnesium(alice)
    html = alice_web.get(TREATMENTS_URL).content.decode()
    assert html.index("Magnesium") < html.index("Less coffee") < html.index("Propranolol")
    assert "since 1 Oct 2026, still going" in html
    assert "from 1 May 2026 to 1 Jun 2026" in html
    assert html.count("Stopped today") == 2  # not for the one already stopped


def test_it_adds_a_treatment(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    form = {"name": " Magnesium ", "kind": "supplement", "dose": "200 mg", "started_on": "2026-11-01", "notes": ""}
    response = alice_web.post(TREATMENTS_URL, form)
    assert response.status_code == 302
    treatment = Treatment.live.get(user=alice)
    assert (treatment.name, treatment.kind, treatment.started_on, treatment.stopped_on) == (
        "Magnesium",
        "supplement",
        date(2026, 11, 1),
        None,
    )
    assert "Saved: Magnesium." in alice_web.get(TREATMENTS_URL).content.decode()


def test_it_proposes_today_as_the_start(alice_web: Client, frozen_now: datetime) -> None:
    assert 'name="started_on" value="2026-11-20"' in alice_web.get(TREATMENTS_URL).content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Write what it was."),
        ({"kind": ""}, "kind", "Choose one in the list."),
        ({"started_on": "1st of May"}, "started_on", "Enter a date such as 2026-11-20."),
        ({"started_on": "2026-12-25"}, "started_on", "Cannot be in the future"),
    ],
)
def test_it_shows_field_errors_in_the_form(
    alice_web: Client, alice: User, frozen_now: datetime, change: dict[str, str], field: str, message: str
) -> None:
    form = {"name": "Magnesium", "kind": "supplement", "dose": "", "started_on": "2026-11-01", "notes": "", **change}
    response = alice_web.post(TREATMENTS_URL, form)
    assert response.status_code == 400
    html = response.content.decode()
    errors = html.split(f'id="error-{field}"', 1)[1].split("</ul>", 1)[0]
    assert message in errors
    assert f'aria-describedby="hint-{field} error-{field}"' in html or f'aria-describedby=" error-{field}"' in html
    assert not Treatment.objects.exists()


def test_it_refuses_the_same_treatment_twice_over_the_same_days(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    magnesium(alice)
    form = {"name": "magnesium", "kind": "supplement", "dose": "", "started_on": "2026-11-01", "notes": ""}
    response = alice_web.post(TREATMENTS_URL, form)
    assert response.status_code == 400
    assert "You already have Magnesium" in response.content.decode()
    assert Treatment.objects.count() == 1


def test_it_edits_a_treatment(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment = magnesium(alice)
    url = reverse("treatment-edit", args=[treatment.pk])
    page = alice_web.get(url).content.decode()
    assert 'name="dose" value="200 mg"' in page
    assert 'name="version" value="1"' in page
    form = {
        **{k: str(v) for k, v in MAGNESIUM.items()},
        "dose": "400 mg",
        "stopped_on": "",
        "notes": "",
        "version": "1",
    }
    assert alice_web.post(url, {**form, "kind": "medication"}).status_code == 302
    treatment.refresh_from_db()
    assert (treatment.dose, treatment.kind, treatment.version) == ("400 mg", "medication", 2)


def test_an_edit_from_a_stale_page_is_refused(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment = magnesium(alice)
    form = {**{k: str(v) for k, v in MAGNESIUM.items()}, "stopped_on": "", "notes": "", "version": "1"}
    alice_web.post(reverse("treatment-edit", args=[treatment.pk]), {**form, "dose": "300 mg"})
    response = alice_web.post(reverse("treatment-edit", args=[treatment.pk]), {**form, "dose": "400 mg"})
    assert response.status_code == 409
    assert "changed elsewhere" in response.content.decode()


def test_it_stops_a_treatment_today_in_one_tap(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment = magnesium(alice)
    response = alice_web.post(reverse("treatment-stop", args=[treatment.pk]), {"today": "1", "stopped_on": ""})
    assert response.status_code == 302
    treatment.refresh_from_db()
    assert treatment.stopped_on == date(2026, 11, 20)
    assert "Magnesium: stopped on 20 November 2026." in alice_web.get(TREATMENTS_URL).content.decode()


def test_it_stops_a_treatment_on_another_day(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment = magnesium(alice)
    alice_web.post(reverse("treatment-stop", args=[treatment.pk]), {"stopped_on": "2026-11-10"})
    treatment.refresh_from_db()
    assert treatment.stopped_on == date(2026, 11, 10)


def test_it_says_why_a_stop_day_is_refused(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment = magnesium(alice)
    alice_web.post(reverse("treatment-stop", args=[treatment.pk]), {"stopped_on": "2026-09-01"})
    treatment.refresh_from_db()
    assert treatment.stopped_on is None
    assert "Magnesium not stopped: Cannot be before the start" in alice_web.get(TREATMENTS_URL).content.decode()


def test_a_stop_is_a_post(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment = magnesium(alice)
    assert alice_web.get(reverse("treatment-stop", args=[treatment.pk])).status_code == 405


def test_it_asks_before_deleting_then_deletes(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment = magnesium(alice)
    url = reverse("treatment-delete", args=[treatment.pk])
    page = alice_web.get(url)
    assert "Delete Magnesium?" in page.content.decode()
    assert Treatment.live.count() == 1  # asking deletes nothing
    assert alice_web.post(url).status_code == 302
    assert not Treatment.live.exists()
    assert Treatment.objects.get().deleted_at is not None  # a tombstone, for sync
    assert "Nothing noted yet." in alice_web.get(TREATMENTS_URL).content.decode()


@pytest.mark.parametrize("name", ["treatment-edit", "treatment-stop", "treatment-delete"])
def test_bob_gets_404_on_alices_treatment(bob_web: Client, alice: User, frozen_now: datetime, name: str) -> None:
    treatment = magnesium(alice)
    url = reverse(name, args=[treatment.pk])
    assert bob_web.get(url).status_code in (404, 405)
    assert bob_web.post(url, {"today": "1", **{k: str(v) for k, v in MAGNESIUM.items()}}).status_code == 404
    treatment.refresh_from_db()
    assert (treatment.stopped_on, treatment.deleted_at, treatment.version) == (None, None, 1)


@pytest.mark.parametrize("name", ["treatment-edit", "treatment-stop", "treatment-delete"])
def test_a_deleted_treatment_is_a_404(alice_web: Client, alice: User, frozen_now: datetime, name: str) -> None:
    treatment = magnesium(alice)
    record_delete(record=treatment)
    assert alice_web.post(reverse(name, args=[treatment.pk]), {"today": "1"}).status_code == 404


@pytest.mark.parametrize("url", [TREATMENTS_URL, TESTS_URL])
def test_it_refuses_a_forged_csrf_token(alice: User, frozen_now: datetime, url: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    form = {"name": "x", "kind": "other", "started_on": "2026-11-01", "done_on": "2026-11-01"}
    assert client.post(url, {**form, "csrfmiddlewaretoken": "forged"}).status_code == 403
    assert not Treatment.objects.exists()
    assert not Investigation.objects.exists()


def test_the_stop_and_delete_forms_carry_a_csrf_token(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment = magnesium(alice)
    html = alice_web.get(TREATMENTS_URL).content.decode()
    stop = html.split(f'action="{reverse("treatment-stop", args=[treatment.pk])}"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in stop
    confirm = alice_web.get(reverse("treatment-delete", args=[treatment.pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in confirm


def test_it_sends_visitors_to_log_in(client: Client, db: None) -> None:
    for url in (TREATMENTS_URL, TESTS_URL, reverse("function-check")):
        assert client.get(url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("rows", [1, 30])
def test_the_lists_cost_the_same_few_queries_whatever_their_length(
    alice: User, frozen_now: datetime, rows: int, django_assert_max_num_queries: Any
) -> None:
    for i in range(rows):
        magnesium(alice, name=f"Thing {i}")
        emg(alice, name=f"Test {i}")
    client = signed_in(alice)
    # Session, user, the profile's zone, the list.
    for url in (TREATMENTS_URL, TESTS_URL):
        with django_assert_max_num_queries(4):
            response = client.get(url)
        assert response.content.decode().count('class="record-name"') == rows


# --- Tests you have had --------------------------------------------------------------------------


def test_it_lists_tests_latest_first_with_their_results(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    emg(alice)
    emg(alice, name="Blood tests", kind="blood", done_on=date(2026, 10, 2), result="CK slightly high.")
    html = alice_web.get(TESTS_URL).content.decode()
    assert "<h1>Tests you have had</h1>" in html
    assert html.index("Blood tests") < html.index("EMG of both legs")
    assert "Normal, no denervation." in html
    assert "14 Sep 2026" in html


def test_it_adds_a_test(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    form = {"name": "EMG", "kind": "emg", "done_on": "2026-11-02", "result": "Normal.", "notes": ""}
    assert alice_web.post(TESTS_URL, form).status_code == 302
    test = Investigation.live.get(user=alice)
    assert (test.name, test.kind, test.done_on, test.result) == ("EMG", "emg", date(2026, 11, 2), "Normal.")


def test_it_shows_a_tests_field_errors(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    form = {"name": "EMG", "kind": "emg", "done_on": "", "result": "", "notes": ""}
    response = alice_web.post(TESTS_URL, form)
    assert response.status_code == 400
    assert "Enter the date." in response.content.decode().split('id="error-done_on"', 1)[1]


def test_it_edits_and_deletes_a_test(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    test = emg(alice)
    form = {"name": "EMG", "kind": "emg", "done_on": "2026-09-14", "result": "Normal.", "notes": "", "version": "1"}
    assert alice_web.post(reverse("investigation-edit", args=[test.pk]), form).status_code == 302
    test.refresh_from_db()
    assert (test.name, test.result) == ("EMG", "Normal.")
    assert alice_web.post(reverse("investigation-delete", args=[test.pk])).status_code == 302
    assert not Investigation.live.exists()
    assert alice_web.get(reverse("investigation-edit", args=[test.pk])).status_code == 404


@pytest.mark.parametrize("name", ["investigation-edit", "investigation-delete"])
def test_bob_gets_404_on_alices_test(bob_web: Client, alice: User, frozen_now: datetime, name: str) -> None:
    test = emg(alice)
    assert bob_web.get(reverse(name, args=[test.pk])).status_code == 404
    assert bob_web.post(reverse(name, args=[test.pk]), {"name": "Mine"}).status_code == 404
    test.refresh_from_db()
    assert (test.name, test.deleted_at) == ("EMG of both legs", None)


def test_the_log_page_links_to_both(alice_web: Client, frozen_now: datetime) -> None:
    html = alice_web.get(reverse("episode-log")).content.decode()
    assert f'<a href="{TREATMENTS_URL}">What you have tried</a>' in html
    assert f'<a href="{TESTS_URL}">Tests you have had</a>' in html
    assert f'<a href="{reverse("function-check")}">Weekly check</a>' in html
