"""Treatments, investigations and weekly function checks on the API: the rules of episodes
(a client's id, replays, If-Match, tombstones) and of check-ins (one a day, set whole)."""

import json
import uuid
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from diary.models import FunctionCheck, Investigation, Treatment
from tests.api.conftest import assert_error

TREATMENTS = "/api/v1/treatments/"
INVESTIGATIONS = "/api/v1/investigations/"
CHECKS = "/api/v1/function-checks/"
DAY = f"{CHECKS}2026-11-19/"


def treatment(**overrides: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "name": "Magnesium",
        "kind": "supplement",
        "dose": "200 mg at night",
        "started_on": "2026-10-01",
        **overrides,
    }


def investigation(**overrides: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "name": "EMG of both legs", "kind": "emg", "done_on": "2026-09-14", **overrides}


# Each id-keyed kind: its address, a body, its model, and the field a duplicate is reported on.
KINDS = [
    pytest.param(TREATMENTS, treatment, Treatment, "started_on", id="treatments"),
    pytest.param(INVESTIGATIONS, investigation, Investigation, "done_on", id="investigations"),
]


@pytest.mark.parametrize(("url", "body", "model", "_"), KINDS)
def test_it_creates_answers_a_replay_and_refuses_another_content(
    as_alice: APIClient, frozen_now: datetime, url: str, body: Any, model: Any, _: str
) -> None:
    sent = body()
    created = as_alice.post(url, sent)
    assert (created.status_code, created["ETag"]) == (201, '"1"'), created.content
    answer = created.json()
    assert (answer["id"], answer["version"], answer["deleted_at"]) == (sent["id"], 1, None)
    assert answer["created_at"].endswith("Z")
    replay = as_alice.post(url, sent)
    assert (replay.status_code, replay.json()) == (200, answer)
    different = as_alice.post(url, {**sent, "notes": "another"})
    assert "different content" in assert_error(different, 409, "conflict")["message"]
    assert model.objects.count() == 1
    assert as_alice.get(f"{url}{sent['id']}/").json() == answer


@pytest.mark.parametrize(("url", "body", "model", "_"), KINDS)
def test_it_edits_with_if_match_and_refuses_a_stale_version(
    as_alice: APIClient, frozen_now: datetime, url: str, body: Any, model: Any, _: str
) -> None:
    sent = body()
    as_alice.post(url, sent)
    edited = as_alice.patch(f"{url}{sent['id']}/", {"notes": "helped a bit"}, HTTP_IF_MATCH='"1"')
    assert (edited.status_code, edited["ETag"], edited.json()["notes"]) == (200, '"2"', "helped a bit")
    assert edited.json()["name"] == sent["name"]  # the other fields as they were
    assert_error(as_alice.patch(f"{url}{sent['id']}/", {"notes": "x"}, HTTP_IF_MATCH="1"), 412, "stale_version")
    assert_error(as_alice.delete(f"{url}{sent['id']}/", HTTP_IF_MATCH="1"), 412, "stale_version")
    stored = model.objects.get()
    assert (stored.version, stored.notes, stored.deleted_at) == (2, "helped a bit", None)


@pytest.mark.parametrize(("url", "body", "model", "_"), KINDS)
def test_a_deleted_record_is_gone_and_its_id_stays_taken(
    as_alice: APIClient, frozen_now: datetime, url: str, body: Any, model: Any, _: str
) -> None:
    sent = body()
    as_alice.post(url, sent)
    assert as_alice.delete(f"{url}{sent['id']}/").status_code == 204
    for response in (
        as_alice.get(f"{url}{sent['id']}/"),
        as_alice.patch(f"{url}{sent['id']}/", {"notes": "x"}),
        as_alice.delete(f"{url}{sent['id']}/"),
    ):
        assert_error(response, 404, "not_found")
    assert "was deleted" in assert_error(as_alice.post(url, sent), 409, "conflict")["message"]
    assert as_alice.get(url).json()["results"] == []
    stored = model.objects.get()
    assert (stored.version, stored.deleted_at is not None) == (2, True)


