"""A treatment's effect and the weekly checks' tally in plain words, read defensively from the
stored findings (a key missing or of another shape is left out, since a summary may have been
written by an older or newer analysis than the page that shows it): the dashboard's sections and
the report's first page say them the same way."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from diary.plain import FUNCTION_SIGNS

SIGN_NAMES = {
    "weakness": "Weakness",
    "wasting": "Muscle wasting",
    "swallowing": "Swallowing trouble",
    "speech": "Speech trouble",
    "breathing": "Breathing trouble",
    "balance": "Balance trouble",
    "numbness_tingling": "Numbness or tingling",
    "vision_hearing": "Vision or hearing change",
    "cramps": "Cramps",
}
NEXT_ANALYSIS = "The next analysis will compare before and after."


def effect_text(effect: Mapping[str, Any] | None, *, stopped: bool = False) -> str:
    """One treatment's effect in plain words, such as "About 9 a week before, about 5 a week
    since (0.3 to 0.9 times as many): fewer since it started"."""
    if effect is None:
        return NEXT_ANALYSIS
    before, after = _number(effect.get("rate_before")), _number(effect.get("rate_after"))
    ratio = _number(effect.get("rate_ratio"))
    if before is None or after is None or ratio is None:
        reason = str(effect.get("reason") or "there are not enough days before and after it started")
        return f"Cannot say yet: {reason.rstrip('.')}."
    since = "while on it" if stopped else "since"
    words = f"{about(before).capitalize()} a week before, {about(after)} a week {since}"
    low, high = _number(effect.get("ci_low")), _number(effect.get("ci_high"))
    if low is not None and high is not None:
        words += f" ({times_text(low)} to {times_text(high)} times as many)"
    if effect.get("significant") is True and ratio < 1:
        return f"{words}: fewer since it started."
    if effect.get("significant") is True and ratio > 1:
        return f"{words}: more since it started."
    return f"{words}: no clear change."


def check_lines(tally: Mapping[str, Any]) -> list[str]:
    """ "Weakness: no in 12 of 12 checks", "Cramps: yes in 2 of 12 checks, first on 3 Nov"."""
    signs = tally.get("signs")
    if not isinstance(signs, Mapping):
        return []
    lines = []
    for sign in FUNCTION_SIGNS:
        counts = signs.get(sign)
        if not isinstance(counts, Mapping):
            continue
        yes, no = int_or_zero(counts.get("yes_weeks")), int_or_zero(counts.get("no_weeks"))
        answered = yes + no
        if not answered:
            continue
        checks = "check" if answered == 1 else "checks"
        if not yes:
            lines.append(f"{SIGN_NAMES[sign]}: no in {no} of {answered} {checks}")
            continue
        first = _iso_day(counts.get("first_yes"))
        since = f", first on {first:%-d %b %Y}" if first else ""
        lines.append(f"{SIGN_NAMES[sign]}: yes in {yes} of {answered} {checks}{since}")
    return lines


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def int_or_zero(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _iso_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def about(value: float) -> str:
    """Episodes a week as a person says it: "about 9", "about 2.5", "under 1"; never "8.714"."""
    if value == 0:
        return "none"
    if value < 0.5:
        return "under 1"
    return f"about {value:.0f}" if value >= 3 else f"about {value:.1f}".removesuffix(".0")


def times_text(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"
