"""Rate ratios adjusted for each other: one count model over the check-in days with every factor
(same day and day before) together, plus what else confounds a diary over months.

Factors travel together (caffeine days are often short-sleep days), so comparing each alone
credits a factor with what its companion does. One model holds them all, with a slow time trend
(a line that may bend every 13 weeks: a diary that improves over months would otherwise credit
whatever became rarer meanwhile) and the weekday (weekend habits and weekend twitching go
together without one causing the other).

Quasi-Poisson (a Poisson regression whose standard errors are scaled by the Pearson dispersion,
never below 1): twitches cluster within days, and a plain Poisson model would call chance
clusters real. The dispersion is estimated from the model's own days, so intervals use
Student's t with the model's residual degrees of freedom.

A factor the model cannot estimate honestly is left out with the reason, never guessed: one
recorded on too few days, one that never varies, one that goes together with another factor (or
with the trend and weekday) so that the days cannot tell them apart, one with no episode on its
days or off them. The rest is still fitted.
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from threadpoolctl import threadpool_limits

from .data import ordinal_weekday
from .spells import spell_inflation
from .stats import LogRateRatio

# A factor recorded on fewer of the check-in days than this is left out of the model: keeping it
# would keep only the days it was recorded on, and cost every other factor most of its days.
MIN_RECORDED_SHARE = 0.5
# Days the model keeps beyond its number of coefficients: fewer leave the dispersion, and so
# every interval, resting on too little.
MIN_RESIDUAL_DAYS = 30
# Two factors that differ on fewer days than this (or are opposite on all but that many) cannot
# be told apart: the model would give each a meaningless share of their joint effect.
MIN_DAYS_APART = 14
TREND_BEND_DAYS = 91
# A log rate ratio beyond this (a factor of e^15, three million) is no estimate: the model is
# sending a rate to zero or infinity because some days hold no episode at all.
UNBOUNDED = 15.0
# A fitted rate this low (episodes a day) is what a model that runs off looks like when its
# solver stops: a rate sent towards zero on days without episodes, not a rate anyone has.
SEPARATED = 1e-8
FAILED = "The adjusted model could not be fitted on these days."
# No bend this close to the last day: the line after it would rest on a few days.
TREND_TAIL_DAYS = 30


@dataclass(frozen=True)
class Column:
    """One factor at one lag over the outcome days (check-in days, in order)."""

    label: str  # for reasons: "less than 6 hours of sleep (the day before)"
    recorded: np.ndarray  # bool: the factor's check-in exists and records it
    exposed: np.ndarray  # bool: recorded and exposed


@dataclass(frozen=True)
class ModelResult:
    """Per column index: its adjusted log rate ratio, or why it has none."""

    fitted: dict[int, LogRateRatio]
    reasons: dict[int, str]
    days: int  # days the model used


def adjusted_log_ratios(
    days: np.ndarray, counts: np.ndarray, columns: Sequence[Column], candidates: Sequence[int], min_days: int
) -> ModelResult:
    """Fit one model of `counts` (episodes on each of `days`, ordinals) on the `candidates`
    columns; the other columns are not considered (they could not be compared even alone)."""
    # One BLAS thread: the matrices are small (a row per day, a column per term), so more threads
    # only add hand-offs, and beside another busy process (a second worker, the web server) they
    # made the whole analysis of 100,000 episodes three times slower (3.0 s against 0.9 s).
    with threadpool_limits(limits=1):
        return _adjusted(days, counts, columns, candidates, min_days)


def _adjusted(
    days: np.ndarray, counts: np.ndarray, columns: Sequence[Column], candidates: Sequence[int], min_days: int
) -> ModelResult:
    reasons: dict[int, str] = {}
    kept = _recorded_often_enough(columns, candidates, len(days), reasons)
    rows = np.logical_and.reduce([columns[i].recorded for i in kept]) if kept else np.zeros(len(days), bool)
    y = counts[rows]
    kept = _varying(columns, kept, rows, y, min_days, reasons)
    kept, adjusters = _apart(columns, kept, rows, reasons)
    design, first, kept = _design(confounders(days[rows], y), columns, kept + adjusters, rows, reasons)
    if not kept:
        return ModelResult({}, reasons, int(rows.sum()))
    needed = design.shape[1] + MIN_RESIDUAL_DAYS
    if len(y) < needed:
        too_few = f"The adjusted model needs {needed} check-in days with every factor recorded; there are {len(y)}."
        return ModelResult({}, _unless_said(reasons, kept, too_few), len(y))
    estimates = quasi_poisson_fit(y, design, days[rows], first)
    if estimates is None:
        return ModelResult({}, _unless_said(reasons, kept, FAILED), len(y))
    fitted: dict[int, LogRateRatio] = {}
    for n, i in enumerate(kept):
        estimate = estimates[first + n]
        if abs(estimate.estimate) > UNBOUNDED:  # the days set this factor apart from the episodes entirely
            reasons.setdefault(
                i, "The episodes and this factor's days never meet in a way the model can put a number on."
            )
        elif i not in adjusters:
            fitted[i] = estimate
    return ModelResult(fitted, reasons, len(y))


def _unless_said(reasons: dict[int, str], columns: list[int], reason: str) -> dict[int, str]:
    """`reasons`, with `reason` for each of `columns` that has none yet: a factor that cannot be
    told apart from another keeps that reason, the more telling one."""
    return {**dict.fromkeys(columns, reason), **reasons}


def _recorded_often_enough(
    columns: Sequence[Column], candidates: Sequence[int], days: int, reasons: dict[int, str]
) -> list[int]:
    kept = []
    for i in candidates:
        recorded = int(columns[i].recorded.sum())
        if recorded < MIN_RECORDED_SHARE * days:
            reasons[i] = (
                f"Recorded on {recorded} of {days} check-in days; the adjusted model needs it on at least half "
                "(it is still compared alone)."
            )
        else:
            kept.append(i)
    return kept


def _varying(
    columns: Sequence[Column], kept: list[int], rows: np.ndarray, y: np.ndarray, min_days: int, reasons: dict[int, str]
) -> list[int]:
    """Columns with `min_days` days each way, and episodes both on and off their days, among
    the days the model uses. With no episode on one side, the model's estimate runs off to 0 or
    infinity."""
    varying = []
    for i in kept:
        exposed = columns[i].exposed[rows]
        on, off = int(exposed.sum()), int((~exposed).sum())
        if on < min_days or off < min_days:
            reasons[i] = (
                f"On the {len(y)} days with every factor recorded it applies on {on} and not on {off}; "
                f"the adjusted model needs {min_days} days each way."
            )
        elif not y[exposed].any() or not y[~exposed].any():
            side = "with" if not y[exposed].any() else "without"
            reasons[i] = f"No episode on the days {side} it among those the adjusted model uses."
        else:
            varying.append(i)
    return varying


def _apart(
    columns: Sequence[Column], kept: list[int], rows: np.ndarray, reasons: dict[int, str]
) -> tuple[list[int], list[int]]:
    """Split off factors that go together with an earlier one on (nearly) every day. The earlier
    one stays in the model as an adjuster, so that the others are still adjusted for what the
    pair does, but neither gets a rate ratio: the days cannot say which of the two acts."""
    apart: list[int] = []
    adjusters: list[int] = []
    for i in kept:
        exposed = columns[i].exposed[rows]
        partner = next((j for j in apart + adjusters if _together(exposed, columns[j].exposed[rows])), None)
        if partner is None:
            apart.append(i)
            continue
        reasons[i] = _cannot_tell_apart(columns[partner], exposed, columns[partner].exposed[rows])
        reasons[partner] = _cannot_tell_apart(columns[i], exposed, columns[partner].exposed[rows])
        if partner in apart:
            apart.remove(partner)
            adjusters.append(partner)
    return apart, adjusters


def _together(a: np.ndarray, b: np.ndarray) -> bool:
    differ = int((a != b).sum())
    return differ < MIN_DAYS_APART or len(a) - differ < MIN_DAYS_APART


def _cannot_tell_apart(other: Column, a: np.ndarray, b: np.ndarray) -> str:
    differ = int((a != b).sum())
    how = "goes together with" if differ < len(a) - differ else "is the opposite of"
    return (
        f"It {how} {other.label} on all but {min(differ, len(a) - differ)} of {len(a)} days: "
        "the data cannot tell the two apart."
    )


def confounders(days: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Intercept, the slow trend (years since the first day, bending every 13 weeks) and the
    weekday, one row per day.

    Only terms the episodes can pin down: a stretch of the trend or a weekday without a single
    episode would let the model send its rate to zero, without bound, and the fit would fail for
    every factor. That is the common case of twitching that stopped months ago while the check-ins
    go on, or that started late. So a bend that opens or closes a stretch without episodes is
    left out (the line runs straight through it), and weekdays without episodes go in with the
    baseline (weekday_confounders)."""
    if len(days) == 0:
        return np.ones((0, 1))
    first, last = int(days[0]), int(days[-1])
    bends = list(range(first + TREND_BEND_DAYS, last - TREND_TAIL_DAYS, TREND_BEND_DAYS))
    bends = _bends_between_episodes(days, counts, bends)
    hinges = [np.maximum(days - bend, 0) / 365.25 for bend in bends]
    return np.column_stack([np.ones(len(days)), (days - first) / 365.25, *hinges, *_weekdays(days, counts)])


