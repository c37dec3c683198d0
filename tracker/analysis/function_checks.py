"""What the weekly function checks said: for each sign, how many checks answered yes and how
many no, and when it was first answered yes. A "no" is information: "no weakness in 12 weekly
checks" is what a doctor wants to read. A yes to a warning sign also raises the red-flag notice
(red_flags.function_check_flags).

Each check stands for its week: the app proposes one a week, so `yes_weeks` and `no_weeks` count
checks. A check that did not answer a sign counts in neither."""

from collections.abc import Sequence
from datetime import date

from diary.formatting import day_text
from diary.plain import FUNCTION_SIGN_NAMES, FUNCTION_SIGNS, Diary, FunctionCheck

from .findings import FunctionChecks, SignWeeks


def function_checks(diary: Diary) -> FunctionChecks:
    """The function checks of the diary's period (load_diary reads only those)."""
    ordered = sorted(diary.function_checks, key=lambda check: check.day)
    return {
        "checks": len(ordered),
        "first": ordered[0].day.isoformat() if ordered else None,
        "last": ordered[-1].day.isoformat() if ordered else None,
        "signs": {sign: _sign(ordered, sign) for sign in FUNCTION_SIGNS},
    }


def _sign(ordered: Sequence[FunctionCheck], sign: str) -> SignWeeks:
    answers = [(check.day, check.answer(sign)) for check in ordered]
    yes = [day for day, answer in answers if answer is True]
    return {
        "yes_weeks": len(yes),
        "no_weeks": sum(1 for _, answer in answers if answer is False),
        "first_yes": yes[0].isoformat() if yes else None,
    }


def sign_sentence(sign: str, weeks: SignWeeks) -> str | None:
    """The sign in plain words, or None when no check answered it: "No weakness in 12 weekly
    checks."; "Weakness in 2 of 12 weekly checks, first reported on 3 Nov 2026.\""""
    answered = weeks["yes_weeks"] + weeks["no_weeks"]
    if answered == 0:
        return None
    text = FUNCTION_SIGN_NAMES[sign]
    checks = f"{answered} weekly check" + ("" if answered == 1 else "s")
    if weeks["first_yes"] is None:
        return f"No {text} in {checks}."
    first = day_text(date.fromisoformat(weeks["first_yes"]))
    return f"{text[0].upper()}{text[1:]} in {weeks['yes_weeks']} of {checks}, first reported on {first}."


def function_check_sentences(found: FunctionChecks) -> list[str]:
    """A sentence per sign answered, the signs reported yes first (in FUNCTION_SIGNS order), then
    the ones always answered no; "No weekly function checks recorded." without any check."""
    if found["checks"] == 0:
        return ["No weekly function checks recorded."]
    signs = found["signs"]
    order = sorted(FUNCTION_SIGNS, key=lambda sign: signs[sign]["first_yes"] is None)  # stable: yes first
    return [text for sign in order if (text := sign_sentence(sign, signs[sign])) is not None]
