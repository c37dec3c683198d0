"""What the outside attack did at the same moment from many connections: guesses, sign-ups and
sync pushes racing each other, on the real PostgreSQL and Redis (findings 3, 8 and 9)."""

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from diary.models import Episode, Treatment
from diary.services import EpisodeChange, EpisodeInput, LocationInput, sync_apply
from tests.api.conftest import client_for
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def in_threads(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run `action(0..count-1)` at once, each in its own thread with its own connection."""
    barrier = threading.Barrier(count)

    def run(n: int) -> Any:
        barrier.wait()
        try:
            return action(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_guesses_check_at_most_ten_passwords(postgres: None, redis_url: str, live_server: Any) -> None:
    """The live server is threaded; the throttle's counters are Redis's. Every try is counted
    before its password is checked, so no more than the cap reach the check."""
    cache.clear()
    user = User.objects.create_user(username="alice", password="a long and right passphrase")
    checked = Counter[str]()
    lock = threading.Lock()

    def count_check(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
        with lock:
            checked[credentials["username"]] += 1

    user_login_failed.connect(count_check)
    try:
        statuses = in_threads(
            40,
            lambda n: (
                requests.post(
                    f"{live_server.url}/api/v1/auth/token/",
                    json={"username": user.username, "password": f"guess {n}", "device_name": "x"},
                    timeout=30,
                ).status_code
            ),
        )
    finally:
        user_login_failed.disconnect(count_check)
    assert 1 <= checked["alice"] <= 10, checked
    assert Counter(statuses) == {401: checked["alice"], 429: 40 - checked["alice"]}


@pytest.mark.django_db(transaction=True)
def test_racing_sign_ups_for_one_name_in_any_case_make_one_account(postgres: None, redis_url: str) -> None:
    cache.clear()
    names = ["sam", "SAM", "Sam", "sAm"] * 3

    def register(n: int) -> int:
        response = APIClient().post(
            "/api/v1/auth/register/",
            {"username": names[n], "password": "a long and right passphrase"},
            REMOTE_ADDR=f"10.1.0.{n}",
        )
        return int(response.status_code)

    statuses = in_threads(len(names), register)
    assert Counter(statuses) == {201: 1, 400: len(names) - 1}
    assert User.objects.filter(username__iexact="sam").count() == 1


def episode_input(episode_id: uuid.UUID) -> EpisodeInput:
    return EpisodeInput(
        id=episode_id,
        started_at=datetime.now(UTC) - timedelta(hours=1),
        duration_seconds=30,
        locations=[LocationInput("calf", "left")],
        intensity=3,
        pattern="single_twitch",
        source="mobile",
    )


@pytest.mark.django_db(transaction=True)
def test_a_sync_that_loses_a_race_for_an_id_keeps_the_rest_of_its_batch(postgres: None) -> None:
    """Alice's push inserts an id and holds its transaction open; Bob's push of the same id
    (and one more) waits on it in PostgreSQL; when Alice commits, Bob's insert fails for that
    id. Bob gets `invalid` for it and his other episode is stored."""
    alice = User.objects.create(username="alice")
    bob = User.objects.create(username="bob")
    contested, bobs_own = uuid.uuid4(), uuid.uuid4()
    alice_inserted, bob_answer = threading.Event(), {}

    def alice_pushes() -> None:
        try:
            with transaction.atomic():
                sync_apply(user=alice, episodes=[EpisodeChange(contested, episode_input(contested), None)], checkins=[])
                alice_inserted.set()
                # Hold the row until Bob's insert is waiting on it.
                wait_for(_waiting_on_a_lock, 20, "bob's insert to wait for alice's")
        finally:
            connections.close_all()

    def bob_pushes() -> None:
        try:
            alice_inserted.wait(20)
            response = client_for(bob).post("/api/v1/sync/", {"episodes": [_wire(contested), _wire(bobs_own)]})
            bob_answer["status"] = response.status_code
            bob_answer["body"] = response.json()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=alice_pushes), threading.Thread(target=bob_pushes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert bob_answer["status"] == 200, bob_answer
    results = bob_answer["body"]["results"]["episodes"]
    assert [(r["id"], r["status"]) for r in results] == [(str(contested), "invalid"), (str(bobs_own), "created")]
    assert results[0]["errors"] == {"id": ["This id is already in use."]}
    assert list(Episode.objects.filter(user=bob).values_list("id", flat=True)) == [bobs_own]
    assert Episode.objects.get(pk=contested).user_id == alice.pk


def _wire(episode_id: uuid.UUID) -> dict[str, Any]:
    return {
        "id": str(episode_id),
        "started_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "duration_seconds": 45,
        "locations": [{"region": "eyelid", "side": "left"}],
        "intensity": 4,
        "pattern": "intermittent_bursts",
    }


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing its first look at the statistics.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_one_treatment_sent_from_eight_connections_at_once_is_stored_once(postgres: None) -> None:
    """A phone retrying its create while the first is still in flight: one 201, the rest the
    same record (200), one row; and a second person racing for the same id is told it is in use."""
    alice = User.objects.create(username="alice")
    bob = User.objects.create(username="bob")
    key = str(uuid.uuid4())
    body = {"id": key, "name": "Magnesium", "kind": "supplement", "started_on": "2026-10-01"}

    def create(n: int) -> int:
        client = client_for(bob if n == 7 else alice)
        return int(client.post("/api/v1/treatments/", body, format="json").status_code)

    statuses = in_threads(8, create)
    assert Treatment.objects.filter(pk=key).count() == 1
    if Treatment.objects.get(pk=key).user == alice:  # whoever came first created it; nobody else did
        assert (sorted(statuses[:7]), statuses[7]) == ([200] * 6 + [201], 409), statuses
    else:
        assert (statuses[:7], statuses[7]) == ([409] * 7, 201), statuses
