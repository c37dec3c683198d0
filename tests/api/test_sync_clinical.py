"""Sync of treatments, investigations and function checks: pulled beside episodes and check-ins in
one change order, pushed with the same rules (a client's id for the first two, a day for checks)."""

import math
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from rest_framework.test import APIClient

from diary.models import FunctionCheck, Investigation, Profile, Treatment
from diary.services import TREATMENTS, function_check_upsert, record_create
from tests.api.conftest import assert_error
from tests.api.test_clinical import investigation, treatment
from tests.api.test_sync import episode

URL = "/api/v1/sync/"
GONE = "2026-11-19T08:00:00Z"
PULL_KEYS = {"cursor", "has_more", "episodes", "checkins", "treatments", "investigations", "function_checks"}


def push(client: APIClient, **kinds: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    response = client.post(URL, kinds, format="json")
    assert response.status_code == 200, response.content
    results: dict[str, list[dict[str, Any]]] = response.json()["results"]
    assert set(results) == {"episodes", "checkins", "treatments", "investigations", "function_checks"}
    return results


def statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def check(day: str, **signs: Any) -> dict[str, Any]:
    return {"date": day, "weakness": "no", "cramps": "yes", **signs}


def test_a_push_creates_each_kind_and_a_replay_changes_nothing(
    as_alice: APIClient, alice: User, frozen_now: datetime
) -> None:
    batch = {
        "treatments": [treatment(), treatment(name="No caffeine", kind="lifestyle", dose="")],
        "investigations": [investigation()],
        "function_checks": [check("2026-11-13"), check("2026-11-20", weakness="yes")],
    }
    first = push(as_alice, **batch)
    assert [statuses(first[kind]) for kind in batch] == [["created", "created"], ["created"], ["created", "created"]]
    assert [r["id"] for r in first["treatments"]] == [t["id"] for t in batch["treatments"]]
    assert first["treatments"][0]["record"]["dose"] == "200 mg at night"
    assert [r["date"] for r in first["function_checks"]] == ["2026-11-13", "2026-11-20"]
    assert first["function_checks"][1]["record"]["weakness"] == "yes"
    last_change = Profile.objects.get(user=alice).last_change_seq
    replay = push(as_alice, **batch)
    assert [statuses(replay[kind]) for kind in batch] == [["unchanged"] * 2, ["unchanged"], ["unchanged"] * 2]
    assert [r["record"] for r in replay["treatments"]] == [r["record"] for r in first["treatments"]]
    assert Profile.objects.get(user=alice).last_change_seq == last_change
    assert (Treatment.objects.count(), Investigation.objects.count(), FunctionCheck.objects.count()) == (2, 1, 2)


def test_pull_merges_every_kind_in_change_order_under_one_limit(as_alice: APIClient, frozen_now: datetime) -> None:
    first_treatment = treatment()
    push(as_alice, episodes=[episode()], treatments=[first_treatment])
    push(as_alice, investigations=[investigation()], function_checks=[check("2026-11-13")])
    push(as_alice, treatments=[{"id": first_treatment["id"], "version": 1, "deleted_at": GONE}])
    page1 = as_alice.get(URL, {"limit": 2}).json()
    assert set(page1) == PULL_KEYS
    assert page1["has_more"] is True
    assert (len(page1["episodes"]), page1["treatments"], len(page1["investigations"])) == (1, [], 1)
    page2 = as_alice.get(URL, {"since": page1["cursor"], "limit": 2}).json()
    assert page2["has_more"] is False
    assert [c["date"] for c in page2["function_checks"]] == ["2026-11-13"]
    assert [(t["id"], t["deleted_at"] is not None) for t in page2["treatments"]] == [(first_treatment["id"], True)]
    nothing = as_alice.get(URL, {"since": page2["cursor"]}).json()
    assert [nothing[kind] for kind in PULL_KEYS - {"cursor", "has_more"}] == [[]] * 5


def test_an_edit_based_on_an_old_version_is_a_conflict_answering_the_servers_record(
    as_alice: APIClient, frozen_now: datetime
) -> None:
    shared = investigation(result="normal")
    push(as_alice, investigations=[shared])
    phone_a = push(as_alice, investigations=[{**shared, "version": 1, "result": "normal, no denervation"}])
    assert (statuses(phone_a["investigations"]), phone_a["investigations"][0]["record"]["version"]) == (["updated"], 2)
    phone_b = push(as_alice, investigations=[{**shared, "version": 1, "result": "abnormal"}])["investigations"]
    assert statuses(phone_b) == ["conflict"]
    assert phone_b[0]["record"]["result"] == "normal, no denervation"
    assert Investigation.objects.get().result == "normal, no denervation"


def test_a_deleted_record_stays_deleted(as_alice: APIClient, frozen_now: datetime) -> None:
    shared = treatment()
    push(as_alice, treatments=[shared])
    deleted = push(as_alice, treatments=[{"id": shared["id"], "version": 1, "deleted_at": GONE}])["treatments"]
    assert (statuses(deleted), deleted[0]["record"]["deleted_at"] is not None) == (["updated"], True)
    again = push(as_alice, treatments=[{"id": shared["id"], "version": 1, "deleted_at": GONE}])["treatments"]
    assert statuses(again) == ["unchanged"]
    stale_edit = push(as_alice, treatments=[{**shared, "version": 2, "dose": "400 mg"}])["treatments"]
    assert statuses(stale_edit) == ["conflict"]
    assert stale_edit[0]["record"]["deleted_at"] is not None
    assert not Treatment.live.exists()
    assert Treatment.objects.get().version == 2


def test_a_check_sent_as_new_for_a_day_holding_another_is_a_conflict(
    as_alice: APIClient, alice: User, frozen_now: datetime
) -> None:
    function_check_upsert(user=alice, date=date(2026, 11, 13), weakness=False, notes="from the web")
    results = push(as_alice, function_checks=[check("2026-11-13")])["function_checks"]
    assert statuses(results) == ["conflict"]
    assert results[0]["record"]["notes"] == "from the web"
    kept = push(as_alice, function_checks=[{**check("2026-11-13"), "version": 1}])["function_checks"]
    assert statuses(kept) == ["updated"]  # based on what the person saw: the phone's replaces it
    gone = push(as_alice, function_checks=[{"date": "2026-11-13", "version": 2, "deleted_at": GONE}])
    assert statuses(gone["function_checks"]) == ["updated"]
    stale = push(as_alice, function_checks=[{**check("2026-11-13"), "version": 2}])["function_checks"]
    assert (statuses(stale), stale[0]["record"]["deleted_at"] is not None) == (["conflict"], True)
    back = push(as_alice, function_checks=[{**check("2026-11-13"), "version": 3}])["function_checks"]
    assert statuses(back) == ["updated"]  # based on the tombstone: the day's check comes back, as a check-in's
    stored = FunctionCheck.objects.get()
    assert (stored.notes, stored.cramps, stored.version, stored.deleted_at) == ("", True, 4, None)


def test_bad_items_are_invalid_with_field_errors_and_the_rest_apply(as_alice: APIClient, frozen_now: datetime) -> None:
    good = treatment()
    results = push(
        as_alice,
        treatments=[good, treatment(kind="potion"), treatment(started_on="2026-12-01"), {"id": "nope"}, {"name": "x"}],
        investigations=[investigation(name="n" * 201)],
        function_checks=[
            check("2026-11-13", weakness=True),
            check("2026-11-14", weakness_where=[{"limb": "arm", "side": "left"}]),
            check("2026-12-14"),
            {"weakness": "no"},
        ],
    )
    assert statuses(results["treatments"]) == ["created", *["invalid"] * 4]
    assert [list(r["errors"]) for r in results["treatments"][1:]] == [["kind"], ["started_on"], ["id"], ["id"]]
    assert list(results["investigations"][0]["errors"]) == ["name"]
    assert statuses(results["function_checks"]) == ["invalid"] * 4
    assert [list(r["errors"]) for r in results["function_checks"]] == [
        ["weakness"],
        ["weakness_where"],
        ["date"],
        ["date"],
    ]
    assert list(Treatment.objects.values_list("id", flat=True)) == [uuid.UUID(good["id"])]
    assert (Investigation.objects.count(), FunctionCheck.objects.count()) == (0, 0)


def test_a_duplicate_is_invalid_whether_stored_or_in_the_same_batch(
    as_alice: APIClient, alice: User, frozen_now: datetime
) -> None:
    record_create(
        TREATMENTS, user=alice, values={"name": "Magnesium", "kind": "supplement", "started_on": date(2026, 10, 1)}
    )
    results = push(
        as_alice,
        treatments=[
            treatment(name="magnesium ", started_on=date(2026, 10, 5).isoformat()),  # over the stored one's days
            treatment(name="Gabapentin", started_on="2026-06-01", stopped_on="2026-07-01"),
            treatment(name="GABAPENTIN", started_on="2026-06-20"),  # over the one just above
            treatment(name="Gabapentin", started_on="2026-08-01"),  # after it: another course
        ],
        investigations=[investigation(), investigation(name="emg of both legs"), investigation(kind="mri")],
    )
    assert statuses(results["treatments"]) == ["invalid", "created", "invalid", "created"]
    assert "already have Magnesium" in results["treatments"][0]["errors"]["started_on"][0]
    assert "already have Gabapentin" in results["treatments"][2]["errors"]["started_on"][0]
    assert statuses(results["investigations"]) == ["created", "invalid", "created"]
    assert list(results["investigations"][1]["errors"]) == ["done_on"]
    assert (Treatment.objects.count(), Investigation.objects.count()) == (3, 2)


def test_the_same_key_twice_in_a_batch_is_invalid(as_alice: APIClient, frozen_now: datetime) -> None:
    twice = treatment()
    results = push(as_alice, treatments=[twice, twice], function_checks=[check("2026-11-13"), check("2026-11-13")])
    assert statuses(results["treatments"]) == ["created", "invalid"]
    assert statuses(results["function_checks"]) == ["created", "invalid"]
    assert results["function_checks"][1]["errors"] == {"date": ["Appears more than once in this batch."]}


def test_bob_neither_sees_nor_touches_alices_records(
    as_alice: APIClient, as_bob: APIClient, frozen_now: datetime
) -> None:
    mine, test = treatment(notes="alice only"), investigation()
    push(as_alice, treatments=[mine], investigations=[test], function_checks=[check("2026-11-13")])
    pulled = as_bob.get(URL).json()
    assert [pulled[kind] for kind in ("treatments", "investigations", "function_checks")] == [[], [], []]
    hijack = push(
        as_bob,
        treatments=[{**mine, "version": 1, "notes": "bob"}, {"id": mine["id"], "deleted_at": GONE}],
        investigations=[test],
    )
    assert statuses(hijack["treatments"]) == ["invalid", "invalid"]
    assert hijack["treatments"][0]["errors"] == {"id": ["This id is already in use."]}
    assert all(r["record"] is None for r in [*hijack["treatments"], *hijack["investigations"]])
    assert statuses(hijack["investigations"]) == ["invalid"]
    assert statuses(push(as_bob, function_checks=[check("2026-11-13")])["function_checks"]) == ["created"]  # his day
    stored = Treatment.objects.get()
    assert (stored.notes, stored.version, stored.deleted_at) == ("alice only", 1, None)


def test_an_unknown_key_names_every_kind(as_alice: APIClient) -> None:
    body = assert_error(as_alice.post(URL, {"treatment": []}, format="json"), 400, "invalid")
    assert "`function_checks`" in body["message"]
    assert "'treatment'" in body["message"]


def _sqlite_splits(model: type[Model], count: int) -> int:
    """The extra INSERT statements SQLite needs for `count` rows (999 parameters a statement)."""
    if connection.features.max_query_params is None:
        return 0
    per_statement = connection.features.max_query_params // len(model._meta.concrete_fields)
    return math.ceil(count / per_statement) - 1


def test_a_push_of_200_of_each_kind_costs_what_a_push_of_1_does(
    as_alice: APIClient, frozen_now: datetime, django_assert_max_num_queries: Any
) -> None:
    def batch(size: int, offset: int) -> dict[str, list[dict[str, Any]]]:
        days = [(frozen_now - timedelta(days=offset + i)).date().isoformat() for i in range(size)]
        return {
            "treatments": [treatment(name=f"T{offset + i}") for i in range(size)],
            "investigations": [investigation(name=f"I{offset + i}") for i in range(size)],
            "function_checks": [check(day) for day in days],
        }

    push(as_alice, **batch(1, 2000))  # the first write creates the profile
    with django_assert_max_num_queries(100) as one:
        push(as_alice, **batch(1, 0))
    # The token, the savepoint, the user's lock; for treatments and for investigations: the
    # stored rows of the pushed ids, the user's live ones (for duplicates), the change numbers'
    # claim, the insert inside a savepoint (3); for function checks: the stored rows of the
    # pushed days, the claim, the insert; the release.
    assert len(one.captured_queries) == 3 + 2 * 6 + 3 + 1
    splits = sum(_sqlite_splits(model, 200) for model in (Treatment, Investigation, FunctionCheck))
    with django_assert_max_num_queries(len(one.captured_queries) + splits):
        results = push(as_alice, **batch(200, 10))
    assert all(statuses(results[kind]) == ["created"] * 200 for kind in batch(0, 0))
    with django_assert_max_num_queries(len(one.captured_queries)):
        edits = push(as_alice, treatments=[{**t["record"], "version": 1, "dose": "1 g"} for t in results["treatments"]])
    assert statuses(edits["treatments"]) == ["updated"] * 200
    assert Treatment.live.filter(dose="1 g").count() == 200
