"""Every writer stamps a record's change through the one helper, records.stamp_changes: the
next version, a new change number, updated_at, and deleted_at for a delete.

The walk: each public writer of diary.services is called on real data with the helper wrapped
by a spy; each row it wrote must carry exactly what the helper stamped on it, with its version
and change number moved on. The guard: every function diary.services exports is either in the
walk or named, with its reason, among those that write no diary record, so that a new writer
cannot skip the helper unnoticed."""

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

import diary.services
from diary.models import CheckIn, Episode, FunctionCheck, Investigation, Profile, Treatment
from diary.services import (
    INVESTIGATIONS,
    TREATMENTS,
    CheckInChange,
    EpisodeChange,
    EpisodeInput,
    Kept,
    LocationInput,
    RestoredCheckIn,
    RestoredEpisode,
    checkin_delete,
    checkin_upsert,
    checkins_bulk_create,
    diary_restore,
    episode_create,
    episode_create_from,
    episode_create_or_replay,
    episode_delete,
    episode_end,
    episode_restore,
    episode_update,
    episodes_bulk_create,
    function_check_delete,
    function_check_upsert,
    record_create,
    record_delete,
    record_update,
    sync_apply,
    treatment_stop,
)
from diary.services import records as records_module
from tests.factories import EpisodeFactory, make_checkin

Record = Episode | CheckIn | Treatment | Investigation | FunctionCheck
RECORD_MODELS = (Episode, CheckIn, Treatment, Investigation, FunctionCheck)
Key = tuple[str, Any]  # (model name, primary key)
Stamp = tuple[int, int, datetime, datetime | None]  # version, change_seq, updated_at, deleted_at


def key(record: Record) -> Key:
    return (type(record).__name__, record.pk)


def stamp(record: Record) -> Stamp:
    return (record.version, record.change_seq, record.updated_at, record.deleted_at)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> dict[Key, Stamp]:
    """What stamp_changes stamped, by record, wherever a services module imported it."""
    stamped: dict[Key, Stamp] = {}
    original = records_module.stamp_changes

    def wrapper(records: Any, **kwargs: Any) -> None:
        original(records, **kwargs)
        stamped.update((key(record), stamp(record)) for record in records)

    for name, module in list(sys.modules.items()):
        if name.startswith("diary.services") and hasattr(module, "stamp_changes"):
            monkeypatch.setattr(module, "stamp_changes", wrapper)
    return stamped


def an_episode(**overrides: Any) -> EpisodeInput:
    values: dict[str, Any] = {
        "started_at": datetime(2026, 11, 19, 20, 15, tzinfo=ZoneInfo("Europe/Paris")),
        "duration_seconds": 45,
        "locations": [LocationInput("eyelid", "left")],
        "intensity": 4,
        "pattern": "intermittent_bursts",
        "triggers": ["caffeine"],
        "id": uuid.uuid4(),
        **overrides,
    }
    return EpisodeInput(**values)


@dataclass(frozen=True)
class Before:
    """What a walk prepared (through the services) before the writer under test runs."""

    episodes: list[Episode] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    others: list[Treatment | Investigation | FunctionCheck] = field(default_factory=list)


def two_episodes_two_checkins(alice: User) -> Before:
    return Before(
        episodes=[EpisodeFactory(user=alice), EpisodeFactory(user=alice)],
        checkins=[make_checkin(alice, date(2026, 11, 3)), make_checkin(alice, date(2026, 11, 4))],
    )


def sync_every_kind_of_change(alice: User, before: Before) -> list[Record]:
    new, (edited, deleted) = an_episode(), before.episodes
    assert new.id is not None
    results = sync_apply(
        user=alice,
        episodes=[
            EpisodeChange(new.id, new, None),
            EpisodeChange(edited.id, an_episode(id=edited.id, intensity=9), 1),
            EpisodeChange(deleted.id, None, 1, delete=True),
        ],
        checkins=[
            CheckInChange(date(2026, 11, 2), {"stress": 2}, None),
            CheckInChange(date(2026, 11, 3), {"stress": 9}, 1),
            CheckInChange(date(2026, 11, 4), {}, 1, delete=True),
        ],
    )
    items = [*results.episodes, *results.checkins]
    assert [r.status for r in items] == ["created", "updated", "updated"] * 2
    return [r.record for r in items]


def nothing(alice: User) -> Before:
    return Before()


def one_episode(alice: User) -> Before:
    return Before(episodes=[EpisodeFactory(user=alice)])


