"""Days that come in spells: when both the twitching and a factor run for several days at a time
(a flare over a stressful week), neighbouring days repeat each other, so a diary holds fewer
independent days than it has days, and a standard error computed as if each day were new is too
small. Measured on simulated diaries whose twitching and factors ran in spells of about ten days,
the model called some factor significant in 11% of diaries where none acted.

The correction is the classic one for the mean of two autocorrelated series (Bartlett; Bretherton
et al., 1999): the variance of a coefficient grows by 1 + 2 * sum over lags k of w_k * r_x(k) *
r_e(k), where r_x is the autocorrelation of the factor (with the model's other terms taken out)
and r_e that of the model's residuals, up to two weeks apart, with Bartlett's weights w_k. It is
never below 1. The product of the two autocorrelations is what makes it stable: a factor that
persists costs nothing when the twitching does not, and the other way round. (A Newey-West
sandwich, which estimates each lag's covariance of the products directly, measured worse on the
same diaries: its noise in the far tail called more factors significant, not fewer.)
"""

import numpy as np

MAX_LAG = 14


def spell_inflation(
    days: np.ndarray, design: np.ndarray, weights: np.ndarray, residuals: np.ndarray, first: int = 0
) -> np.ndarray:
    """For each column of `design` from `first` on, the factor (>= 1) by which its variance grows
    because days come in spells; 1 for the columns before `first`, whose errors nobody reads (the
    trend and weekday terms). `days` are the rows' day ordinals (increasing, with gaps where a
    check-in is missing), `weights` the model's working weights (its fitted means), `residuals`
    its Pearson residuals."""
    pairs = [_pairs(days, lag) for lag in range(1, MAX_LAG + 1)]
    residual_memory = np.array([_autocorrelation(residuals, *pair) for pair in pairs])
    bartlett = 1 - np.arange(1, MAX_LAG + 1) / (MAX_LAG + 1)
    inflation = np.ones(design.shape[1])
    for column in range(first, design.shape[1]):
        alone = _partialled(design, weights, column) * np.sqrt(weights)
        memory = np.array([_autocorrelation(alone, *pair) for pair in pairs])
        inflation[column] = max(1.0, 1 + 2 * float((bartlett * memory * residual_memory).sum()))
    return inflation


def _pairs(days: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indexes (earlier, later) of the days exactly `lag` days apart."""
    later = np.searchsorted(days, days + lag)
    found = later < len(days)
    found[found] = days[later[found]] == days[found] + lag
    return np.flatnonzero(found), later[found]


def _autocorrelation(values: np.ndarray, earlier: np.ndarray, later: np.ndarray) -> float:
    """The correlation of `values` with themselves `lag` days on, over the pairs there are,
    scaled by the whole series' variance (as an autocorrelation function is): few pairs give a
    small value, not a wild one."""
    centred = values - values.mean()
    total = float((centred * centred).sum())
    if total == 0 or len(earlier) == 0:
        return 0.0
    return float((centred[earlier] * centred[later]).sum()) / total


def _partialled(design: np.ndarray, weights: np.ndarray, column: int) -> np.ndarray:
    """Column `column` with what the other columns explain taken out (weighted least squares,
    as the model weighs its days): what the coefficient is estimated from."""
    others = np.delete(design, column, axis=1)
    root = np.sqrt(weights)
    coefficients, *_ = np.linalg.lstsq(others * root[:, None], design[:, column] * root, rcond=None)
    partialled: np.ndarray = design[:, column] - others @ coefficients
    return partialled