@pytest.mark.parametrize(("url", "body", "model", "_"), KINDS)
def test_bob_gets_404_on_alices_and_cannot_take_their_ids(
    as_alice: APIClient, as_bob: APIClient, frozen_now: datetime, url: str, body: Any, model: Any, _: str
) -> None:
    sent = body(notes="alice only")
    as_alice.post(url, sent)
    for response in (
        as_bob.get(f"{url}{sent['id']}/"),
        as_bob.patch(f"{url}{sent['id']}/", {"notes": "bob"}),
        as_bob.delete(f"{url}{sent['id']}/"),
    ):
        assert "alice only" not in json.dumps(assert_error(response, 404, "not_found"))
    taken = assert_error(as_bob.post(url, {**sent, "notes": "bob"}), 409, "conflict")
    assert taken["message"] == "This id is already in use."
    assert as_bob.get(url).json()["results"] == []
    stored = model.objects.get()
    assert (stored.user.username, stored.notes, stored.version) == ("alice", "alice only", 1)


@pytest.mark.parametrize(("url", "body", "model", "field"), KINDS)
def test_the_same_record_entered_twice_is_refused_on_its_date(
    as_alice: APIClient, frozen_now: datetime, url: str, body: Any, model: Any, field: str
) -> None:
    as_alice.post(url, body())
    twice = as_alice.post(url, body(name=body()["name"].upper()))
    assert "already have" in assert_error(twice, 400, "invalid", field)["fields"][field][0]
    assert model.objects.count() == 1


def test_lists_are_newest_first_and_paged(as_alice: APIClient, frozen_now: datetime) -> None:
    for started in ("2026-03-01", "2026-06-01", "2026-01-01"):
        as_alice.post(TREATMENTS, treatment(name=f"From {started}", started_on=started))
    page = as_alice.get(TREATMENTS, {"page_size": 2}).json()
    assert [t["started_on"] for t in page["results"]] == ["2026-06-01", "2026-03-01"]
    rest = as_alice.get(page["next"]).json()
    assert [t["started_on"] for t in rest["results"]] == ["2026-01-01"]
    for done in ("2026-02-01", "2026-08-01"):
        as_alice.post(INVESTIGATIONS, investigation(done_on=done))
    assert [i["done_on"] for i in as_alice.get(INVESTIGATIONS).json()["results"]] == ["2026-08-01", "2026-02-01"]


def test_a_treatment_is_stopped_with_a_patch(as_alice: APIClient, frozen_now: datetime) -> None:
    sent = treatment()
    as_alice.post(TREATMENTS, sent)
    assert as_alice.get(TREATMENTS).json()["results"][0]["stopped_on"] is None
    stopped = as_alice.patch(f"{TREATMENTS}{sent['id']}/", {"stopped_on": "2026-11-20"})
    assert (stopped.status_code, stopped.json()["stopped_on"]) == (200, "2026-11-20")
    early = as_alice.patch(f"{TREATMENTS}{sent['id']}/", {"stopped_on": "2026-09-01"})
    assert_error(early, 400, "invalid", "stopped_on")
    assert Treatment.objects.get().stopped_on.isoformat() == "2026-11-20"


def test_a_create_without_an_id_gets_one(as_alice: APIClient, frozen_now: datetime) -> None:
    body = treatment()
    del body["id"]
    created = as_alice.post(TREATMENTS, body)
    assert created.status_code == 201
    assert Treatment.objects.get().id == uuid.UUID(created.json()["id"])


# --- Function checks ---------------------------------------------------------------------------