def one_episode_still_going(alice: User) -> Before:
    started_at = datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("UTC"))  # an hour before the frozen now
    return Before(episodes=[EpisodeFactory(user=alice, started_at=started_at, ongoing=True, duration_seconds=None)])


def one_deleted_episode(alice: User) -> Before:
    return Before(episodes=[episode_delete(episode=EpisodeFactory(user=alice))])


def one_checkin(alice: User) -> Before:
    return Before(checkins=[make_checkin(alice)])


def one_deleted_checkin(alice: User) -> Before:
    return Before(checkins=[checkin_delete(checkin=make_checkin(alice))])


MAGNESIUM = {"name": "Magnesium", "kind": "supplement", "started_on": date(2026, 10, 1)}
EMG = {"name": "EMG", "kind": "emg", "done_on": date(2026, 9, 1)}


def created(kind: Any, alice: User, values: dict[str, Any]) -> Any:
    record = record_create(kind, user=alice, values=values).record
    assert record is not None
    return record


def one_treatment(alice: User) -> Before:
    return Before(others=[created(TREATMENTS, alice, MAGNESIUM)])


def one_investigation(alice: User) -> Before:
    return Before(others=[created(INVESTIGATIONS, alice, EMG)])


def one_function_check(alice: User) -> Before:
    return Before(others=[function_check_upsert(user=alice, date=date(2026, 11, 16), weakness=False)[0]])


@dataclass(frozen=True)
class Walk:
    writer: str  # its name in diary.services
    prepare: Callable[[User], Before]
    write: Callable[[User, Before], list[Record]]  # calls the writer; answers the rows it wrote


WALK = [
    Walk("episode_create", nothing, lambda alice, _: [episode_create(user=alice, **vars(an_episode()))]),
    Walk("episode_create_from", nothing, lambda alice, _: [episode_create_from(user=alice, data=an_episode()).episode]),
    Walk(
        "episode_create_or_replay", nothing, lambda a, _: [episode_create_or_replay(user=a, data=an_episode()).episode]
    ),
    Walk("episodes_bulk_create", nothing, lambda alice, _: episodes_bulk_create(user=alice, items=[an_episode()] * 1)),
    Walk("episode_update", one_episode, lambda _, b: [episode_update(episode=b.episodes[0], intensity=9)]),
    Walk("episode_end", one_episode_still_going, lambda _, b: [episode_end(episode=b.episodes[0])]),
    Walk("episode_delete", one_episode, lambda _, b: [episode_delete(episode=b.episodes[0])]),
    Walk("episode_restore", one_deleted_episode, lambda a, b: [episode_restore(user=a, episode_id=b.episodes[0].id)]),
    Walk("checkin_upsert", nothing, lambda alice, _: [checkin_upsert(user=alice, date=date(2026, 11, 2), stress=4)[0]]),
    Walk("checkin_upsert", one_checkin, lambda alice, b: [checkin_upsert(user=alice, date=b.checkins[0].date)[0]]),
    Walk("checkin_upsert", one_deleted_checkin, lambda a, b: [checkin_upsert(user=a, date=b.checkins[0].date)[0]]),
    Walk("checkin_delete", one_checkin, lambda _, b: [checkin_delete(checkin=b.checkins[0])]),
    Walk(
        "checkins_bulk_create",
        nothing,
        lambda alice, _: checkins_bulk_create(user=alice, items=[(date(2026, 11, 5), {}), (date(2026, 11, 6), {})]),
    ),
    Walk("sync_apply", two_episodes_two_checkins, sync_every_kind_of_change),
    Walk("record_create", nothing, lambda alice, _: [created(TREATMENTS, alice, MAGNESIUM)]),
    Walk("record_create", nothing, lambda alice, _: [created(INVESTIGATIONS, alice, EMG)]),
    Walk("record_update", one_treatment, lambda _, b: [record_update(TREATMENTS, record=b.others[0], dose="1 g")]),
    Walk(
        "record_update",
        one_investigation,
        lambda _, b: [record_update(INVESTIGATIONS, record=b.others[0], result="ok")],
    ),
    Walk("record_delete", one_investigation, lambda _, b: [record_delete(record=b.others[0])]),
    Walk(
        "treatment_stop",
        one_treatment,
        lambda _, b: [treatment_stop(treatment=b.others[0], stopped_on=date(2026, 11, 1))],
    ),
    Walk(
        "function_check_upsert",
        nothing,
        lambda alice, _: [function_check_upsert(user=alice, date=date(2026, 11, 16), cramps=True)[0]],
    ),
    Walk(
        "function_check_upsert",
        one_function_check,
        lambda alice, b: [function_check_upsert(user=alice, date=date(2026, 11, 16), weakness=True)[0]],
    ),
    Walk("function_check_delete", one_function_check, lambda _, b: [function_check_delete(check=b.others[0])]),
]