def weekday_confounders(days: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Intercept and the weekday, one row per day, without a trend: for a comparison over a few
    weeks, where a line would cost more than the drift it takes out (treatments.py)."""
    return np.column_stack([np.ones(len(days)), *_weekdays(days, counts)])


def _weekdays(days: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    """A column per weekday with episodes, except the baseline, the weekday with the most
    episodes; weekdays without episodes go in with the baseline."""
    weekday = ordinal_weekday(days)
    per_weekday = np.bincount(weekday, weights=counts, minlength=7)
    baseline = int(np.argmax(per_weekday))
    return [(weekday == d).astype(float) for d in range(7) if d != baseline and per_weekday[d] > 0]


def _bends_between_episodes(days: np.ndarray, counts: np.ndarray, bends: list[int]) -> list[int]:
    """`bends` without those that border a stretch with no episode: each stretch of the line
    between two bends (and before the first, and after the last) then holds some."""
    while bends:
        edges = [int(days[0]), *bends, int(days[-1]) + 1]
        held = [counts[(days >= low) & (days < high)].sum() for low, high in pairwise(edges)]
        empty = next((n for n, episodes in enumerate(held) if episodes == 0), None)
        if empty is None:
            break
        bends.pop(0 if empty == 0 else empty - 1)  # merge the empty stretch with its neighbour
    return bends


def independent_columns(matrix: np.ndarray) -> list[int]:
    """The columns, in order, that each add something to the ones before: Householder QR leaves
    a column's diagonal entry near zero exactly when the earlier columns already span it. One
    decomposition, where a rank test per column would take one each."""
    if matrix.shape[0] == 0:
        return []
    diagonal = np.abs(np.diag(np.linalg.qr(matrix, mode="r")))
    norms = np.linalg.norm(matrix, axis=0)
    return [j for j in range(min(matrix.shape)) if norms[j] > 0 and diagonal[j] > 1e-8 * norms[j]]


def _design(
    base: np.ndarray, columns: Sequence[Column], kept: list[int], rows: np.ndarray, reasons: dict[int, str]
) -> tuple[np.ndarray, int, list[int]]:
    """The design: the `base` columns (the confounders) that each add something (a weekday the
    days never fall on, or a bend with no day after it, would make the model unfittable), then
    the factor columns that the trend, the weekday and the factors before them do not already
    determine."""
    factors = [columns[i].exposed[rows].astype(float) for i in kept]
    matrix = np.column_stack([base, *factors])
    chosen = independent_columns(matrix)
    first = base.shape[1]
    added = [i for n, i in enumerate(kept) if first + n in chosen]
    for i in kept:
        if i not in added:
            reasons[i] = (
                "The other factors, the weekday and the trend determine it on these days: "
                "the data cannot tell it apart from them."
            )
    return matrix[:, chosen], sum(1 for j in chosen if j < first), added


def quasi_poisson_fit(y: np.ndarray, design: np.ndarray, days: np.ndarray, first: int) -> list[LogRateRatio] | None:
    """Quasi-Poisson estimates for every column of `design`, their standard errors widened where
    days come in spells (`spells`); None when the fit fails or does not settle (a warning from
    the solver counts as failure: its numbers are not to be trusted)."""
    # Imported here: statsmodels brings pandas, a second's import that only an analysis needs.
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = GLM(y, design, family=Poisson()).fit()
    except (Warning, ValueError, np.linalg.LinAlgError):
        return None
    df = float(result.df_resid)
    dispersion = max(1.0, float(result.pearson_chi2) / df)
    estimates = np.asarray(result.params)
    if not (result.converged and np.isfinite(estimates).all() and np.isfinite(result.bse).all()):
        return None
    if float(np.min(result.mu)) < SEPARATED:
        return None  # some days' rate sent to zero: the fit ran off rather than settled
    inflation = spell_inflation(days, design, np.asarray(result.mu), np.asarray(result.resid_pearson), first)
    se = np.asarray(result.bse) * np.sqrt(dispersion * inflation)
    return [LogRateRatio(float(b), float(s), df) for b, s in zip(estimates, se, strict=True)]
