"""The dashboard's three short sections on what was tried, the weekly checks and the tests.

Treatments and tests are listed from the diary (a few rows, one query each); the effect of each
treatment and the tally of the weekly checks come from the stored summary's `treatment_effects`
and `function_checks` when it has them. A summary stored before those existed has neither: each
treatment then says that the next analysis will compare, and the checks are tallied from the
diary here. The stored JSON is read defensively (a key missing or of another shape is left out),
since it may have been written by an older or newer analysis than this page."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import User

from diary.models import FunctionCheck
from diary.plain import FUNCTION_SIGNS
from diary.selectors.clinical import FUNCTION_CHECK_EVERY, function_check_list, investigation_list, treatment_list
from tracker.reports.plain_words import check_lines, effect_text, int_or_zero


@dataclass(frozen=True)
class TriedRow:
    name: str
    when: str  # "since 3 Nov 2026" or "3 Nov to 1 Dec 2026"
    effect: str
    caveats: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TestRow:
    name: str
    done_on: date
    result: str


@dataclass(frozen=True)
class ClinicalSections:
    tried: list[TriedRow]
    checks: list[str]  # one line a sign
    check_count: int
    check_due: bool
    tests: list[TestRow]


def clinical_sections(*, user: User, findings: Mapping[str, Any] | None, today: date) -> ClinicalSections:
    """Three queries: the treatments, the tests, and the checks (their last date only when the
    summary tallied them)."""
    stored: Mapping[str, Any] = findings or {}
    effects = stored.get("treatment_effects")
    tried = [_tried_row(t, _effect_of(effects, str(t.pk))) for t in treatment_list(user=user)]
    tests = [TestRow(i.name, i.done_on, i.result) for i in investigation_list(user=user)]
    tally = stored.get("function_checks")
    if isinstance(tally, Mapping):
        last = function_check_list(user=user).filter(date__lte=today).values_list("date", flat=True).first()
    else:
        checks = list(function_check_list(user=user))
        tally = tally_checks(checks)
        last = next((c.date for c in checks if c.date <= today), None)
    due = last is None or today - last >= FUNCTION_CHECK_EVERY
    return ClinicalSections(tried, check_lines(tally), int_or_zero(tally.get("checks")), due, tests)


def _effect_of(effects: Any, treatment_id: str) -> Mapping[str, Any] | None:
    """The summary's effect for this treatment; None when the summary has none for it."""
    if not isinstance(effects, Sequence):
        return None
    return next((e for e in effects if isinstance(e, Mapping) and str(e.get("treatment_id")) == treatment_id), None)


def _tried_row(treatment: Any, effect: Mapping[str, Any] | None) -> TriedRow:
    if treatment.stopped_on:
        when = f"{_day(treatment.started_on)} to {_day(treatment.stopped_on)}"
    else:
        when = f"since {_day(treatment.started_on)}"
    caveats = [str(c) for c in effect.get("caveats") or [] if c] if effect else []
    return TriedRow(treatment.name, when, effect_text(effect, stopped=treatment.stopped_on is not None), caveats)


def tally_checks(checks: Sequence[FunctionCheck]) -> dict[str, Any]:
    """The same tally as the summary's `function_checks`, from the checks themselves (oldest
    first for `first_yes`)."""
    ordered = sorted(checks, key=lambda check: check.date)
    signs: dict[str, dict[str, Any]] = {}
    for sign in FUNCTION_SIGNS:
        answers = [(c.date, getattr(c, sign)) for c in ordered]
        yes = [day for day, said in answers if said is True]
        signs[sign] = {
            "yes_weeks": len(yes),
            "no_weeks": sum(1 for _, said in answers if said is False),
            "first_yes": yes[0].isoformat() if yes else None,
        }
    return {
        "checks": len(ordered),
        "first": ordered[0].date.isoformat() if ordered else None,
        "last": ordered[-1].date.isoformat() if ordered else None,
        "signs": signs,
    }


def _day(value: date) -> str:
    return f"{value:%-d %b %Y}"
