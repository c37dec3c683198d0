"""The findings' types against the findings: what `analyse()` returns, and what a stored summary
reads back, must have exactly the keys its TypedDicts declare, with values of the declared
types. Every key and every Literal value the types declare must turn up in the diaries below,
so that neither side can drift from the other silently."""

import types
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from diary.plain import Diary, FunctionCheck, Treatment
from diary.selectors.read import load_diary
from diary.services import EpisodeInput, LocationInput, episodes_bulk_create
from tests.tracker.analysis.analysis_data import REFERENCE, START, at, diary, episode
from tests.tracker.analysis.test_analysis import caffeine_world
from tracker.analysis.findings import Findings
from tracker.analysis.summary import analyse
from tracker.models import Summary
from tracker.summaries.reference import load_reference
from tracker.summaries.services import summary_compute


@dataclass
class Seen:
    keys: set[tuple[str, str]] = field(default_factory=set)  # (TypedDict, key)
    literals: set[tuple[Any, Any]] = field(default_factory=set)  # (Literal type, value)


def problems(value: Any, hint: Any, path: str, seen: Seen) -> list[str]:
    """Where `value` differs from the type `hint`, as readable paths; records what it saw."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return _union_problems(value, hint, path, seen)
    if is_typeddict(hint):
        return _typeddict_problems(value, hint, path, seen)
    if origin is Literal:
        if any(value == v and type(value) is type(v) for v in get_args(hint)):
            seen.literals.add((hint, value))
            return []
        return [f"{path}: {value!r} is not one of {get_args(hint)}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {value!r} is not a list"]
        return [p for i, item in enumerate(value) for p in problems(item, get_args(hint)[0], f"{path}[{i}]", seen)]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not a dict"]
        key_type, value_type = get_args(hint)
        return [
            p
            for key, item in value.items()
            for p in problems(key, key_type, f"{path} key", seen) + problems(item, value_type, f"{path}.{key}", seen)
        ]
    # Exact types: a bool is no int, and an int where a float is declared is drift too.
    return [] if type(value) is hint else [f"{path}: {value!r} is not {getattr(hint, '__name__', hint)}"]


def _union_problems(value: Any, hint: Any, path: str, seen: Seen) -> list[str]:
    found = []
    for arm in get_args(hint):
        arm_seen = Seen()
        arm_problems = problems(value, arm, path, arm_seen)
        if not arm_problems:
            seen.keys |= arm_seen.keys
            seen.literals |= arm_seen.literals
            return []
        found += arm_problems
    return [f"{path}: matches no part of {hint}", *found]


def _typeddict_problems(value: Any, hint: Any, path: str, seen: Seen) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: {value!r} is not a {hint.__name__}"]
    required, optional = hint.__required_keys__, hint.__optional_keys__
    found = [f"{path}: {hint.__name__} lacks {key!r}" for key in sorted(required - set(value))]
    found += [f"{path}: {hint.__name__} does not declare {key!r}" for key in sorted(set(value) - required - optional)]
    hints = get_type_hints(hint)
    for key in value.keys() & hints.keys():
        seen.keys.add((hint.__name__, key))
        found += problems(value[key], hints[key], f"{path}.{key}", seen)
    return found


def declared(hint: Any) -> Iterator[Any]:
    """Every TypedDict and Literal type reachable from `hint`."""
    if is_typeddict(hint):
        yield hint
        for inner in get_type_hints(hint).values():
            yield from declared(inner)
    elif get_origin(hint) is Literal:
        yield hint
    else:
        for arg in get_args(hint):
            yield from declared(arg)


def every_outcome() -> dict[str, Diary]:
    """Diaries that between them reach every outcome of every finding."""
    caffeine, checkins = caffeine_world(seed=3, effect=3.0)
    rising = [episode(i, at(d)) for i, d in enumerate(d for d in range(120) for _ in range(1 if d < 92 else 4))]
    falling = [episode(i, at(d)) for i, d in enumerate(d for d in range(120) for _ in range(4 if d < 92 else 1))]
    eyelid, calf = [("eyelid", "left")], [("calf", "left")]
    two_places = [episode(i, at(i), regions=eyelid if i % 2 else calf) for i in range(10)]
    flagged = [
        episode(1, at(0), regions=eyelid, symptoms=["vision_change"], triggers=["caffeine"]),
        episode(2, at(1), regions=eyelid, symptoms=["facial_weakness"]),
        episode(3, at(2), regions=[*eyelid, ("cheek", "left")], triggers=["exercise"]),
        episode(4, at(3), regions=[("calf", "both"), ("hand", "right"), ("chest", "left")], symptoms=["weakness"]),
        episode(5, at(40), regions=[("calf", "left"), ("thigh", "left")], symptoms=["cramp"]),
    ]
    measured = Treatment("t1", "Magnesium", "supplement", START + timedelta(days=60))
    before_the_diary = Treatment(
        "t2", "No caffeine", "lifestyle", START - timedelta(days=30), START + timedelta(days=10)
    )
    checks = (
        FunctionCheck(START, weakness=False, cramps=True),
        FunctionCheck(START + timedelta(days=7), weakness=True, weakness_where=(("arm", "left"),)),
    )
    return {
        "caffeine": replace(diary(caffeine, checkins, days=150), treatments=(measured,)),
        "rising": diary(rising),
        "falling": replace(diary(falling), treatments=(before_the_diary,)),
        "flagged": replace(diary(flagged, days=60), function_checks=checks),
        "two places": diary(two_places, days=14),
        "empty": diary([], days=7),
    }


def test_it_returns_exactly_the_findings_the_types_declare() -> None:
    seen = Seen()
    for name, one in every_outcome().items():
        assert problems(analyse(one, REFERENCE), Findings, name, seen) == []
    reachable = set(declared(Findings))
    keys = {(t.__name__, key) for t in reachable if is_typeddict(t) for key in get_type_hints(t)}
    literals = {(t, value) for t in reachable if get_origin(t) is Literal for value in get_args(t)}
    assert keys - seen.keys == set(), "declared but never returned"
    assert literals - seen.literals == set(), "declared but never returned"


def test_it_reports_a_key_the_types_do_not_declare_or_lack() -> None:
    findings = analyse(every_outcome()["flagged"], REFERENCE)
    leaky: Any = {**findings, "reference_matches": [{**findings["reference_matches"][0], "_typical": 2}]}
    assert problems(leaky, Findings, "leaky", Seen()) == [
        "leaky.reference_matches[0]: ReferenceMatch does not declare '_typical'"
    ]
    frequency: Any = {**findings["frequency"]}
    del frequency["per_week"]
    frequency["per_day"] = 1
    assert problems(frequency, Findings.__annotations__["frequency"], "frequency", Seen()) == [
        "frequency: Frequency lacks 'per_week'",
        "frequency.per_day: 1 is not float",
    ]


def test_it_reads_a_stored_summary_back_as_the_findings_it_stored(alice: User, frozen_now: datetime) -> None:
    items = [
        EpisodeInput(
            started_at=datetime(2026, 9, 1, 19, tzinfo=ZoneInfo("UTC")) + timedelta(hours=8 * i),
            duration_seconds=20 + i,
            locations=[LocationInput("eyelid", "left")] + ([LocationInput("cheek", "left")] if i % 7 == 0 else []),
            intensity=1 + i % 10,
            pattern="intermittent_bursts",
            triggers=["caffeine"] if i % 3 == 0 else [],
            symptoms=["dry_eye"] if i % 5 == 0 else [],
        )
        for i in range(200)
    ]
    episodes_bulk_create(user=alice, items=items)
    stored = summary_compute(user_id=alice.pk, key="all")
    assert stored is not None
    findings = Summary.objects.get(pk=stored.pk).findings
    assert problems(findings, Findings, "stored", Seen()) == []
    assert findings == analyse(load_diary(user_id=alice.pk), load_reference())
