import io
import json
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary.models import Episode, Treatment
from diary.services import episode_delete
from diary.services.clinical import INVESTIGATIONS, TREATMENTS, record_create, record_delete
from diary.services.function_checks import function_check_upsert
from tests.factories import EpisodeFactory
from tests.tracker.reports.conftest import FROM, PARIS, TO
from tracker.account.export import FORMAT, VERSION
from tracker.reports import FORMATS
from tracker.reports.assembly import report_assemble


def rendered(user: User, include_notes: bool = False) -> dict:  # type: ignore[type-arg]
    report = report_assemble(user_id=user.pk, date_from=FROM, date_to=TO, include_notes=include_notes)
    out, progress = io.BytesIO(), []
    FORMATS["json"].render(report, out, progress.append)
    assert progress[-1] == 100
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_it_holds_exactly_the_live_episodes_of_the_range(alice: User, bob: User, diary: list[Episode]) -> None:
    deleted = episode_delete(episode=EpisodeFactory(user=alice, started_at=datetime(2026, 11, 8, 10, 0, tzinfo=PARIS)))
    EpisodeFactory(user=bob, started_at=datetime(2026, 11, 8, 10, 0, tzinfo=PARIS))
    document = rendered(alice)
    in_range = sorted(diary[1:5], key=lambda e: e.started_at)
    assert [e["id"] for e in document["episodes"]] == [str(e.id) for e in in_range]
    assert str(deleted.id) not in json.dumps(document)
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    assert document["range"] == {
        "date_from": "2026-11-01",
        "date_to": "2026-11-14",
        "include_notes": False,
        "covered_from": "2026-11-01",
    }
    assert [c["date"] for c in document["checkins"]] == ["2026-11-02"]
    assert document["shares"] == document["reports"] == []
    assert document["episodes"][0]["started_at"] == "2026-11-01T00:30:00+01:00"


def test_it_includes_notes_only_when_the_report_does(alice: User, diary: list[Episode]) -> None:
    without, with_notes = rendered(alice), rendered(alice, include_notes=True)
    assert {e["notes"] for e in without["episodes"]} | {c["notes"] for c in without["checkins"]} == {""}
    assert '=HYPERLINK("http://evil.example","click")' in [e["notes"] for e in with_notes["episodes"]]
    assert [c["notes"] for c in with_notes["checkins"]] == ["slept badly"]


def test_it_writes_an_episode_still_going_as_the_api_shows_it(
    alice: User, diary: list[Episode], still_going: Episode
) -> None:
    episodes = {e["id"]: e for e in rendered(alice)["episodes"]}
    going = episodes.pop(str(still_going.id))
    assert (going["ongoing"], going["duration_seconds"]) == (True, None)
    assert {(e["ongoing"], e["duration_seconds"] is None) for e in episodes.values()} == {(False, False)}


def test_it_holds_the_live_treatments_tests_and_checks_of_the_range(
    alice: User, diary: list[Episode], frozen_now: datetime
) -> None:
    def treatment(name: str, started: date, stopped: date | None = None) -> Treatment:
        values = {"name": name, "kind": "supplement", "started_on": started, "stopped_on": stopped, "notes": "n"}
        record = record_create(TREATMENTS, user=alice, values=values).record
        assert record is not None
        return record

    overlapping = treatment("Magnesium", date(2026, 10, 1), date(2026, 11, 1))
    treatment("Zinc", date(2026, 9, 1), date(2026, 10, 31))  # ended the day before the range
    record_delete(record=treatment("Gone", date(2026, 11, 3)))
    emg = record_create(INVESTIGATIONS, user=alice, values={"name": "EMG", "kind": "emg", "done_on": TO}).record
    record_create(INVESTIGATIONS, user=alice, values={"name": "MRI", "kind": "mri", "done_on": date(2026, 11, 15)})
    check, _ = function_check_upsert(user=alice, date=FROM, weakness=False, notes="n")
    function_check_upsert(user=alice, date=date(2026, 10, 31), weakness=True)
    assert emg is not None
    document = rendered(alice)
    assert [t["id"] for t in document["treatments"]] == [str(overlapping.id)]
    assert [i["id"] for i in document["investigations"]] == [str(emg.id)]
    assert [(c["id"], c["weakness"]) for c in document["function_checks"]] == [(str(check.id), "no")]
    assert document["treatments"][0]["notes"] == document["function_checks"][0]["notes"] == ""
    assert rendered(alice, include_notes=True)["treatments"][0]["notes"] == "n"


def _queries_of_a_render(user: User) -> int:
    report = report_assemble(user_id=user.pk, date_from=FROM, date_to=TO)
    with CaptureQueriesContext(connection) as queries:
        FORMATS["json"].render(report, io.BytesIO(), lambda _: None)
    return len(queries)


def test_it_costs_the_same_queries_for_one_and_many_treatments_tests_and_checks(
    alice: User, diary: list[Episode], frozen_now: datetime
) -> None:
    def add(n: int) -> None:
        day = date(2026, 11, 1 + n)
        record_create(TREATMENTS, user=alice, values={"name": f"Try {n}", "kind": "other", "started_on": day})
        record_create(INVESTIGATIONS, user=alice, values={"name": f"Test {n}", "kind": "blood", "done_on": day})
        function_check_upsert(user=alice, date=day, cramps=True)

    add(0)
    few = _queries_of_a_render(alice)
    for n in range(1, 14):
        add(n)
    assert len(rendered(alice)["function_checks"]) == 14
    assert _queries_of_a_render(alice) == few
