"""What a treatment did: the episode rate in its first weeks against the weeks before it,
adjusted for the weekday, with a 95% interval and the caveats a reader needs.

A local interrupted time series: one count model over the covered days of the WINDOW_DAYS on
the treatment and the WINDOW_DAYS before it (less the LEFT_OUT_DAYS just before the start), with
the weekday (adjusted.weekday_confounders) and a "treatment on" column, fitted quasi-Poisson
with the dispersion and the spells of days widening the interval (adjusted.quasi_poisson_fit),
Student's t on the residual degrees of freedom.

No trend: over a few weeks either side, the slow drift of a diary moves the rate little, and a
line fitted with the step is nearly the step itself, so it costs most of the power (WINDOW_DAYS
says what the simulation measured). A rate that was already rising or falling steadily at the
time is the price, and the caveats say that the comparison is of these weeks only.

Regression to the mean: people start a treatment when the twitching is at its worst, and the
worst weeks are followed by better ones whatever is done. So the LEFT_OUT_DAYS just before the
start are not part of the baseline, as interrupted time series designs leave out a transition
before an intervention; the finding says so. tests/tracker/analysis/simulation_treatments.py
starts a treatment that does nothing right after each diary's busiest week and counts how often
an effect is called significant.

Days before the diary's first entry are not twitch-free days (Diary.start), so a treatment that
started before it has no before to compare with. Days after a treatment stopped are neither
before nor after it, and are left out."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from threadpoolctl import threadpool_limits

from diary.formatting import day_text
from diary.plain import Diary, Treatment

from .adjusted import MIN_RESIDUAL_DAYS, UNBOUNDED, independent_columns, quasi_poisson_fit, weekday_confounders
from .findings import TreatmentEffect, TreatmentEffectNotComputed, TreatmentIdentity
from .stats import RateRatio, rounded

# The weeks just before the start, left out of the baseline: the busiest weeks, when people
# start treatments, are followed by calmer ones whatever is done (regression to the mean).
# Measured on 300 simulated diaries whose treatment does nothing and starts right after the
# busiest week (with a straight trend): with nothing left out it was called significant in 16%
# of them, nearly all "it helped"; with 7 days, 9%; with 14, 8%. With five weeks each side
# (WINDOW_DAYS, 1,000 diaries) 7 days and 14 measure alike: 6.3% and 6.9%, a halving found in
# 63.5% and 63.9%. Two weeks rather than one because people do not start on the very day after
# their worst week, and the spell around it lasts more than a week.
LEFT_OUT_DAYS = 14
# The days compared each side: the first five weeks on the treatment, against the five weeks
# before the left-out days. Measured on 1,000 simulated diaries of each kind
# (simulation_treatments.py, whose rate drifts by up to a halving a year and wanders over months):
# the whole diary with a trend that bends only beyond 120 days of the start found a real halving
# in 47% of them, and called a treatment that does nothing significant in 7.0% (9.8% of the
# diaries of 240 days or more); with a straight line, 49% and 7.9% (12%). A line fitted beside
# the step takes much of it: the same line over six weeks each side found 21%. With no trend over
# the whole diary: 78% found, but 16% significant with no effect (23% of the long diaries), the
# drift taken for an effect. Without a trend over five weeks each side: 64% found, 6.9%
# significant with no effect (at most 8.5% by length, 9.5% in the diaries of 2 to 3 episodes a
# day, whose wander outweighs their chance), the interval covering the true ratio in 94%. Four
# weeks: 58% and 6.6%; six: 68% and 7.6% (11% in those busiest diaries).
WINDOW_DAYS = 35
# Covered days each side, at the least: two weeks holds every weekday twice, and fewer leave the
# rate on either side resting on a handful of days (a spell or a quiet week alone).
MIN_BEFORE_DAYS = 14
MIN_AFTER_DAYS = 14

OBSERVATIONAL = (
    "An observational before-and-after comparison, not a trial: the rate may have changed for "
    "other reasons, and nobody was compared who did not take it."
)
SAME_TIME = "Anything else that changed when it started (habits, stress, other treatments) cannot be separated from it."
FAILED = "The model could not be fitted on these days."


@dataclass(frozen=True)
class Windows:
    """The days compared, as ordinals: the baseline [before_first, before_last] and the days on
    the treatment [after_first, after_last]; empty ranges when last < first."""

    before_first: int
    before_last: int
    after_first: int
    after_last: int

    @property
    def before_days(self) -> int:
        return max(self.before_last - self.before_first + 1, 0)

    @property
    def after_days(self) -> int:
        return max(self.after_last - self.after_first + 1, 0)


def treatment_effects(diary: Diary) -> list[TreatmentEffect]:
    """One finding per treatment, by start date (then name)."""
    ordered = sorted(diary.treatments, key=lambda t: (t.started_on, t.name, t.id))
    # One BLAS thread, as in adjusted.adjusted_log_ratios: small matrices, and other processes.
    with threadpool_limits(limits=1):
        return [_effect(diary, treatment, ordered) for treatment in ordered]


def _effect(diary: Diary, treatment: Treatment, everything: Sequence[Treatment]) -> TreatmentEffect:
    windows = _windows(diary, treatment)
    counts = _day_counts(diary, windows)
    before, after = counts[: windows.before_days], counts[windows.before_days :]
    identity: TreatmentIdentity = {
        "treatment_id": treatment.id,
        "name": treatment.name,
        "started_on": treatment.started_on.isoformat(),
        "stopped_on": treatment.stopped_on.isoformat() if treatment.stopped_on else None,
        "before_days": windows.before_days,
        "after_days": windows.after_days,
        "rate_before": _per_week(before),
        "rate_after": _per_week(after),
    }
    reason = _why_not(diary, treatment, windows, before, after)
    if reason is not None:
        return _not_computed(identity, reason)
    fitted = _fit(counts, windows)
    if isinstance(fitted, str):
        return _not_computed(identity, fitted)
    return {
        **identity,
        "status": "ok",
        "rate_ratio": rounded(fitted.ratio),
        "ci_low": rounded(fitted.ci_low),
        "ci_high": rounded(fitted.ci_high),
        "p_value": rounded(fitted.p_value, 4),
        # From the interval itself, not the rounded one: rounding must not decide.
        "significant": fitted.ci_low > 1 or fitted.ci_high < 1,
        "model_days": len(counts),
        "left_out_days": LEFT_OUT_DAYS,
        "caveats": _caveats(diary, treatment, windows, everything),
    }


def _fit(counts: np.ndarray, windows: Windows) -> RateRatio | str:
    """The rate ratio of the days on the treatment, adjusted for the weekday, with its 95%
    interval; or why there is none."""
    before = np.arange(windows.before_first, windows.before_last + 1)
    after = np.arange(windows.after_first, windows.after_last + 1)
    days = np.concatenate([before, after])
    on = np.concatenate([np.zeros(len(before)), np.ones(len(after))])
    base = weekday_confounders(days, counts)
    design = np.column_stack([base[:, independent_columns(base)], on])
    if independent_columns(design)[-1:] != [design.shape[1] - 1]:
        return "The weekday determines these days: the model cannot tell it apart."
    needed = design.shape[1] + MIN_RESIDUAL_DAYS
    if len(counts) < needed:
        return f"The model needs {needed} covered days around it; there are {len(counts)}."
    fitted = quasi_poisson_fit(counts, design, days, design.shape[1] - 1)
    estimate = fitted[-1] if fitted else None
    ratio = estimate.rate_ratio() if estimate and abs(estimate.estimate) <= UNBOUNDED else None
    return FAILED if ratio is None else ratio


def _windows(diary: Diary, treatment: Treatment) -> Windows:
    start, end = treatment.started_on.toordinal(), diary.end.toordinal()
    stop = min(treatment.stopped_on.toordinal(), end) if treatment.stopped_on else end
    return Windows(
        before_first=max(start - LEFT_OUT_DAYS - WINDOW_DAYS, diary.start.toordinal()),
        before_last=min(start - LEFT_OUT_DAYS - 1, end),
        after_first=max(start, diary.start.toordinal()),
        after_last=min(stop, start + WINDOW_DAYS - 1),
    )


def _day_counts(diary: Diary, windows: Windows) -> np.ndarray:
    """Episodes on each day of the baseline, then on each day of the treatment, zeros included."""
    per_day = diary.episodes_per_day
    ranges = [(windows.before_first, windows.before_days), (windows.after_first, windows.after_days)]
    return np.array([per_day.get(first + n, 0) for first, days in ranges for n in range(days)], dtype=float)


def _per_week(counts: np.ndarray) -> float | None:
    return rounded(7 * counts.sum() / len(counts), 2) if len(counts) else None


def _why_not(diary: Diary, treatment: Treatment, windows: Windows, before: np.ndarray, after: np.ndarray) -> str | None:
    if treatment.started_on > diary.end:
        return f"Starts after the last day of the period ({day_text(diary.end)})."
    if treatment.started_on <= diary.start:
        return (
            f"Started before the diary began (its first day here is {day_text(diary.start)}): "
            "there are no days before it to compare with."
        )
    if windows.before_days < MIN_BEFORE_DAYS or windows.after_days < MIN_AFTER_DAYS:
        return (
            f"Needs {MIN_BEFORE_DAYS} covered days before it (leaving out the {LEFT_OUT_DAYS} days just before "
            f"it started) and {MIN_AFTER_DAYS} after; has {windows.before_days} and {windows.after_days}."
        )
    if not before.any() and not after.any():
        return "No episodes on these days: there is no rate to compare."
    if not after.any():
        return (
            f"No episodes in the {windows.after_days} days on it, against {int(before.sum())} in the "
            f"{windows.before_days} days before: the model cannot put a number on a drop to none."
        )
    if not before.any():
        return (
            f"No episodes in the {windows.before_days} days before it, against {int(after.sum())} in the "
            f"{windows.after_days} days on it: the model cannot put a number on a rise from none."
        )
    return None


def _not_computed(identity: TreatmentIdentity, reason: str) -> TreatmentEffectNotComputed:
    return {
        **identity,
        "status": "not_enough_data",
        "rate_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "significant": False,
        "reason": reason,
        "caveats": [],
    }


def _caveats(diary: Diary, treatment: Treatment, windows: Windows, everything: Sequence[Treatment]) -> list[str]:
    first_left_out = treatment.started_on - timedelta(days=LEFT_OUT_DAYS)
    caveats = [
        OBSERVATIONAL,
        SAME_TIME,
        f"The {LEFT_OUT_DAYS} days before it started ({day_text(first_left_out)} to "
        f"{day_text(treatment.started_on - timedelta(days=1))}) are left out of the comparison: people often "
        "start a treatment when twitching is at its worst, and the worst weeks tend to be followed by calmer "
        "ones whatever is done.",
        f"Compares its first {windows.after_days} days ({_span(windows.after_first, windows.after_last)}) "
        f"with the {windows.before_days} days before those left out "
        f"({_span(windows.before_first, windows.before_last)}): the weeks around the start, not the months. A rate "
        "that was already rising or falling steadily then is not told apart from it, and an effect that takes "
        "longer to come shows only in part.",
    ]
    if treatment.stopped_on and treatment.stopped_on < diary.end:
        caveats.append(f"Stopped on {day_text(treatment.stopped_on)}: the days since are left out.")
    overlapping = [t.name for t in everything if t.id != treatment.id and _overlaps(t, windows)]
    if overlapping:
        names = ", ".join(dict.fromkeys(overlapping))
        caveats.append(f"Also taken during these days: {names}. Their effects cannot be told apart from this one's.")
    return caveats


def _span(first: int, last: int) -> str:
    return f"{day_text(date.fromordinal(first))} to {day_text(date.fromordinal(last))}"


def _overlaps(other: Treatment, windows: Windows) -> bool:
    """Whether `other` was going on during any day compared (the baseline or the days on it)."""
    first = other.started_on.toordinal()
    last = other.stopped_on.toordinal() if other.stopped_on else date.max.toordinal()
    return first <= windows.after_last and last >= windows.before_first
