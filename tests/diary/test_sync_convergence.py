"""Property: however two phones' offline edits, deletes, syncs and replays interleave, after a
final sync both phones hold exactly the server's live records; no record is duplicated, no
accepted delete is ever undone, and no edit based on an old version overwrites a newer one."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.models import Episode
from diary.services import EpisodeChange, EpisodeInput, LocationInput, sync_apply, sync_changes

STARTED = datetime(2026, 11, 1, 8, 0, tzinfo=ZoneInfo("UTC"))


@dataclass
class Local:
    intensity: int
    version: int | None = None
    deleted: bool = False
    dirty: bool = True


@dataclass
class Phone:
    records: dict[uuid.UUID, Local] = field(default_factory=dict)
    cursor: int = 0
    last_push: list[EpisodeChange] = field(default_factory=list)


def as_input(episode_id: uuid.UUID, intensity: int) -> EpisodeInput:
    return EpisodeInput(
        id=episode_id,
        started_at=STARTED,
        duration_seconds=30,
        locations=[LocationInput("eyelid", "left")],
        intensity=intensity,
        pattern="single_twitch",
        source="mobile",
    )


def server_state(user: User) -> dict[uuid.UUID, tuple[int, int, bool]]:
    return {e.id: (e.intensity, e.version, e.deleted_at is not None) for e in Episode.objects.filter(user=user)}


class World:
    def __init__(self, user: User) -> None:
        self.user = user
        self.phones = [Phone(), Phone()]
        self.created: set[uuid.UUID] = set()
        self.deleted_on_server: set[uuid.UUID] = set()
        self.next_id = 0

    def take(self, phone: Phone, record: Any) -> None:
        phone.records[record.id] = Local(record.intensity, record.version, record.deleted_at is not None, dirty=False)

    def sync(self, phone: Phone) -> None:
        changes = [
            EpisodeChange(
                id=i,
                data=None if r.deleted else as_input(i, r.intensity),
                base_version=r.version,
                delete=r.deleted,
            )
            for i, r in phone.records.items()
            if r.dirty
        ]
        before = server_state(self.user)
        results = sync_apply(user=self.user, episodes=changes, checkins=[]).episodes
        for change, result in zip(changes, results, strict=True):
            assert result.status != "invalid", result.errors
            if result.status == "updated":  # no lost update: only an edit of the current version applies
                assert (change.base_version or 1) == before[change.id][1]
            if result.status == "created":
                self.created.add(change.id)
            if change.delete and result.status == "updated":
                self.deleted_on_server.add(change.id)
            if result.record is not None:
                self.take(phone, result.record)
            else:  # deleting what the server never had: the phone forgets it
                del phone.records[change.id]
        phone.last_push = changes
        pulled = sync_changes(user=self.user, since=phone.cursor, limit=1000)
        for record in pulled.episodes:
            self.take(phone, record)
        phone.cursor = pulled.cursor

    def replay(self, phone: Phone) -> None:
        before = server_state(self.user)
        results = sync_apply(user=self.user, episodes=phone.last_push, checkins=[]).episodes
        assert all(r.status in ("unchanged", "conflict") for r in results)
        assert server_state(self.user) == before

    def apply(self, op: tuple[str, int, int, int]) -> None:
        kind, which, pick, intensity = op
        phone = self.phones[which]
        live = sorted(i for i, r in phone.records.items() if not r.deleted)
        if kind == "create":
            phone.records[uuid.UUID(int=len(self.created) * 7919 + pick + 1 + which * 10**6 + len(phone.records))] = (
                Local(intensity)
            )
        elif kind == "edit" and live:
            record = phone.records[live[pick % len(live)]]
            record.intensity, record.dirty = intensity, True
        elif kind == "delete" and live:
            record = phone.records[live[pick % len(live)]]
            record.deleted, record.dirty = True, True
        elif kind == "sync":
            self.sync(phone)
        elif kind == "replay":
            self.replay(phone)


# Few records and many syncs, so that both phones often touch the same record between syncs:
# the interleavings where conflicts and lost updates would happen.
OPS = st.lists(
    st.tuples(
        st.sampled_from(["create", "edit", "edit", "edit", "delete", "sync", "sync", "sync", "replay"]),
        st.integers(0, 1),
        st.integers(0, 2),
        st.integers(1, 10),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_two_phones_always_converge_to_the_server(db: None, ops: list[tuple[str, int, int, int]]) -> None:
    with transaction.atomic():
        user = User.objects.create(username=f"phone-owner-{uuid.uuid4().hex[:8]}")
        world = World(user)
        for op in ops:
            world.apply(op)
        for _ in range(2):  # a final round: pushes can conflict once, then pull settles
            for phone in world.phones:
                world.sync(phone)
        server = server_state(user)
        live = {i: (intensity, version) for i, (intensity, version, deleted) in server.items() if not deleted}
        for phone in world.phones:
            assert not any(r.dirty for r in phone.records.values())
            mine = {i: (r.intensity, r.version) for i, r in phone.records.items() if not r.deleted}
            assert mine == live
        assert set(server) == world.created  # one row per created id: nothing duplicated
        assert all(server[i][2] for i in world.deleted_on_server)  # no delete undone
        transaction.set_rollback(True)
