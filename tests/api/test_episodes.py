import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from diary.models import Episode
from diary.services import LocationInput, profile_update
from tests.api.conftest import assert_error
from tests.factories import EpisodeFactory

URL = "/api/v1/episodes/"
CLIENT_ID = "0b8f3a52-6a8d-4bd4-9c1e-5f2f6c3a9d11"


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "id": CLIENT_ID,
        "started_at": "2026-11-19T21:15:00+13:00",
        "duration_seconds": 40,
        "locations": [{"region": "eyelid", "side": "left"}],
        "intensity": 4,
        "pattern": "intermittent_bursts",
        "triggers": ["caffeine", "stress"],
        "symptoms": [],
        "notes": "Third coffee",
        **overrides,
    }


def detail(episode_id: Any) -> str:
    return f"{URL}{episode_id}/"


def test_it_logs_an_episode_keeping_the_phones_offset(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    response = as_alice.post(URL, body())
    assert response.status_code == 201
    data = response.json()
    assert data["id"] == CLIENT_ID
    assert data["started_at"] == "2026-11-19T21:15:00+13:00"
    assert data["utc_offset_minutes"] == 13 * 60
    assert data["locations"] == [{"region": "eyelid", "side": "left"}]
    assert data["triggers"] == ["caffeine", "stress"]
    assert (data["version"], data["deleted_at"], data["source"]) == (1, None, "mobile")
    assert response["ETag"] == '"1"'
    assert Episode.objects.get().user == alice


def test_an_identical_replay_answers_the_same_record(as_alice: APIClient, frozen_now: datetime) -> None:
    first = as_alice.post(URL, body())
    again = as_alice.post(URL, body(triggers=["stress", "caffeine"]))  # order does not matter
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Episode.objects.count() == 1


def test_the_same_id_with_another_body_is_a_conflict(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.post(URL, body())
    assert_error(as_alice.post(URL, body(intensity=9)), 409, "conflict")
    assert Episode.objects.get().intensity == 4


def test_a_replay_of_a_deleted_episode_does_not_bring_it_back(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.post(URL, body())
    as_alice.delete(detail(CLIENT_ID))
    assert_error(as_alice.post(URL, body()), 409, "conflict")
    assert not Episode.live.exists()


def test_another_users_id_is_a_conflict_that_reveals_nothing(
    as_alice: APIClient, as_bob: APIClient, frozen_now: datetime
) -> None:
    as_alice.post(URL, body(notes="private"))
    answer = assert_error(as_bob.post(URL, body(notes="private")), 409, "conflict")
    assert "private" not in json.dumps(answer)


def test_server_owned_fields_cannot_be_set(as_alice: APIClient, bob: User, alice: User, frozen_now: datetime) -> None:
    response = as_alice.post(
        URL, body(version=99, user=bob.pk, created_at="2020-01-01T00:00:00Z", deleted_at="2026-01-01T00:00:00Z")
    )
    data = response.json()
    assert (data["version"], data["deleted_at"]) == (1, None)
    assert data["created_at"] == "2026-11-20T12:00:00Z"
    assert Episode.objects.get().user == alice


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"locations": [{"region": "elbow", "side": "left"}]}, "locations", "Allowed: abdomen"),
        ({"triggers": ["moonlight"]}, "triggers", "Unknown trigger code(s): moonlight. Allowed:"),
        ({"symptoms": ["hiccups"]}, "symptoms", "Allowed:"),
        ({"intensity": "strong"}, "intensity", "valid integer"),
        ({"intensity": 1e100}, "intensity", ""),
        ({"intensity": 11}, "intensity", "less than or equal to 10"),
        ({"duration_seconds": -5}, "duration_seconds", ""),
        ({"duration_seconds": 10**30}, "duration_seconds", ""),
        ({"started_at": "2026-11-19T21:15:00"}, "started_at", "UTC offset"),
        ({"started_at": "99999-01-01T00:00:00Z"}, "started_at", ""),
        ({"started_at": "2026-11-21T12:00:00Z"}, "started_at", "future"),
        ({"pattern": "sneeze"}, "pattern", "valid choice"),
        ({"locations": []}, "locations", ""),
        ({"locations": [{"region": "calf"}]}, "locations.0.side", "required"),
        ({"locations": "calf"}, "locations", ""),
        ({"notes": "x" * 2001}, "notes", "2000"),
        ({"triggers": ["caffeine"] * 31}, "triggers", ""),
        ({"id": "not-a-uuid"}, "id", "valid UUID"),
    ],
)
def test_bad_input_gets_field_errors_and_changes_nothing(
    as_alice: APIClient, frozen_now: datetime, overrides: dict[str, Any], field: str, text: str
) -> None:
    answer = assert_error(as_alice.post(URL, body(**overrides)), 400, "invalid", field)
    assert text in " ".join(answer["fields"][field])
    assert not Episode.objects.exists()


