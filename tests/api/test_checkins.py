import json
from datetime import datetime

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from diary.models import CheckIn
from tests.api.conftest import assert_error
from tests.factories import make_checkin

URL = "/api/v1/checkins/"
DAY = f"{URL}2026-11-19/"


def test_it_creates_then_replaces_a_days_checkin(as_alice: APIClient, frozen_now: datetime) -> None:
    created = as_alice.put(DAY, {"caffeine_cups": 5, "sleep_hours": 5.5, "twitching_today": True})
    assert created.status_code == 201
    assert created.json()["date"] == "2026-11-19"
    assert (created.json()["caffeine_cups"], created.json()["stress"], created["ETag"]) == (5, None, '"1"')
    replaced = as_alice.put(DAY, {"stress": 8}, HTTP_IF_MATCH='"1"')
    assert replaced.status_code == 200
    assert (replaced.json()["caffeine_cups"], replaced.json()["stress"], replaced.json()["version"]) == (None, 8, 2)
    assert as_alice.get(DAY).json()["stress"] == 8


def test_a_stale_put_or_delete_is_refused(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.put(DAY, {"stress": 1})
    as_alice.put(DAY, {"stress": 2})
    assert_error(as_alice.put(DAY, {"stress": 9}, HTTP_IF_MATCH="1"), 412, "stale_version")
    assert_error(as_alice.delete(DAY, HTTP_IF_MATCH="1"), 412, "stale_version")
    assert CheckIn.live.get().stress == 2


def test_bad_values_get_field_errors(as_alice: APIClient, frozen_now: datetime) -> None:
    answer = assert_error(as_alice.put(DAY, {"stress": 11, "sleep_hours": "long", "caffeine_cups": -1}), 400, "invalid")
    assert set(answer["fields"]) == {"stress", "sleep_hours", "caffeine_cups"}
    assert_error(as_alice.put(f"{URL}2026-11-25/", {"stress": 1}), 400, "invalid", "date")
    assert_error(as_alice.put(f"{URL}2026-02-30/", {"stress": 1}), 404, "not_found")
    assert not CheckIn.objects.exists()


def test_delete_hides_it_and_a_put_brings_the_day_back(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.put(DAY, {"stress": 3})
    assert as_alice.delete(DAY).status_code == 204
    assert_error(as_alice.get(DAY), 404, "not_found")
    assert_error(as_alice.delete(DAY), 404, "not_found")
    assert as_alice.put(DAY, {"stress": 4}).json()["version"] == 3
    assert CheckIn.objects.count() == 1


def test_it_lists_a_date_range_newest_first(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    for day in ("2026-11-01", "2026-11-05", "2026-11-10"):
        make_checkin(alice, day=datetime.fromisoformat(day).date())
    listed = as_alice.get(URL, {"date_from": "2026-11-02", "date_to": "2026-11-10"}).json()["results"]
    assert [c["date"] for c in listed] == ["2026-11-10", "2026-11-05"]


def test_bob_gets_404_on_alices_checkins(as_alice: APIClient, as_bob: APIClient, frozen_now: datetime) -> None:
    as_alice.put(DAY, {"stress": 3, "notes": "secret"})
    assert "secret" not in json.dumps(assert_error(as_bob.get(DAY), 404, "not_found"))
    assert_error(as_bob.delete(DAY), 404, "not_found")
    assert as_bob.get(URL).json()["results"] == []
    assert as_bob.put(DAY, {"stress": 9}).status_code == 201  # bob's own day, a separate record
    assert CheckIn.objects.get(user__username="alice").stress == 3


def test_anonymous_gets_401(anonymous: APIClient) -> None:
    for response in (anonymous.get(URL), anonymous.get(DAY), anonymous.put(DAY, {}), anonymous.delete(DAY)):
        assert_error(response, 401, "not_authenticated")
