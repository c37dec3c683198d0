"""What the weekly function checks said, sign by sign, and the sentences a page reads."""

from dataclasses import replace
from datetime import timedelta

from diary.plain import FUNCTION_SIGNS, FunctionCheck
from tests.tracker.analysis.analysis_data import START, diary
from tracker.analysis.function_checks import function_check_sentences, function_checks, sign_sentence


def weekly(*answers: dict[str, bool | None]) -> tuple[FunctionCheck, ...]:
    return tuple(FunctionCheck(START + timedelta(weeks=n), **values) for n, values in enumerate(answers))  # type: ignore[arg-type]


def test_it_counts_each_sign_yes_and_no_with_the_first_yes() -> None:
    checks = weekly(
        {"weakness": False, "cramps": True},
        {"weakness": True, "cramps": False, "balance": None},
        {"weakness": True, "cramps": True},
        {"weakness": False},
    )
    found = function_checks(replace(diary([]), function_checks=checks[::-1]))  # whatever the order given
    assert found["checks"] == 4
    assert found["first"] == START.isoformat()
    assert found["last"] == (START + timedelta(weeks=3)).isoformat()
    assert list(found["signs"]) == list(FUNCTION_SIGNS)
    assert found["signs"]["weakness"] == {
        "yes_weeks": 2,
        "no_weeks": 2,
        "first_yes": (START + timedelta(weeks=1)).isoformat(),
    }
    assert found["signs"]["cramps"] == {"yes_weeks": 2, "no_weeks": 1, "first_yes": START.isoformat()}
    assert found["signs"]["balance"] == {"yes_weeks": 0, "no_weeks": 0, "first_yes": None}


def test_without_checks_every_sign_is_there_with_nothing_counted() -> None:
    found = function_checks(diary([]))
    assert found == {
        "checks": 0,
        "first": None,
        "last": None,
        "signs": {sign: {"yes_weeks": 0, "no_weeks": 0, "first_yes": None} for sign in FUNCTION_SIGNS},
    }
    assert function_check_sentences(found) == ["No weekly function checks recorded."]


def test_it_says_a_no_in_plain_words() -> None:
    assert sign_sentence("weakness", {"yes_weeks": 0, "no_weeks": 12, "first_yes": None}) == (
        "No weakness in 12 weekly checks."
    )
    assert sign_sentence("swallowing", {"yes_weeks": 0, "no_weeks": 1, "first_yes": None}) == (
        "No trouble swallowing in 1 weekly check."
    )
    assert sign_sentence("speech", {"yes_weeks": 0, "no_weeks": 0, "first_yes": None}) is None


def test_it_says_a_yes_with_when_it_was_first_reported() -> None:
    assert sign_sentence("weakness", {"yes_weeks": 2, "no_weeks": 10, "first_yes": "2026-11-03"}) == (
        "Weakness in 2 of 12 weekly checks, first reported on 3 Nov 2026."
    )


def test_the_sentences_put_the_signs_reported_yes_first() -> None:
    checks = weekly({"weakness": False, "cramps": True, "balance": False}, {"weakness": False, "balance": True})
    sentences = function_check_sentences(function_checks(replace(diary([]), function_checks=checks)))
    assert sentences == [
        "Trouble with balance in 1 of 2 weekly checks, first reported on 8 Jun 2026.",
        "Cramps in 1 of 1 weekly check, first reported on 1 Jun 2026.",
        "No weakness in 2 weekly checks.",
    ]
