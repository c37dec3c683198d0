import io
import json
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from diary.services.clinical import INVESTIGATIONS, TREATMENTS, record_create
from diary.services.function_checks import function_check_upsert
from tests.api.conftest import assert_error, client_for
from tests.factories import EpisodeFactory
from tests.tracker.account.account_data import fill_account
from tracker.account.export import FORMAT, VERSION, export_account

CLINICAL = ("display_name", "date_of_birth", "twitching_since", "family_history")


def exported(client: APIClient) -> dict[str, Any]:
    response = client.get("/api/v1/account/export/")
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(b"".join(response.streaming_content))
    return document


def test_it_exports_the_whole_account_as_an_attachment(alice: User, frozen_now: datetime) -> None:
    account = fill_account(alice)
    response = client_for(alice).get("/api/v1/account/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="twitch-diary-export-alice-2026-11-20.json"'
    document = json.loads(b"".join(response.streaming_content))
    assert (document["format"], document["version"], document["range"]) == (FORMAT, VERSION, None)
    assert document["exported_at"] == "2026-11-20T12:00:00Z"
    assert document["profile"]["username"] == "alice"
    assert document["profile"]["time_zone"] == "Pacific/Auckland"
    assert {key: document["profile"][key] for key in CLINICAL} == {
        "display_name": "Alice Martin",
        "date_of_birth": "1980-04-02",
        "twitching_since": "2024-06-01",
        "family_history": "Father: ALS at 70 — «confirmé»",
    }
    assert [e["id"] for e in document["episodes"]] == [str(e.id) for e in account.episodes]  # oldest first
    tombstone = document["episodes"][0]
    assert tombstone["deleted_at"] == "2026-11-20T12:00:00Z"
    assert document["episodes"][1]["version"] == 2
    busy = document["episodes"][-1]
    assert busy["started_at"] == "2026-11-05T21:00:00+13:00"
    assert busy["utc_offset_minutes"] == 780
    assert busy["locations"] == [{"region": "calf", "side": "left"}, {"region": "thigh", "side": "both"}]
    assert (busy["triggers"], busy["symptoms"]) == (["caffeine", "exercise"], ["weakness"])
    assert busy["notes"] == "After the run — «ça tire»"
    assert [(c["date"], c["deleted_at"] is None) for c in document["checkins"]] == [
        ("2026-11-02", True),
        ("2026-11-03", False),
    ]
    assert document["checkins"][0]["notes"] == "slept badly"
    assert [t["id"] for t in document["treatments"]] == [str(t.id) for t in account.treatments]  # oldest first
    magnesium = document["treatments"][0]
    assert {key: magnesium[key] for key in ("name", "kind", "dose", "started_on", "stopped_on", "version")} == {
        "name": "Magnesium",
        "kind": "supplement",
        "dose": "400 mg at night",
        "started_on": "2026-10-01",
        "stopped_on": "2026-11-10",
        "version": 2,
    }
    assert magnesium["notes"] == "Slept better — «un peu»"
    assert document["treatments"][1]["deleted_at"] == "2026-11-20T12:00:00Z"  # tombstones included
    assert document["treatments"][2]["stopped_on"] is None
    assert [(i["name"], i["deleted_at"] is None) for i in document["investigations"]] == [
        ("CK", False),
        ("EMG of both legs", True),
    ]
    assert document["investigations"][1]["result"] == "Normal: no denervation"
    weak, fine = document["function_checks"]
    assert weak["id"] == str(account.function_checks[0].id)
    assert (weak["date"], weak["weakness"], weak["wasting"], weak["cramps"], weak["speech"]) == (
        "2026-11-08",
        "yes",
        "no",
        "yes",
        None,
    )
    assert weak["weakness_where"] == [{"limb": "hand", "side": "left"}]
    assert (fine["date"], fine["deleted_at"]) == ("2026-11-15", "2026-11-20T12:00:00Z")
    [share] = document["shares"]
    assert share["id"] == str(account.share.id)
    assert "token_hash" not in share
    assert account.share.token_hash not in json.dumps(document)
    assert share["range"]["date_from"] == "2026-11-01"
    assert [(a["what"], a["client_address"]) for a in share["accesses"]] == [("page", "203.0.113.9")]
    [report] = document["reports"]
    assert (report["id"], report["format"], report["size"], report["status"]) == (
        str(account.report.id),
        "pdf",
        17,
        "ready",
    )


def test_it_writes_one_record_per_line(alice: User, frozen_now: datetime) -> None:
    fill_account(alice)
    out = io.BytesIO()
    export_account(out, user=alice)
    lines = out.getvalue().decode().splitlines()
    assert sum(line.startswith('{"id": ') for line in lines) == 4 + 2 + 3 + 2 + 2 + 1 + 1


def test_bob_gets_his_own_account_and_nothing_of_alices(alice: User, bob: User, frozen_now: datetime) -> None:
    fill_account(alice)
    document = exported(client_for(bob))
    assert document["profile"]["username"] == "bob"
    for name in ("episodes", "checkins", "treatments", "investigations", "function_checks", "shares", "reports"):
        assert document[name] == [], name


def test_an_anonymous_caller_gets_401(alice: User) -> None:
    assert_error(APIClient().get("/api/v1/account/export/"), 401, "not_authenticated")


def _queries_of_an_export(user: User, client: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        exported(client)
    return len(queries)


def test_it_costs_the_same_queries_for_5_and_50_episodes(alice: User, bob: User, frozen_now: datetime) -> None:
    fill_account(alice, episodes=4)  # 5 with the busy one
    fill_account(bob, episodes=49)
    EpisodeFactory.create_batch(1, user=bob)
    as_alice, as_bob = client_for(alice), client_for(bob)
    small, large = _queries_of_an_export(alice, as_alice), _queries_of_an_export(bob, as_bob)
    assert len(exported(as_bob)["episodes"]) == 51
    assert small == large
    # The token, then profile, episodes, 3 kinds of children, check-ins, treatments, investigations,
    # function checks, shares, accesses, reports.
    assert large <= 15


def test_it_costs_the_same_queries_for_few_and_many_treatments_tests_and_checks(
    alice: User, bob: User, frozen_now: datetime
) -> None:
    fill_account(alice)
    fill_account(bob)
    for n in range(30):
        record_create(
            TREATMENTS, user=bob, values={"name": f"Try {n}", "kind": "therapy", "started_on": date(2026, 1, 1 + n)}
        )
        record_create(
            INVESTIGATIONS,
            user=bob,
            values={"name": f"Test {n}", "kind": "blood", "done_on": date(2026, 2, 1 + n % 28)},
        )
        function_check_upsert(user=bob, date=date(2026, 3, 1 + n), weakness=False)
    as_alice, as_bob = client_for(alice), client_for(bob)
    small, large = _queries_of_an_export(alice, as_alice), _queries_of_an_export(bob, as_bob)
    document = exported(as_bob)
    assert (len(document["treatments"]), len(document["investigations"]), len(document["function_checks"])) == (
        33,
        32,
        32,
    )
    assert small == large
