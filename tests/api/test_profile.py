"""GET|PATCH /api/v1/profile/: the time zone and the clinical profile, the signed-in user's own."""

import json
import time
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from diary.models import Profile
from diary.services import profile_update
from tests.api.conftest import assert_error

URL = "/api/v1/profile/"
EMPTY = {
    "time_zone": "UTC",
    "display_name": "",
    "date_of_birth": None,
    "twitching_since": None,
    "family_history": "",
    "version": 1,
}


def patch(client: APIClient, body: Any) -> Any:
    return client.patch(URL, json.dumps(body), content_type="application/json")


def test_it_answers_the_defaults_before_anything_is_set(as_alice: APIClient, alice: User) -> None:
    assert as_alice.get(URL).json() == EMPTY
    assert not Profile.objects.exists()  # a read creates nothing


def test_it_updates_any_subset_and_keeps_the_rest(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    answer = patch(as_alice, {"display_name": "  Alice Martin ", "date_of_birth": "1980-04-02"})
    assert answer.status_code == 200
    assert answer.json() == {**EMPTY, "display_name": "Alice Martin", "date_of_birth": "1980-04-02", "version": 2}
    answer = patch(as_alice, {"twitching_since": "2024-06-01", "family_history": "Father: ALS at 70.", "x": 1})
    assert answer.json() == {
        "time_zone": "UTC",
        "display_name": "Alice Martin",
        "date_of_birth": "1980-04-02",
        "twitching_since": "2024-06-01",
        "family_history": "Father: ALS at 70.",
        "version": 3,
    }
    assert as_alice.get(URL).json() == answer.json()


def test_null_and_empty_clear_the_fields(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    profile_update(user=alice, display_name="Alice", date_of_birth=date(1980, 1, 1), family_history="Mother")
    answer = patch(as_alice, {"display_name": None, "date_of_birth": None, "family_history": ""})
    assert answer.json() == {**EMPTY, "version": 3}
    profile = Profile.objects.get(pk=alice.pk)
    assert (profile.display_name, profile.date_of_birth, profile.family_history) == ("", None, "")


def test_it_changes_the_time_zone(as_alice: APIClient, alice: User) -> None:
    assert patch(as_alice, {"time_zone": "Europe/Paris"}).json()["time_zone"] == "Europe/Paris"
    assert_error(patch(as_alice, {"time_zone": "Mars/Olympus"}), 400, "invalid", "time_zone")
    assert Profile.objects.get(pk=alice.pk).time_zone == "Europe/Paris"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"date_of_birth": "2026-11-21"}, {"date_of_birth"}),  # tomorrow
        ({"date_of_birth": "1899-12-31"}, {"date_of_birth"}),
        ({"twitching_since": "2027-01-01", "date_of_birth": "2026-12-01"}, {"twitching_since", "date_of_birth"}),
        ({"display_name": "x" * 101}, {"display_name"}),
        ({"date_of_birth": "1990-01-01", "twitching_since": "1989-12-31"}, {"twitching_since"}),
        ({"family_history": "x" * 2001}, {"family_history"}),
        ({"display_name": "Alice\nMartin"}, {"display_name"}),
        ({"date_of_birth": "2026-02-30", "twitching_since": "soon"}, {"date_of_birth", "twitching_since"}),
    ],
)
def test_a_refused_field_is_named_and_nothing_is_written(
    as_alice: APIClient, alice: User, frozen_now: datetime, body: dict[str, Any], fields: set[str]
) -> None:
    answer = assert_error(patch(as_alice, {**body, "time_zone": "Asia/Tokyo"}), 400, "invalid")
    assert set(answer["fields"]) == fields
    assert as_alice.get(URL).json() == EMPTY