def test_malformed_json_and_wrong_media_type_are_clear_errors(as_alice: APIClient) -> None:
    assert_error(as_alice.post(URL, "{not json", content_type="application/json"), 400, "malformed")
    assert_error(as_alice.post(URL, '{"intensity": NaN}', content_type="application/json"), 400, "malformed")
    assert_error(
        as_alice.post(URL, "a=1", content_type="application/x-www-form-urlencoded"), 415, "unsupported_media_type"
    )
    assert_error(as_alice.post(URL, "[1, 2]", content_type="application/json"), 400, "invalid")


def test_a_huge_body_is_refused_with_413(as_alice: APIClient) -> None:
    huge = json.dumps(body(notes="x" * (3 * 1024 * 1024)))
    assert_error(as_alice.post(URL, huge, content_type="application/json"), 413, "too_large")
    assert not Episode.objects.exists()


def test_it_edits_with_if_match_and_refuses_a_stale_version(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.post(URL, body())
    edited = as_alice.patch(detail(CLIENT_ID), {"intensity": 7}, HTTP_IF_MATCH='"1"')
    assert edited.status_code == 200
    assert (edited.json()["intensity"], edited.json()["version"], edited["ETag"]) == (7, 2, '"2"')
    stale = as_alice.patch(detail(CLIENT_ID), {"intensity": 2}, HTTP_IF_MATCH="1")
    assert_error(stale, 412, "stale_version")
    assert Episode.objects.get().intensity == 7
    assert_error(as_alice.delete(detail(CLIENT_ID), HTTP_IF_MATCH="1"), 412, "stale_version")
    assert Episode.live.count() == 1
    assert_error(as_alice.patch(detail(CLIENT_ID), {"intensity": 2}, HTTP_IF_MATCH="v-two"), 400, "invalid", "If-Match")


def test_a_bad_edit_changes_nothing(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.post(URL, body())
    assert_error(as_alice.patch(detail(CLIENT_ID), {"intensity": 0, "triggers": ["x"]}), 400, "invalid", "intensity")
    assert_error(as_alice.patch(detail(CLIENT_ID), {"triggers": ["x"]}), 400, "invalid", "triggers")
    episode = Episode.objects.get()
    assert (episode.version, episode.intensity) == (1, 4)


def test_delete_hides_the_episode(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.post(URL, body())
    assert as_alice.delete(detail(CLIENT_ID)).status_code == 204
    assert_error(as_alice.get(detail(CLIENT_ID)), 404, "not_found")
    assert as_alice.get(URL).json()["results"] == []
    assert Episode.objects.get().deleted_at is not None


def test_bob_gets_404_on_alices_episode_and_never_sees_it(
    as_alice: APIClient, as_bob: APIClient, frozen_now: datetime
) -> None:
    as_alice.post(URL, body())
    for response in (
        as_bob.get(detail(CLIENT_ID)),
        as_bob.patch(detail(CLIENT_ID), {"intensity": 1}),
        as_bob.delete(detail(CLIENT_ID)),
    ):
        answer = assert_error(response, 404, "not_found")
        assert "Third coffee" not in json.dumps(answer)
    assert as_bob.get(URL).json()["results"] == []
    episode = Episode.objects.get()
    assert (episode.intensity, episode.deleted_at) == (4, None)
    assert_error(as_bob.get(detail(uuid.uuid4())), 404, "not_found")  # exactly like a missing one


def test_anonymous_gets_401_everywhere(anonymous: APIClient, alice: User, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice)
    for response in (
        anonymous.get(URL),
        anonymous.post(URL, body()),
        anonymous.get(detail(episode.id)),
        anonymous.patch(detail(episode.id), {"intensity": 1}),
        anonymous.delete(detail(episode.id)),
    ):
        assert_error(response, 401, "not_authenticated")
    assert Episode.objects.count() == 1


def make_history(user: User, now: datetime, count: int, **tags: Any) -> list[Episode]:
    return [EpisodeFactory(user=user, started_at=now - timedelta(hours=3 * i + 1), **tags) for i in range(count)]


def test_it_lists_newest_first_in_capped_cursor_pages(as_alice: APIClient, alice: User, frozen_now: datetime) -> None:
    episodes = make_history(alice, frozen_now, 7)
    first = as_alice.get(URL, {"page_size": 3}).json()
    assert [e["id"] for e in first["results"]] == [str(e.id) for e in episodes[:3]]
    second = as_alice.get(first["next"]).json()
    assert [e["id"] for e in second["results"]] == [str(e.id) for e in episodes[3:6]]
    capped = as_alice.get(URL, {"page_size": 10_000}).json()
    assert len(capped["results"]) == 7  # the cap is 200; all seven fit
    assert_error(as_alice.get(URL, {"cursor": "garbage"}), 400, "invalid", "cursor")
    assert_error(as_alice.get(URL, {"page_size": "0"}), 400, "invalid", "page_size")
    assert_error(as_alice.get(URL, {"date_to": ""}), 400, "invalid", "date_to")


def test_it_filters_by_local_dates_region_trigger_and_symptom(
    as_alice: APIClient, alice: User, frozen_now: datetime
) -> None:
    profile_update(user=alice, time_zone="Pacific/Auckland")
    # 20 Nov 10:30 UTC is 20 Nov 23:30 in Auckland; 20 Nov 11:30 UTC is already 21 Nov there.
    late = EpisodeFactory(user=alice, started_at=datetime.fromisoformat("2026-11-20T10:30:00+00:00"))
    next_day = EpisodeFactory(
        user=alice,
        started_at=datetime.fromisoformat("2026-11-20T11:30:00+00:00"),
        locations=[LocationInput("calf", "both")],
        triggers=["exercise"],
        symptoms=["cramp"],
    )

    def ids(**params: str) -> list[str]:
        return [e["id"] for e in as_alice.get(URL, params).json()["results"]]

    assert ids(date_from="2026-11-21") == [str(next_day.id)]
    assert ids(date_to="2026-11-20") == [str(late.id)]
    assert ids(region="calf") == ids(trigger="exercise") == ids(symptom="cramp") == [str(next_day.id)]
    assert ids(region="eyelid", date_from="2026-11-20", date_to="2026-11-20") == [str(late.id)]
    answer = assert_error(as_alice.get(URL, {"region": "elbow"}), 400, "invalid", "region")
    assert "Allowed: abdomen" in answer["fields"]["region"][0]
    assert_error(as_alice.get(URL, {"date_from": "yesterday"}), 400, "invalid", "date_from")


TAGS: dict[str, Any] = {
    "locations": [LocationInput("eyelid", "left"), LocationInput("cheek", "left"), LocationInput("calf", "both")],
    "triggers": ["caffeine", "stress", "poor_sleep", "screen_time", "fatigue"],
    "symptoms": ["dry_eye", "tiredness", "anxiety", "cramp", "weakness"],
}


def test_a_page_costs_the_same_queries_whatever_its_size_and_tags(
    as_alice: APIClient, alice: User, frozen_now: datetime, django_assert_num_queries: Any
) -> None:
    make_history(alice, frozen_now, 60, **TAGS)
    # token lookup (with its user), the page, locations, regions, triggers, symptoms
    with django_assert_num_queries(6):
        small = as_alice.get(URL, {"page_size": 2})
    with django_assert_num_queries(6):
        large = as_alice.get(URL, {"page_size": 60})
    assert len(small.json()["results"]) == 2
    assert len(large.json()["results"]) == 60
    assert large.json()["results"][0]["symptoms"] == sorted(TAGS["symptoms"])


def test_creating_an_episode_costs_a_fixed_handful_of_queries_however_many_tags(
    as_alice: APIClient, alice: User, frozen_now: datetime
) -> None:
    profile_update(user=alice, time_zone="Europe/Paris")  # as after registration

    def queries_to_create(**tags: Any) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = as_alice.post(URL, body(id=str(uuid.uuid4()), **tags))
        assert response.status_code == 201
        return len(queries)

    few = queries_to_create(triggers=["caffeine"], symptoms=["dry_eye"])
    many = queries_to_create(triggers=TAGS["triggers"], symptoms=TAGS["symptoms"])
    assert few == many <= 20


# Still going: `ongoing` true and `duration_seconds` null until it ends.


def test_it_logs_an_episode_still_going_with_no_duration(as_alice: APIClient, frozen_now: datetime) -> None:
    response = as_alice.post(URL, body(ongoing=True, duration_seconds=None))
    assert response.status_code == 201
    assert (response.json()["ongoing"], response.json()["duration_seconds"]) == (True, None)
    left_out = {
        key: value for key, value in body(id=str(uuid.uuid4()), ongoing=True).items() if key != "duration_seconds"
    }
    assert as_alice.post(URL, left_out).json()["duration_seconds"] is None
    assert as_alice.get(URL).json()["results"][0]["ongoing"] is True


def test_an_ended_episode_says_it_is_not_ongoing(as_alice: APIClient, frozen_now: datetime) -> None:
    data = as_alice.post(URL, body()).json()
    assert (data["ongoing"], data["duration_seconds"]) == (False, 40)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ongoing": True}, "duration_seconds"),  # still going, with a duration
        ({"duration_seconds": None}, "duration_seconds"),  # ended, without one
        ({"ongoing": "true", "duration_seconds": None}, "ongoing"),  # a JSON boolean only
        ({"ongoing": 1, "duration_seconds": None}, "ongoing"),
        ({"ongoing": None, "duration_seconds": None}, "ongoing"),
    ],
)
def test_a_duration_that_does_not_fit_ongoing_is_a_field_error(
    as_alice: APIClient, frozen_now: datetime, changes: dict[str, Any], field: str
) -> None:
    answer = assert_error(as_alice.post(URL, body(**changes)), 400, "invalid", field)
    assert set(answer["fields"]) == {field}
    assert not Episode.objects.exists()


def test_an_identical_replay_of_an_episode_still_going_answers_the_same_record(
    as_alice: APIClient, frozen_now: datetime
) -> None:
    first = as_alice.post(URL, body(ongoing=True, duration_seconds=None))
    with time_machine.travel(frozen_now + timedelta(minutes=2), tick=False):
        again = as_alice.post(URL, body(ongoing=True, duration_seconds=None))
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Episode.objects.count() == 1


def test_patching_ongoing_false_ends_it_now(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.post(URL, body(ongoing=True, duration_seconds=None, started_at="2026-11-20T12:45:30+01:00"))
    ended = as_alice.patch(detail(CLIENT_ID), {"ongoing": False}, HTTP_IF_MATCH='"1"')
    assert ended.status_code == 200
    data = ended.json()
    assert (data["ongoing"], data["duration_seconds"], data["version"], ended["ETag"]) == (False, 870, 2, '"2"')
    assert (Episode.objects.get().duration_seconds, Episode.objects.get().ongoing) == (870, False)  # 11:45:30 to 12:00


def test_ending_it_again_changes_nothing_and_a_stale_end_is_refused(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.post(URL, body(ongoing=True, duration_seconds=None, started_at="2026-11-20T11:50:00Z"))
    as_alice.patch(detail(CLIENT_ID), {"ongoing": False})
    with time_machine.travel(frozen_now + timedelta(hours=1), tick=False):
        again = as_alice.patch(detail(CLIENT_ID), {"ongoing": False})
        stale = as_alice.patch(detail(CLIENT_ID), {"ongoing": False}, HTTP_IF_MATCH='"1"')
    assert (again.status_code, again.json()["duration_seconds"], again.json()["version"]) == (200, 600, 2)
    assert_error(stale, 412, "stale_version")
    assert Episode.objects.get().duration_seconds == 600


def test_ending_one_going_for_longer_than_an_episode_can_last_asks_for_its_duration(
    as_alice: APIClient, frozen_now: datetime
) -> None:
    as_alice.post(URL, body(ongoing=True, duration_seconds=None, started_at="2026-11-12T12:00:00Z"))
    assert_error(as_alice.patch(detail(CLIENT_ID), {"ongoing": False}), 400, "invalid", "duration_seconds")
    assert Episode.objects.get().ongoing is True
    ended = as_alice.patch(detail(CLIENT_ID), {"ongoing": False, "duration_seconds": 900})
    assert (ended.json()["ongoing"], ended.json()["duration_seconds"]) == (False, 900)


def test_bob_gets_404_ending_alices_episode(as_alice: APIClient, as_bob: APIClient, frozen_now: datetime) -> None:
    as_alice.post(URL, body(ongoing=True, duration_seconds=None))
    assert_error(as_bob.patch(detail(CLIENT_ID), {"ongoing": False}), 404, "not_found")
    episode = Episode.objects.get()
    assert (episode.ongoing, episode.version) == (True, 1)
