"""Red flags: the red-flag symptoms per episode, and the eyelid rules over the person's local day."""

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from diary.plain import FUNCTION_WARNING_SIGNS, Diary, Episode, FunctionCheck
from tests.tracker.analysis.analysis_data import REFERENCE, START, at, diary, episode
from tracker.analysis.findings import FunctionCheckFlag
from tracker.analysis.red_flags import NOTICE, red_flags

EYELID = [("eyelid", "left")]
CALF = [("calf", "left")]

# (evidence in the same or another episode: regions, symptoms) -> the rule it raises and its codes
EYELID_EVIDENCE = [
    pytest.param([], ["vision_change"], "eyelid_with_vision_change", ["vision_change"], id="vision"),
    pytest.param([], ["facial_weakness"], "eyelid_with_facial_weakness", ["facial_weakness"], id="weakness"),
    pytest.param([("cheek", "left")], [], "eyelid_with_twitching_elsewhere_in_face", ["cheek"], id="cheek"),
    pytest.param(
        [("forehead", "right"), ("chin", "both")],
        [],
        "eyelid_with_twitching_elsewhere_in_face",
        ["chin", "forehead"],
        id="forehead-and-chin",
    ),
    pytest.param(
        [],
        ["facial_twitching_spread"],
        "eyelid_with_twitching_elsewhere_in_face",
        ["facial_twitching_spread"],
        id="spread",
    ),
]


def eyelid_flags(episodes: Sequence[Episode]) -> list[Any]:
    return [f for f in red_flags(diary(episodes), REFERENCE)["flags"] if f["rule"] != "red_flag_symptom"]


@pytest.mark.parametrize(("regions", "symptoms", "rule", "codes"), EYELID_EVIDENCE)
def test_it_flags_each_eyelid_rule_within_one_episode(
    regions: list[tuple[str, str]], symptoms: list[str], rule: str, codes: list[str]
) -> None:
    one = episode(1, at(2, 9), regions=[*EYELID, *regions], symptoms=symptoms)
    [flag] = eyelid_flags([one])
    assert (flag["rule"], flag["symptoms"]) == (rule, codes)
    assert (flag["episode_id"], flag["episode_ids"], flag["date"]) == ("e1", ["e1"], "2026-06-03")
    assert flag["started_at"] == "2026-06-03T09:00:00"
    assert flag["description"].startswith("Eyelid twitching with")


@pytest.mark.parametrize(("regions", "symptoms", "rule", "codes"), EYELID_EVIDENCE)
def test_it_flags_each_eyelid_rule_across_two_episodes_of_one_local_day(
    regions: list[tuple[str, str]], symptoms: list[str], rule: str, codes: list[str]
) -> None:
    twitch = episode(1, at(2, 9), regions=EYELID)
    evidence = episode(2, at(2, 15), regions=regions or CALF, symptoms=symptoms)
    [flag] = eyelid_flags([evidence, twitch])
    assert (flag["rule"], flag["symptoms"]) == (rule, codes)
    assert (flag["episode_id"], flag["episode_ids"], flag["date"]) == ("e1", ["e1", "e2"], "2026-06-03")
    assert flag["started_at"] == "2026-06-03T09:00:00"  # the eyelid episode's, not the evidence's


@pytest.mark.parametrize(("regions", "symptoms", "rule", "codes"), EYELID_EVIDENCE)
def test_it_does_not_pair_episodes_across_local_midnight(
    regions: list[tuple[str, str]], symptoms: list[str], rule: str, codes: list[str]
) -> None:
    def pair(eyelid_at: float, evidence_at: float) -> list[Any]:
        twitch = episode(1, at(2, eyelid_at), regions=EYELID)
        return eyelid_flags([twitch, episode(2, at(2, evidence_at), regions or CALF, [], symptoms)])

    minutes = 1 / 60
    assert [f["rule"] for f in pair(23 + 50 * minutes, 23 + 55 * minutes)] == [rule]  # the same day: paired
    assert pair(23 + 55 * minutes, 24 + 5 * minutes) == []  # 23:55 and 00:05 the next day
    assert pair(24 + 5 * minutes, 23 + 55 * minutes) == []


def test_it_raises_nothing_for_a_lone_eyelid_twitch() -> None:
    result = red_flags(diary([episode(1, at(0, 9), regions=EYELID)]), REFERENCE)
    assert result == {"notice": None, "episodes": [], "flags": [], "function_checks": []}


def test_it_raises_nothing_for_several_eyelid_only_episodes_in_a_day() -> None:
    episodes = [
        episode(1, at(0, 8), regions=EYELID),
        episode(2, at(0, 12), regions=[("eyelid", "right")], symptoms=["dry_eye"]),
        episode(3, at(0, 18), regions=[("eyelid", "both")], symptoms=["dry_eye", "cramp"]),
        episode(4, at(0, 21), regions=[("eyelid", "left"), ("eyelid", "right")]),
    ]
    assert red_flags(diary(episodes), REFERENCE) == {"notice": None, "episodes": [], "flags": [], "function_checks": []}