def test_the_onset_is_checked_against_a_stored_date_of_birth(
    as_alice: APIClient, alice: User, frozen_now: datetime
) -> None:
    profile_update(user=alice, date_of_birth=date(1990, 5, 1))
    assert_error(patch(as_alice, {"twitching_since": "1990-04-30"}), 400, "invalid", "twitching_since")
    assert patch(as_alice, {"twitching_since": "1990-05-01"}).status_code == 200
    assert_error(patch(as_alice, {"date_of_birth": "1990-05-02"}), 400, "invalid", "twitching_since")
    assert Profile.objects.get(pk=alice.pk).date_of_birth == date(1990, 5, 1)


def test_today_is_the_users_own(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    # 12:00 UTC on 20 November is already 21 November in Kiritimati (UTC+14).
    assert_error(patch(as_alice, {"date_of_birth": "2026-11-21"}), 400, "invalid", "date_of_birth")
    assert patch(as_alice, {"time_zone": "Pacific/Kiritimati", "date_of_birth": "2026-11-21"}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"display_name": "x" * 1_000_000},
        {"family_history": {"nested": ["deep"] * 1000}},
        {"date_of_birth": ["1980-01-01"]},
        {"date_of_birth": 19800101},
        {"date_of_birth": "1980-01-01T00:00:00Z"},
        {"twitching_since": "99999-01-01"},
        {"display_name": True},
        {"time_zone": "x" * 100_000},
        [{"display_name": "Alice"}],
        "Alice",
    ],
)
def test_hostile_input_is_a_quick_400(as_alice: APIClient, alice: User, frozen_now: datetime, body: Any) -> None:
    started = time.perf_counter()
    assert_error(patch(as_alice, body), 400, "invalid")
    assert time.perf_counter() - started < 2  # generous: it is milliseconds, never seconds
    assert as_alice.get(URL).json() == EMPTY


def test_bob_never_sees_alices_profile(as_alice: APIClient, as_bob: APIClient, alice: User) -> None:
    patch(as_alice, {"display_name": "Alice Martin", "family_history": "secret"})
    assert as_bob.get(URL).json() == EMPTY
    assert patch(as_bob, {"display_name": "Bob"}).json()["display_name"] == "Bob"
    assert as_alice.get(URL).json()["display_name"] == "Alice Martin"


def test_anonymous_gets_401_and_changes_nothing(alice: User) -> None:
    assert_error(APIClient().get(URL), 401, "not_authenticated")
    assert_error(patch(APIClient(), {"display_name": "Mallory"}), 401, "not_authenticated")
    assert not Profile.objects.exists()


def test_only_get_and_patch(as_alice: APIClient) -> None:
    assert_error(as_alice.put(URL, {}), 405, "method_not_allowed")
    assert_error(as_alice.delete(URL), 405, "method_not_allowed")


def test_it_reads_and_writes_in_a_few_queries(
    as_alice: APIClient, alice: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    profile_update(user=alice, time_zone="Europe/Paris")
    with django_assert_num_queries(2):  # the token with its user; the profile
        assert as_alice.get(URL).status_code == 200
    # The token with its user; the transaction's savepoint and release (within the test's own
    # transaction); the profile locked; the update.
    with django_assert_num_queries(5):
        assert patch(as_alice, {"display_name": "Alice"}).status_code == 200


def test_an_edit_based_on_an_older_version_is_refused_and_changes_nothing(
    as_alice: APIClient, alice: User, frozen_now: datetime
) -> None:
    first = patch(as_alice, {"display_name": "Alice"})
    assert (first.json()["version"], first["ETag"]) == (2, '"2"')
    phone = as_alice.patch(
        URL, json.dumps({"display_name": "Al"}), content_type="application/json", HTTP_IF_MATCH='"2"'
    )
    assert phone.json()["version"] == 3
    laptop = as_alice.patch(
        URL, json.dumps({"family_history": "None"}), content_type="application/json", HTTP_IF_MATCH='"2"'
    )
    assert laptop.status_code == 412
    assert Profile.objects.get(pk=alice.pk).family_history == ""
    assert patch(as_alice, {"display_name": "Al"}).json()["version"] == 3  # no change, no new version