def test_it_sets_a_days_check_whole_and_replaces_it(as_alice: APIClient, frozen_now: datetime) -> None:
    body = {"weakness": "yes", "weakness_where": [{"limb": "arm", "side": "left"}], "cramps": "no"}
    created = as_alice.put(DAY, body, format="json")
    assert (created.status_code, created["ETag"]) == (201, '"1"'), created.content
    answer = created.json()
    assert (answer["date"], answer["weakness"], answer["cramps"], answer["wasting"]) == (
        "2026-11-19",
        "yes",
        "no",
        None,
    )
    assert answer["weakness_where"] == [{"limb": "arm", "side": "left"}]
    assert as_alice.put(DAY, body, format="json").json()["version"] == 1  # the same again changes nothing
    replaced = as_alice.put(DAY, {"weakness": "no"}, format="json", HTTP_IF_MATCH='"1"')
    assert (replaced.status_code, replaced.json()["version"], replaced.json()["cramps"]) == (200, 2, None)
    assert_error(as_alice.put(DAY, {"weakness": "yes"}, format="json", HTTP_IF_MATCH='"1"'), 412, "stale_version")
    assert_error(as_alice.delete(DAY, HTTP_IF_MATCH="1"), 412, "stale_version")
    stored = FunctionCheck.objects.get()
    assert (stored.weakness, stored.weakness_where, stored.version) == (False, [], 2)


def test_a_deleted_check_is_gone_until_the_day_is_set_again(as_alice: APIClient, frozen_now: datetime) -> None:
    as_alice.put(DAY, {"weakness": "no"}, format="json")
    assert as_alice.delete(DAY).status_code == 204
    assert_error(as_alice.get(DAY), 404, "not_found")
    assert_error(as_alice.delete(DAY), 404, "not_found")
    assert as_alice.get(CHECKS).json()["results"] == []
    assert as_alice.put(DAY, {"weakness": "no"}, format="json").json()["version"] == 3
    assert FunctionCheck.objects.count() == 1


def test_checks_list_a_date_range_newest_first(as_alice: APIClient, frozen_now: datetime) -> None:
    for day in ("2026-11-01", "2026-11-08", "2026-11-15"):
        as_alice.put(f"{CHECKS}{day}/", {"weakness": "no"}, format="json")
    listed = as_alice.get(CHECKS, {"date_from": "2026-11-02", "date_to": "2026-11-15"}).json()["results"]
    assert [c["date"] for c in listed] == ["2026-11-15", "2026-11-08"]
    assert_error(as_alice.get(CHECKS, {"date_from": "yesterday"}), 400, "invalid", "date_from")


def test_bob_gets_404_on_alices_checks(
    as_alice: APIClient, as_bob: APIClient, alice: User, frozen_now: datetime
) -> None:
    as_alice.put(DAY, {"weakness": "yes", "notes": "secret"}, format="json")
    assert "secret" not in json.dumps(assert_error(as_bob.get(DAY), 404, "not_found"))
    assert_error(as_bob.delete(DAY), 404, "not_found")
    assert as_bob.get(CHECKS).json()["results"] == []
    assert as_bob.put(DAY, {"weakness": "no"}, format="json").status_code == 201  # his own day
    assert FunctionCheck.objects.get(user=alice).notes == "secret"


@pytest.mark.parametrize(
    "url",
    [TREATMENTS, f"{TREATMENTS}{uuid.uuid4()}/", INVESTIGATIONS, f"{INVESTIGATIONS}{uuid.uuid4()}/", CHECKS, DAY],
)
def test_anonymous_gets_401(anonymous: APIClient, url: str) -> None:
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(anonymous, method)(url, {})
        assert_error(response, 401, "not_authenticated")


# --- Hostile input -----------------------------------------------------------------------------

LONG = "x" * 1_000_001