def test_it_raises_nothing_for_face_evidence_on_a_day_without_eyelid_twitching() -> None:
    episodes = [episode(1, at(0, 9), regions=[("cheek", "left")]), episode(2, at(0, 10), regions=[("mouth", "left")])]
    assert red_flags(diary(episodes), REFERENCE)["flags"] == []


def test_it_names_every_episode_involved_in_each_flag() -> None:
    episodes = [
        episode(6, at(4, 18), regions=[("mouth", "left")], symptoms=["facial_twitching_spread"]),
        episode(2, at(4, 7), regions=EYELID),
        episode(3, at(4, 11), regions=[("eyelid", "right")], symptoms=["dry_eye"]),
        episode(4, at(4, 12), regions=CALF, symptoms=["weakness", "vision_change"]),
        episode(5, at(4, 15), regions=[("cheek", "left"), ("chin", "left")]),
        episode(7, at(4, 20), regions=[("thigh", "left")], symptoms=["cramp"]),  # involved in nothing
        episode(8, at(5, 7), regions=[("cheek", "left")]),  # the next day
    ]
    result = red_flags(diary(episodes), REFERENCE)
    by_rule = {f["rule"]: f for f in result["flags"] if f["rule"] != "red_flag_symptom"}
    vision = by_rule["eyelid_with_vision_change"]
    face = by_rule["eyelid_with_twitching_elsewhere_in_face"]
    assert set(by_rule) == {"eyelid_with_vision_change", "eyelid_with_twitching_elsewhere_in_face"}
    assert vision["episode_ids"] == ["e2", "e3", "e4"]
    assert face["episode_ids"] == ["e2", "e3", "e5", "e6"]
    assert face["symptoms"] == ["cheek", "chin", "facial_twitching_spread", "mouth"]
    assert {f["episode_id"] for f in by_rule.values()} == {"e2"}  # the day's first eyelid episode
    assert result["episodes"] == ["e2", "e3", "e4", "e5", "e6"]
    assert "See a doctor soon" in (result["notice"] or "")


def test_it_names_the_days_first_eyelid_episode_by_start_then_id() -> None:
    episodes = [
        episode(3, at(1, 9), regions=EYELID),
        episode(2, at(1, 9), regions=EYELID),  # the same minute: the smaller id comes first
        episode(1, at(1, 10), regions=EYELID, symptoms=["vision_change"]),
    ]
    [flag] = eyelid_flags(episodes)
    assert (flag["episode_id"], flag["episode_ids"]) == ("e2", ["e2", "e3", "e1"])


@pytest.mark.parametrize("code", sorted(c for c, s in REFERENCE.symptoms.items() if s.red_flag))
def test_it_raises_a_red_flag_symptom_flag_for_each_red_flag_symptom(code: str) -> None:
    result = red_flags(diary([episode(1, at(3, 8.5), regions=CALF, symptoms=["cramp", code])]), REFERENCE)
    assert result["flags"] == [
        {
            "episode_id": "e1",
            "started_at": "2026-06-04T08:30:00",
            "date": "2026-06-04",
            "episode_ids": ["e1"],
            "rule": "red_flag_symptom",
            "symptoms": [code],
            "advice": [REFERENCE.symptoms[code].advice],
        }
    ]
    assert result["episodes"] == ["e1"]


def test_it_raises_one_symptom_flag_per_episode_with_every_red_flag_symptom_in_it() -> None:
    episodes = [
        episode(1, at(0, 8), regions=CALF, symptoms=["weakness", "cramp", "facial_weakness", "weakness"]),
        episode(2, at(0, 9), regions=CALF, symptoms=["cramp", "dry_eye", "unknown_code"]),
    ]
    [flag] = red_flags(diary(episodes), REFERENCE)["flags"]
    assert flag["rule"] == "red_flag_symptom"
    assert flag["symptoms"] == ["facial_weakness", "weakness"]
    assert flag["advice"] == [REFERENCE.symptoms["facial_weakness"].advice, REFERENCE.symptoms["weakness"].advice]


def test_it_orders_flags_by_date_then_rule_then_start_whatever_the_input_order() -> None:
    episodes = [
        episode(1, at(1, 20), regions=EYELID, symptoms=["facial_weakness", "vision_change"]),
        episode(2, at(1, 8), regions=[("cheek", "left")], symptoms=["weakness"]),
        episode(3, at(1, 9), regions=EYELID),
        episode(4, at(0, 23), regions=CALF, symptoms=["not_a_reference_code", "weakness"]),
        episode(5, at(2, 6), regions=EYELID, symptoms=["facial_twitching_spread"]),
    ]
    expected = [
        ("2026-06-01", "red_flag_symptom", "e4"),
        ("2026-06-02", "red_flag_symptom", "e2"),
        ("2026-06-02", "red_flag_symptom", "e1"),
        ("2026-06-02", "eyelid_with_vision_change", "e3"),
        ("2026-06-02", "eyelid_with_facial_weakness", "e3"),
        ("2026-06-02", "eyelid_with_twitching_elsewhere_in_face", "e3"),
        ("2026-06-03", "red_flag_symptom", "e5"),
        ("2026-06-03", "eyelid_with_twitching_elsewhere_in_face", "e5"),
    ]
    shuffler = random.Random(7)
    for _ in range(20):
        shuffler.shuffle(episodes)
        flags = red_flags(diary(episodes), REFERENCE)["flags"]
        assert [(f["date"], f["rule"], f["episode_id"]) for f in flags] == expected