# Exported functions that write no episode or check-in, and why.
WRITES_NO_RECORD = {
    "account_register": "creates the account and its empty profile",
    "account_email_update": "changes the account's e-mail address, which is not a synced record",
    "account_sign_out_elsewhere": "deletes API tokens and sessions, which are not synced records",
    "sessions_end": "deletes sessions, which are not synced records",
    "profile_update": "changes the profile (its time zone, its clinical profile), which is not a synced record",
    "diary_access_record": "writes the audit log",
    "device_token_create": "issues an API token",
    "device_token_revoke": "deletes an API token",
    "diary_erase": "deletes records outright: nothing is left to stamp, nothing to sync back",
    "diary_erase_quietly": "deletes records outright, as diary_erase, for the account's erasure",
    "episode_replay": "decides what a retried create means; writes nothing",
    "sync_changes": "reads",
}


# Writers whose rows keep bookkeeping from elsewhere, each walked by a test of its own below.
WALKED_APART = {"diary_restore": "keeps the export's versions and times: test_a_restore_stamps_change_numbers_only"}


def test_every_exported_function_is_walked_or_writes_no_record() -> None:
    exported = {name for name in diary.services.__all__ if name.islower()}
    assert all(callable(getattr(diary.services, name)) for name in exported)
    walked = {walk.writer for walk in WALK} | set(WALKED_APART)
    assert exported == walked | set(WRITES_NO_RECORD), "a new writer goes into WALK (or WRITES_NO_RECORD, with why)"
    assert not walked & set(WRITES_NO_RECORD)


@pytest.mark.parametrize("walk", WALK, ids=[f"{w.writer}-{i}" for i, w in enumerate(WALK)])
def test_every_writer_stamps_through_the_one_helper(
    walk: Walk, alice: User, frozen_now: datetime, spy: dict[Key, Stamp]
) -> None:
    prepared = walk.prepare(alice)
    before = {key(r): stamp(r) for model in RECORD_MODELS for r in model.objects.filter(user=alice)}
    last_seq = Profile.objects.filter(user=alice).values_list("last_change_seq", flat=True).first() or 0
    spy.clear()  # from here on, only what the writer under test stamps
    written = [type(r).objects.get(pk=r.pk) for r in walk.write(alice, prepared)]
    assert written
    for record in written:
        assert spy.get(key(record)) == stamp(record), f"{walk.writer} stored bookkeeping the helper did not stamp"
        previous = before.get(key(record))
        assert record.version == (1 if previous is None else previous[0] + 1)
        assert record.change_seq > last_seq
        assert record.updated_at == frozen_now
    seqs = sorted(record.change_seq for record in written)
    assert seqs == list(range(last_seq + 1, last_seq + 1 + len(written)))  # consecutive, none skipped
    assert Profile.objects.get(user=alice).last_change_seq == seqs[-1]


def test_a_restore_stamps_change_numbers_only(alice: User, frozen_now: datetime, spy: dict[Key, Stamp]) -> None:
    """diary_restore (an import of the user's own export) goes through the helper too: the
    numbers are new and consecutive, the versions and times are the file's."""
    Profile.objects.create(user=alice)
    alice.diary_profile.last_change_seq = 7  # a diary erased earlier: numbers go on from there
    alice.diary_profile.save()
    then = datetime(2026, 6, 1, 8, 0, tzinfo=ZoneInfo("UTC"))
    kept = Kept(version=5, created_at=then, updated_at=then, deleted_at=then)
    restored = diary_restore(
        user=alice,
        episodes=[RestoredEpisode(data=an_episode(utc_offset_minutes=60), kept=kept)],
        checkins=[RestoredCheckIn(id=uuid.uuid4(), date=date(2026, 6, 1), values={"stress": 2}, kept=kept)],
    )
    assert (restored.episodes, restored.checkins) == (1, 1)
    written = [*Episode.objects.filter(user=alice), *CheckIn.objects.filter(user=alice)]
    for record in written:
        assert spy.get(key(record)) == stamp(record)
        assert (record.version, record.created_at, record.updated_at, record.deleted_at) == (5, then, then, then)
    assert sorted(record.change_seq for record in written) == [8, 9]
    assert Profile.objects.get(user=alice).last_change_seq == 9