HOSTILE_TREATMENTS = [
    (treatment(kind="potion"), "kind"),
    (treatment(name="n" * 201), "name"),
    (treatment(name="   "), "name"),
    (treatment(started_on="2026-12-25"), "started_on"),
    (treatment(started_on="1066-10-14"), "started_on"),
    (treatment(started_on="2026-10-01", stopped_on="2026-09-01"), "stopped_on"),
    (treatment(notes="n" * 2001), "notes"),
    (treatment(name=LONG), "name"),
    (treatment(notes=LONG), "notes"),
    (treatment(id="not-a-uuid"), "id"),
    (treatment(started_on=20261001), "started_on"),
    (treatment(notes=0), "notes"),  # a number is not text (DRF would store "0")
    (treatment(name=12), "name"),
    (treatment(id=False), "id"),  # DRF would read it as the UUID of 0
]
HOSTILE_INVESTIGATIONS = [
    (investigation(kind="x-ray"), "kind"),
    (investigation(name="n" * 201), "name"),
    (investigation(done_on="2027-01-01"), "done_on"),
    (investigation(result=LONG), "result"),
    (investigation(notes="n" * 2001), "notes"),
]
HOSTILE_CHECKS = [
    ({"weakness": True}, "weakness"),
    ({"cramps": 1}, "cramps"),
    ({"wasting": "maybe"}, "wasting"),
    ({"weakness": "no", "weakness_where": [{"limb": "arm", "side": "left"}]}, "weakness_where"),
    ({"weakness_where": [{"limb": "arm", "side": "left"}]}, "weakness_where"),
    ({"weakness": "yes", "weakness_where": [{"limb": "tail", "side": "left"}]}, "weakness_where.0.limb"),
    ({"weakness": "yes", "weakness_where": [{"limb": "arm", "side": "left"}] * 10}, "weakness_where"),
    ({"notes": "n" * 2001}, "notes"),
    ({"notes": LONG}, "notes"),
]


@pytest.mark.parametrize(("body", "field"), HOSTILE_TREATMENTS)
def test_a_bad_treatment_is_refused_by_field(as_alice: APIClient, frozen_now: datetime, body: Any, field: str) -> None:
    assert_error(as_alice.post(TREATMENTS, body, format="json"), 400, "invalid", field)
    assert not Treatment.objects.exists()


@pytest.mark.parametrize(("body", "field"), HOSTILE_INVESTIGATIONS)
def test_a_bad_investigation_is_refused_by_field(
    as_alice: APIClient, frozen_now: datetime, body: Any, field: str
) -> None:
    assert_error(as_alice.post(INVESTIGATIONS, body, format="json"), 400, "invalid", field)
    assert not Investigation.objects.exists()


@pytest.mark.parametrize(("body", "field"), HOSTILE_CHECKS)
def test_a_bad_check_is_refused_by_field(as_alice: APIClient, frozen_now: datetime, body: Any, field: str) -> None:
    assert_error(as_alice.put(DAY, body, format="json"), 400, "invalid", field)
    assert not FunctionCheck.objects.exists()


def test_a_check_for_a_future_day_is_refused(as_alice: APIClient, frozen_now: datetime) -> None:
    assert_error(as_alice.put(f"{CHECKS}2026-11-25/", {"weakness": "no"}, format="json"), 400, "invalid", "date")
    assert_error(as_alice.put(f"{CHECKS}2026-02-30/", {"weakness": "no"}, format="json"), 404, "not_found")
    assert not FunctionCheck.objects.exists()


@pytest.mark.parametrize("body", [[], ["name"], "magnesium", 42, None])
@pytest.mark.parametrize("url", [TREATMENTS, INVESTIGATIONS, DAY])
def test_a_body_that_is_not_an_object_is_refused(
    as_alice: APIClient, frozen_now: datetime, url: str, body: Any
) -> None:
    method = as_alice.put if url == DAY else as_alice.post
    response = method(url, json.dumps(body), content_type="application/json")
    assert_error(response, 400, "invalid")
    assert [model.objects.count() for model in (Treatment, Investigation, FunctionCheck)] == [0, 0, 0]


def test_a_bad_edit_changes_nothing(as_alice: APIClient, frozen_now: datetime) -> None:
    sent = treatment()
    as_alice.post(TREATMENTS, sent)
    for body, field in [({"kind": "potion"}, "kind"), ({"name": "n" * 201}, "name"), ({"notes": LONG}, "notes")]:
        assert_error(as_alice.patch(f"{TREATMENTS}{sent['id']}/", body, format="json"), 400, "invalid", field)
    assert_error(as_alice.patch(f"{TREATMENTS}{sent['id']}/", "[]", content_type="application/json"), 400, "invalid")
    assert Treatment.objects.get().version == 1