def test_it_names_each_episode_and_the_eyelid_rules_on_separate_days() -> None:
    episodes = [
        episode(1, at(1), regions=CALF, symptoms=["weakness", "cramp"]),
        episode(2, at(2), regions=EYELID, symptoms=["vision_change"]),
        episode(3, at(3), regions=[*EYELID, ("cheek", "left")]),
        episode(4, at(4), regions=[("eyelid", "right")], symptoms=["dry_eye"]),
    ]
    result = red_flags(diary(episodes), REFERENCE)
    assert "See a doctor soon" in (result["notice"] or "")
    assert result["episodes"] == ["e1", "e2", "e3"]
    assert [(f["episode_id"], f["rule"]) for f in result["flags"]] == [
        ("e1", "red_flag_symptom"),
        ("e2", "red_flag_symptom"),
        ("e2", "eyelid_with_vision_change"),
        ("e3", "eyelid_with_twitching_elsewhere_in_face"),
    ]
    assert result["flags"][0]["symptoms"] == ["weakness"]
    assert red_flags(diary(episodes[3:]), REFERENCE)["notice"] is None


# Weekly function checks


def with_checks(episodes: Sequence[Episode], *checks: FunctionCheck) -> Diary:
    return replace(diary(episodes), function_checks=checks)


def dated_signs(flags: Sequence[FunctionCheckFlag]) -> list[dict[str, object]]:
    return [{"date": flag["date"], "signs": flag["signs"]} for flag in flags]


def test_a_yes_carries_the_advice_of_the_symptom_it_is_as_an_episode_would() -> None:
    episodes = [episode(1, at(3), regions=CALF, symptoms=["weakness"])]
    result = red_flags(with_checks(episodes, FunctionCheck(START, weakness=True)), REFERENCE)
    [episode_flag], [check_flag] = result["flags"], result["function_checks"]
    assert episode_flag["rule"] == "red_flag_symptom"
    assert check_flag["advice"] == episode_flag["advice"]
    assert check_flag["advice"]  # the reference has words for weakness


def test_a_yes_to_a_warning_sign_in_a_function_check_raises_the_notice() -> None:
    checks = (
        FunctionCheck(START + timedelta(days=14), weakness=False, cramps=True),
        FunctionCheck(START, weakness=True, swallowing=True, breathing=False, weakness_where=(("arm", "left"),)),
        FunctionCheck(START + timedelta(days=7), numbness_tingling=True),
    )
    result = red_flags(with_checks([], *checks), REFERENCE)
    assert result["notice"] == NOTICE
    assert dated_signs(result["function_checks"]) == [
        {"date": START.isoformat(), "signs": ["weakness", "swallowing"]},
        {"date": (START + timedelta(days=7)).isoformat(), "signs": ["numbness_tingling"]},
    ]
    assert result["flags"] == []  # the episodes' flags keep their shape: each names an episode
    assert result["episodes"] == []


@pytest.mark.parametrize("sign", FUNCTION_WARNING_SIGNS)
def test_every_warning_sign_raises_the_notice(sign: str) -> None:
    check = FunctionCheck(START, **{sign: True})
    assert dated_signs(red_flags(with_checks([], check), REFERENCE)["function_checks"]) == [
        {"date": START.isoformat(), "signs": [sign]}
    ]


def test_cramps_and_noes_and_unanswered_signs_raise_nothing() -> None:
    checks = (
        FunctionCheck(START, cramps=True),
        FunctionCheck(START + timedelta(days=7), **dict.fromkeys(FUNCTION_WARNING_SIGNS, False)),
        FunctionCheck(START + timedelta(days=14)),
    )
    result = red_flags(with_checks([episode(1, at(0), regions=EYELID)], *checks), REFERENCE)
    assert result == {"notice": None, "episodes": [], "flags": [], "function_checks": []}


def test_episode_flags_and_function_check_flags_stand_side_by_side() -> None:
    episodes = [episode(1, at(3), regions=CALF, symptoms=["weakness"])]
    result = red_flags(with_checks(episodes, FunctionCheck(START, balance=True)), REFERENCE)
    assert result["notice"] == NOTICE
    assert [flag["episode_id"] for flag in result["flags"]] == ["e1"]
    assert dated_signs(result["function_checks"]) == [{"date": START.isoformat(), "signs": ["balance"]}]
