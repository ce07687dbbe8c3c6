"""The statistical backbone the network departs from: pure numpy, no Keras.

Every forecast of the network is ``backbone + departure``: the departure comes
from the network's zero-initialised head, so an untrained network forecasts
the backbone exactly. The backbone has two parts, both fitted on training
data only:

- a **seasonal profile** per series (a row-wise term, subtracted from the flat
  scaled matrix): the series' mean plus a smooth seasonal shape, the first
  ``harmonics`` Fourier terms fitted by least squares together with a linear
  trend, kept only where an F-test finds the shape significant at 90%
  (``harmonics=None``: the per-phase means after removing a centred
  moving-average trend, classical decomposition);
- a **level / trend anchor** (a window-wise term, a fixed linear map of the
  input window inside the network): the forecast of the deseasonalised value
  ``h`` steps ahead is the simple-exponential-smoothing level of the window
  (``alpha``) plus a damped slope (``phi``) of the window, or 0 (the series'
  training mean: climatology) when there is no level.

Which of these apply (harmonics, log transform, level, trend) is chosen in
:func:`select_backbone` by the backbone's own forecasts on the held-back end
of the training series, as AutoETS chooses its components (the simplest
candidate within 1% of the best); then :func:`choose_per_series` gives a
series its own harmonics and log scale where its in-sample errors are clearly
lower with them.

Dimension legend: ``R`` rows of the flat panel, ``T`` target columns, ``S``
series, ``P`` seasonal period, ``W`` window, ``H`` decoder steps, ``N``
windows, ``C`` candidates.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, replace

import numpy as np

__all__ = [
    "Backbone",
    "anchor_matrix",
    "backbone_params",
    "choose_per_series",
    "estimate_period",
    "fit_profile",
    "select_backbone",
    "select_for_panel",
]

# candidate smoothing parameters of the level and damping of the trend
ALPHAS = (0.05, 0.1, 0.2, 0.4, 0.7, 1.0)
PHIS = (None, 0.8, 0.9, 1.0)
HARMONICS = (1, 2, 3)
# a series gets its own seasonal shape / log scale only when its in-sample
# error is this much lower than with the panel's choice (shrinkage towards the
# panel; chosen on the selection splits, BENCHMARKS.md)
PER_SERIES_MARGIN = 0.05
# the panel's components: the simplest candidate whose held-back error is
# within 1% of the best one's
PARSIMONY = 0.01
# candidate periods for an integer index (seasonal_period="auto")
PERIOD_CANDIDATES = (4, 5, 6, 7, 12, 24, 52)
_F_QUANTILE = 0.9


@dataclass(frozen=True)
class Backbone:
    """The backbone's components, resolved for one fit.

    Attributes
    ----------
    harmonics : int or None
        Fourier terms of the seasonal shape; 0: no seasonal shape (the mean
        only); None: the raw per-phase means (no smoothing, no test).
    log : bool
        Targets are modelled as logarithms (series with a value <= 0 stay on
        their own scale).
    alpha : float or None
        Smoothing of the level anchored at the end of each input window;
        None: no level (the forecast departs from the training mean).
    phi : float or None
        Damping of the window's slope added to the level; None: no trend.
    series_harmonics : tuple of (int or None), length S, or None
        Per-series ``harmonics`` chosen by :func:`choose_per_series` (None:
        ``harmonics`` for every series).
    series_log : tuple of bool, length S, or None
        Per-series ``log`` (None: ``log`` for every series).
    """

    harmonics: int | None = 2
    log: bool = False
    alpha: float | None = None
    phi: float | None = None
    series_harmonics: tuple | None = None
    series_log: tuple | None = None

    def __post_init__(self):
        # saved state comes back as lists: keep the dataclass hashable
        for name in ("series_harmonics", "series_log"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(value))

    def panel_level(self) -> Backbone:
        """Return the same components without the per-series choices."""
        return replace(self, series_harmonics=None, series_log=None)

    def matrix(self, window: int, decoder_length: int) -> np.ndarray:
        """Anchor matrix ``(H, W)``: see :func:`anchor_matrix`."""
        return anchor_matrix(window, decoder_length, self.alpha, self.phi)


def backbone_params(backbone: Backbone | None) -> dict | None:
    """Return the backbone as plain fitted state (saved by ``save_model``)."""
    return None if backbone is None else asdict(backbone)


def anchor_matrix(
    window: int, decoder_length: int, alpha: float | None, phi: float | None
) -> np.ndarray:
    """Linear map from a deseasonalised window to its backbone forecast.

    Parameters
    ----------
    window, decoder_length : int
    alpha : float in (0, 1] or None
        Simple exponential smoothing over the window, the oldest point standing
        in for the initial level; None gives the zero matrix (climatology).
    phi : float in (0, 1] or None
        Adds ``(lag + phi + ... + phi ** h)`` times the least-squares slope of
        the window at step ``h``, ``lag`` being the mean age of the smoothing
        weights (by which the smoothed level trails a trend); None: no trend.

    Returns
    -------
    np.ndarray of float32, shape (H, W)
        Row ``h`` holds the weights of the window's points (oldest first) in
        the forecast ``h + 1`` steps ahead; each row sums to 1 when there is a
        level (a constant window forecasts itself), to 0 without.
    """
    out = np.zeros((decoder_length, window))
    if alpha is None:
        return out.astype(np.float32)
    age = np.arange(window)[::-1]  # 0 for the newest point
    weights = alpha * (1 - alpha) ** age
    weights[0] += (1 - alpha) ** window  # initial level: the oldest point
    weights /= weights.sum()
    out[:] = weights
    if phi is not None:
        centred = np.arange(window) - (window - 1) / 2
        slope = centred / (centred @ centred)  # least-squares slope weights
        # the smoothed level lags a trend by its weights' mean age: add it back
        lag = weights @ age
        damped = np.cumsum(phi ** np.arange(1, decoder_length + 1))  # -> (H,)
        out += np.outer(lag + damped, slope)
    return out.astype(np.float32)


def _centred_trend(values: np.ndarray, offsets: np.ndarray, period: int) -> np.ndarray:
    """Centred moving average (2 x P for even P) within each series, (R,).

    NaN where the average would cross a series' edge or a missing value; a
    series without any such point gets its mean (no trend).
    """
    n_rows = len(values)
    half = period // 2
    weights = np.ones(2 * half + 1)
    if period % 2 == 0:
        weights[[0, -1]] = 0.5
    weights /= period
    known = ~np.isnan(values)
    padded = np.where(known, values, 0.0)
    trend = np.full(n_rows, np.nan)
    if n_rows >= len(weights):
        core = np.convolve(padded, weights, mode="valid")
        holes = np.convolve((~known).astype(float), np.ones(len(weights)), "valid")
        trend[half : n_rows - half] = np.where(holes == 0, core, np.nan)
    series = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    rows = np.arange(n_rows)
    inside = (rows - half >= offsets[series]) & (rows + half < offsets[series + 1])
    trend[~inside] = np.nan
    # series too short for one centred average: their mean
    has = np.bincount(series, ~np.isnan(trend), minlength=len(offsets) - 1) > 0
    sums = np.bincount(series, padded, minlength=len(offsets) - 1)
    counts = np.maximum(np.bincount(series, known, minlength=len(offsets) - 1), 1)
    fallback = ~has[series]
    trend[fallback] = (sums / counts)[series][fallback]
    return trend


def _phase_means(values, series, phase, n_series, period):
    """Per-series, per-phase sums and counts of the known values, (S, P)."""
    known = ~np.isnan(values)
    cell = series * period + phase
    sums = np.bincount(cell, np.where(known, values, 0.0), n_series * period)
    counts = np.bincount(cell, known, n_series * period)
    return sums.reshape(n_series, period), counts.reshape(n_series, period)


def _fourier_basis(period: int, harmonics: int) -> np.ndarray:
    """Orthonormal-ish basis of the first ``harmonics`` Fourier terms, (P, 2K)."""
    angle = 2 * np.pi * np.arange(period) / period
    columns = []
    for k in range(1, harmonics + 1):
        columns.append(np.cos(k * angle))
        if 2 * k != period:  # the sine of the Nyquist term is zero
            columns.append(np.sin(k * angle))
    return np.stack(columns, axis=1) if columns else np.zeros((period, 0))


def _seasonal_shape_ls(values, offsets, series, phase, period, harmonics):
    """Smooth, zero-mean seasonal shape of one column, (S, P); 0 if not significant.

    Least squares of each series' known values on ``[1, t, Fourier terms]``
    (the linear trend keeps a trending series' shape unbiased, and every point
    counts, where a centred moving average loses half a period at each end);
    an F-test against ``[1, t]`` alone keeps the shape where it is significant
    at 90%.

    The Fourier terms depend on the phase only, so every normal equation is
    built from per-(series, phase) sums of ``1, t, y`` and per-series sums of
    ``t^2, t y, y^2``: a few passes over the rows, none of them ``(R, D)``
    wide (at 100,000 series x 240 months those arrays were the fit's
    slowest part).
    """
    from scipy.stats import f as f_dist

    n_series = len(offsets) - 1
    basis = _fourier_basis(period, min(harmonics, period // 2))  # -> (P, K')
    k = basis.shape[1]
    if k == 0:
        return np.zeros((n_series, period))
    known = ~np.isnan(values)
    # centre each series (the intercept absorbs it): small sums of squares
    centred = values - _mean_by(values, series, n_series)[series]
    local = np.where(
        known, (np.arange(len(values)) - offsets[:-1][series]) / period, np.nan
    )
    y_sum, count = _phase_means(centred, series, phase, n_series, period)  # (S, P)
    t_sum, _ = _phase_means(local, series, phase, n_series, period)
    n_obs = count.sum(1)
    y = np.where(known, centred, 0.0)
    t = np.where(known, local, 0.0)
    # normal equations of the design [1, t, basis[phase]], (S, D, D) and (S, D)
    d = 2 + k
    gram = np.empty((n_series, d, d))
    gram[:, 0, 0] = n_obs
    gram[:, 0, 1] = gram[:, 1, 0] = t_sum.sum(1)
    gram[:, 1, 1] = np.bincount(series, t * t, n_series)
    gram[:, 0, 2:] = count @ basis
    gram[:, 1, 2:] = t_sum @ basis
    gram[:, 2:, 0] = gram[:, 0, 2:]
    gram[:, 2:, 1] = gram[:, 1, 2:]
    gram[:, 2:, 2:] = np.einsum("sp,pk,pl->skl", count, basis, basis)
    rhs = np.column_stack(
        [y_sum.sum(1), np.bincount(series, t * y, n_series), y_sum @ basis]
    )
    y_squares = np.bincount(series, y * y, n_series)

    def solve(cols):
        g = gram[:, cols][:, :, cols]
        coef = np.linalg.solve(g + 1e-9 * np.eye(len(cols)), rhs[:, cols][..., None])
        coef = coef[..., 0]
        # residual sum of squares from the sums: y'y - 2 b'X'y + b'X'X b
        fit = np.einsum("sd,sde,se->s", coef, g, coef)
        rss = y_squares - 2 * np.einsum("sd,sd->s", coef, rhs[:, cols]) + fit
        return coef, np.maximum(rss, 0.0)

    coef, rss = solve(list(range(d)))
    _, rss0 = solve([0, 1])
    shape = coef[:, 2:] @ basis.T  # -> (S, P)
    shape -= shape.mean(axis=1, keepdims=True)
    dof = n_obs - d
    ok = dof > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = ((rss0 - rss) / k) / (rss / np.where(ok, dof, 1))
    critical = f_dist.ppf(_F_QUANTILE, k, np.maximum(dof, 1))
    significant = ok & (stat > critical)
    return np.where(significant[:, None], shape, 0.0)


def _seasonal_shape(values, offsets, series, phase, period, harmonics):
    """Smooth, zero-mean seasonal shape of one column, (S, P); 0 if not significant."""
    from scipy.stats import f as f_dist

    n_series = len(offsets) - 1
    detrended = values - _centred_trend(values, offsets, period)
    sums, counts = _phase_means(detrended, series, phase, n_series, period)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    seen = counts > 0
    centre = np.where(seen, means, 0.0).sum(1, keepdims=True) / np.maximum(
        seen.sum(1, keepdims=True), 1
    )
    means = np.where(seen, means - centre, 0.0)  # -> (S, P)
    if harmonics is None:
        shape = means
        return shape - shape.mean(axis=1, keepdims=True)
    basis = _fourier_basis(period, min(harmonics, period // 2))  # -> (P, K')
    if basis.shape[1] == 0:
        return np.zeros((n_series, period))
    # weighted least squares of the phase means on the basis (weights: counts)
    gram = np.einsum("sp,pk,pl->skl", counts, basis, basis)  # -> (S, K', K')
    rhs = np.einsum("sp,pk->sk", counts * means, basis)  # -> (S, K')
    gram += 1e-9 * np.eye(basis.shape[1])
    coef = np.linalg.solve(gram, rhs[..., None])[..., 0]
    shape = coef @ basis.T  # -> (S, P)
    shape -= shape.mean(axis=1, keepdims=True)
    # F-test of the shape against the detrended values' own variance
    known = ~np.isnan(detrended)
    n_obs = np.bincount(series, known, n_series)
    fitted = shape[series, phase]
    resid = np.where(known, detrended - fitted - centre[series, 0], 0)
    total = np.where(known, detrended - centre[series, 0], 0)
    rss = np.bincount(series, resid**2, n_series)
    tss = np.bincount(series, total**2, n_series)
    dof = n_obs - basis.shape[1] - 1
    ok = dof > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = ((tss - rss) / basis.shape[1]) / (rss / np.where(ok, dof, 1))
    critical = f_dist.ppf(_F_QUANTILE, basis.shape[1], np.maximum(dof, 1))
    significant = ok & (stat > critical)
    return np.where(significant[:, None], shape, 0.0)


def fit_profile(
    values: np.ndarray,
    offsets: np.ndarray,
    phase: np.ndarray | None,
    period: int | None,
    harmonics: int | None,
) -> np.ndarray:
    """Per-series mean plus smooth seasonal shape of every target column.

    Parameters
    ----------
    values : np.ndarray, shape (R, T)
        Target values of the training rows (scaled), NaN where missing.
    offsets : np.ndarray of int, shape (S + 1,)
        Row offsets of the series in ``values``.
    phase : np.ndarray of int, shape (R,), or None
        Position of every row in the seasonal cycle, in ``range(period)``.
    period : int or None
        None: no seasonal shape, the profile is each series' mean (P = 1).
    harmonics : int, None, or a tuple of them (one per series)
        See :class:`Backbone`.

    Returns
    -------
    np.ndarray, shape (S, P, T)
        ``profile[s, p, t]``: the backbone's value of series ``s``, column
        ``t`` at phase ``p`` when it has no level: its mean plus its shape.
    """
    if isinstance(harmonics, tuple):  # per series: each series' own choice
        profile = None
        for k in dict.fromkeys(harmonics):
            part = fit_profile(values, offsets, phase, period, k)
            mine = np.array([h == k for h in harmonics])[:, None, None]
            profile = part if profile is None else np.where(mine, part, profile)
        return profile
    n_series = len(offsets) - 1
    series = np.repeat(np.arange(n_series), np.diff(offsets))
    n_cols = values.shape[1]
    width = period or 1
    profile = np.zeros((n_series, width, n_cols))
    for t in range(n_cols):
        column = values[:, t]
        if period and harmonics != 0:
            # Fourier terms: least squares; None: detrended per-phase means
            shaper = _seasonal_shape if harmonics is None else _seasonal_shape_ls
            shape = shaper(column, offsets, series, phase, period, harmonics)
            column = column - shape[series, phase]
            profile[:, :, t] = shape
        known = ~np.isnan(column)
        sums = np.bincount(series, np.where(known, column, 0.0), n_series)
        counts = np.bincount(series, known, n_series)
        profile[:, :, t] += (sums / np.maximum(counts, 1))[:, None]
    return profile


def estimate_period(
    values: np.ndarray, offsets: np.ndarray, candidates=PERIOD_CANDIDATES
) -> int | None:
    """Seasonal period of a panel without a calendar, from its autocorrelation.

    The first differences of every series (long enough for three cycles) are
    correlated with themselves ``m`` steps back for each candidate ``m``; the
    candidate with the largest mean autocorrelation over the series is taken
    if that mean is significant at 90% (``1.645 / sqrt(number of pairs)``),
    else None.

    Parameters
    ----------
    values : np.ndarray, shape (R,) or (R, T)
        The first target column is used.
    offsets : np.ndarray of int, shape (S + 1,)
    candidates : iterable of int

    Returns
    -------
    int or None
    """
    column = values if values.ndim == 1 else values[:, 0]
    best, best_score = None, 0.0
    for m in candidates:
        correlations, pairs = [], 0
        for s in range(len(offsets) - 1):
            diff = np.diff(column[offsets[s] : offsets[s + 1]])
            diff = diff[~np.isnan(diff)]
            if len(diff) < 3 * m:
                continue
            diff = diff - diff.mean()
            denom = diff @ diff
            if denom <= 0:
                continue
            correlations.append((diff[m:] @ diff[:-m]) / denom)
            pairs += len(diff) - m
        if not correlations:
            continue
        score = float(np.mean(correlations))
        if score > 1.645 / np.sqrt(pairs) and score > best_score:
            best, best_score = m, score
    return best


def _anomaly_windows(anomaly, offsets, origins, series, window, horizon):
    """Input windows (N, W) (back-filled before a series' start) and targets (N, H)."""
    first = offsets[:-1][series]
    rows = origins[:, None] + np.arange(-window, 0)  # -> (N, W)
    inputs = anomaly[np.maximum(rows, first[:, None])]
    targets = origins[:, None] + np.arange(horizon)  # -> (N, H)
    return inputs, np.minimum(targets, len(anomaly) - 1)


def select_backbone(
    raw: np.ndarray,
    offsets: np.ndarray,
    phase: np.ndarray | None,
    period: int | None,
    *,
    window: int,
    decoder_length: int,
    held_back: int,
    harmonics="auto",
    log="auto",
    alpha="auto",
    phi="auto",
    max_windows: int = 20_000,
) -> tuple[Backbone, dict]:
    """Choose the backbone's components by their forecasts of held-back points.

    Every series keeps its first ``n - held_back`` points to fit the profile;
    the backbone of every candidate then forecasts ``decoder_length`` steps from every
    origin in the held-back part (windows back-filled before a series'
    start), and the candidate with the lowest mean absolute error, each series
    scaled by the mean absolute error of its own seasonal naive forecast on the
    kept points (MASE; naive for a series without season), wins. Parameters
    that are not ``"auto"`` are fixed.

    Parameters
    ----------
    raw : np.ndarray, shape (R, T)
        Unscaled target values (NaN where missing).
    offsets, phase, period
        As in :func:`fit_profile`.
    window, decoder_length, held_back : int
    harmonics, log, alpha, phi : "auto" or a fixed value
        See :class:`Backbone`; ``log=True`` only applies to positive series.
    max_windows : int
        Evaluate at most this many windows (evenly spaced).

    Returns
    -------
    Backbone
        The chosen components; the defaults ``Backbone(2, False, 0.4, None)``
        (each fixed value kept) when no series has a held-back window.
    dict
        ``{candidate: score}`` of every candidate evaluated.
    """
    fixed = _fixed_or_grid(harmonics, log, alpha, phi, period)
    n_series = len(offsets) - 1
    lengths = np.diff(offsets)
    cut = offsets[1:] - held_back  # first held-back row of each series
    keep = lengths - held_back >= 2
    # every origin in the held-back part; targets past a series' end are NaN
    origins = np.concatenate(
        [np.arange(cut[s], offsets[s + 1]) for s in np.flatnonzero(keep)]
        or [np.empty(0, np.int64)]
    ).astype(np.int64)
    if len(origins) > max_windows:
        origins = origins[np.linspace(0, len(origins) - 1, max_windows).astype(int)]
    default = Backbone(
        *(
            grid[0] if len(grid) == 1 else d
            for grid, d in zip(fixed, (2, False, 0.4, None))
        )
    )
    if not len(origins):
        return default, {}
    series = np.searchsorted(offsets, origins, side="right") - 1
    rows = np.arange(len(raw))
    row_series = np.repeat(np.arange(n_series), lengths)
    before = rows < cut[row_series]  # rows the profile may see
    target = raw[:, 0]
    positive = np.bincount(row_series, ~(target > 0), n_series) == 0
    scale = _snaive_scale(np.where(before, target, np.nan), offsets, period or 1)
    scale = scale[series]
    actual_rows = origins[:, None] + np.arange(decoder_length)
    past_end = actual_rows >= offsets[1:][series][:, None]
    actual = np.where(past_end, np.nan, target[np.minimum(actual_rows, len(raw) - 1)])
    scores = {}
    harmonic_grid, log_grid, alpha_grid, phi_grid = fixed
    for k, use_log in itertools.product(harmonic_grid, log_grid):
        logged = use_log & positive[row_series]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(logged, np.log(target), target)
        fit_rows = np.where(before, z, np.nan)[:, None]
        profile = fit_profile(fit_rows, offsets, phase, period, k)[..., 0]
        season = profile[row_series, phase if period else 0]  # -> (R,)
        inputs, _ = _anomaly_windows(
            z - season, offsets, origins, series, window, decoder_length
        )
        future_season = _future_season(
            profile, origins, offsets, series, decoder_length, phase
        )
        for a, p in itertools.product(alpha_grid, phi_grid):
            if a is None and p is not None:
                continue  # a trend needs a level
            matrix = anchor_matrix(window, decoder_length, a, p).astype(np.float64)
            # the season of rows past a series' end: continue its phases
            forecast = inputs @ matrix.T + future_season  # -> (N, H)
            log_rows = logged[origins][:, None]
            forecast = np.where(
                log_rows, np.exp(np.where(log_rows, forecast, 0)), forecast
            )
            err = np.abs(actual - forecast) / scale[:, None]
            known = np.isfinite(err)
            count = known.sum(axis=1)
            per_window = np.where(known, err, 0.0).sum(axis=1) / np.maximum(count, 1)
            per_window[count == 0] = np.nan
            per_series = _mean_by(per_window, series, n_series)
            scored = per_series[np.isfinite(per_series)]
            score = float(scored.mean()) if scored.size else np.nan
            if np.isfinite(score):
                scores[Backbone(k, bool(use_log), a, p)] = score
    if not scores:
        return default, {}
    # the simplest of the candidates within PARSIMONY of the best: differences
    # that small are noise of the held-back points
    best = min(scores.values())
    near = [c for c, v in scores.items() if v <= best * (1 + PARSIMONY)]
    return min(near, key=lambda c: (_complexity(c), scores[c])), scores


def _complexity(backbone: Backbone) -> int:
    """Count of the backbone's components: harmonics, log, level, trend."""
    return (
        (backbone.harmonics or 0)
        + backbone.log
        + (backbone.alpha is not None)
        + (backbone.phi is not None)
    )


def choose_per_series(
    raw: np.ndarray,
    offsets: np.ndarray,
    phase: np.ndarray | None,
    period: int | None,
    backbone: Backbone,
    *,
    window: int,
    harmonics="auto",
    log="auto",
    horizon: int = 6,
    chunk: int = 20_000,
) -> Backbone:
    """Choose each series' seasonal shape and log scale by its in-sample errors.

    The level and trend (``backbone.alpha``, ``backbone.phi``) stay the
    panel's; for every series and every candidate ``(harmonics, log)`` the
    profile is fitted on all its training points, the backbone forecasts
    ``horizon`` steps from every origin of the series (windows back-filled
    before its start), and the candidate with the lowest mean absolute error,
    scaled by the series' seasonal-naive error, is the series' choice (the
    way AutoETS picks each series' components on its own fit) when it beats
    the panel's choice by more than ``PER_SERIES_MARGIN`` (5%); otherwise the
    series keeps the panel's. Measured on
    the selection splits of M1, the airline series and weatherAUS
    (BENCHMARKS.md): better than one choice for the panel; choosing the level
    and trend per series the same way was not.

    Parameters
    ----------
    raw : np.ndarray, shape (R, T)
        Unscaled target values (NaN where missing); the first column is used.
    offsets, phase, period
        As in :func:`fit_profile`.
    backbone : Backbone
        The panel's choice (its level and trend are kept).
    window : int
    harmonics, log : "auto" or a fixed value
        The candidates: the grid for ``"auto"``, else the value.
    horizon : int, default=6
        Steps ahead scored from every origin.
    chunk : int
        Origins scored at once (bounds the memory to ``chunk * window``).

    Returns
    -------
    Backbone
        ``backbone`` with ``series_harmonics`` and ``series_log``.
    """
    n_series = len(offsets) - 1
    lengths = np.diff(offsets)
    row_series = np.repeat(np.arange(n_series), lengths)
    target = raw[:, 0].astype(np.float64)
    positive = np.bincount(row_series, ~(target > 0) & ~np.isnan(target), n_series)
    positive = positive == 0
    harmonic_grid = (
        (0,) if not period else (HARMONICS if harmonics == "auto" else (harmonics,))
    )
    log_grid = (False, True) if log == "auto" else (bool(log),)
    scale = _snaive_scale(target, offsets, period or 1)
    # every origin of every series with one point before it and one after it
    starts = offsets[:-1] + 1
    origins = np.arange(len(raw))
    origins = origins[
        (origins >= starts[row_series]) & (origins < offsets[1:][row_series] - 1)
    ]
    matrix = anchor_matrix(window, horizon, backbone.alpha, backbone.phi).astype(
        np.float64
    )
    candidates = list(itertools.product(harmonic_grid, log_grid))
    sums = np.zeros((len(candidates), n_series))
    counts = np.zeros((len(candidates), n_series))
    for c, (k, use_log) in enumerate(candidates):
        logged = use_log & positive[row_series]
        if use_log and not positive.any():
            sums[c], counts[c] = np.inf, 1
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(logged, np.log(target), target)
        profile = fit_profile(z[:, None], offsets, phase, period, k)[..., 0]
        season = profile[row_series, phase if period else 0]  # -> (R,)
        for part in np.array_split(origins, max(1, -(-len(origins) // chunk))):
            series = row_series[part]
            inputs, _ = _anomaly_windows(
                z - season, offsets, part, series, window, horizon
            )
            future = _future_season(profile, part, offsets, series, horizon, phase)
            forecast = inputs @ matrix.T + future  # -> (N, H)
            log_rows = logged[part][:, None]
            forecast = np.where(
                log_rows, np.exp(np.where(log_rows, forecast, 0)), forecast
            )
            rows = part[:, None] + np.arange(horizon)
            inside = rows < offsets[1:][series][:, None]
            actual = target[np.minimum(rows, len(target) - 1)]
            err = np.abs(actual - forecast) / scale[series][:, None]
            err = np.where(inside & np.isfinite(err), err, np.nan)
            known = np.isfinite(err)
            sums[c] += np.bincount(series, np.where(known, err, 0).sum(1), n_series)
            counts[c] += np.bincount(series, known.sum(1), n_series)
        # a log candidate of a series that is not positive is its plain one
        if use_log:
            sums[c, ~positive], counts[c, ~positive] = np.inf, 1
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(counts > 0, sums / counts, np.inf)  # -> (C, S)
    # a series without any scored origin keeps the panel's choice
    panel = (
        candidates.index((backbone.harmonics, backbone.log))
        if (backbone.harmonics, backbone.log) in candidates
        else 0
    )
    best = np.where(np.isfinite(score).any(0), np.argmin(score, axis=0), panel)
    # keep the panel's choice unless the series' own is clearly better
    own = score[best, np.arange(n_series)]
    clearly = own < (1 - PER_SERIES_MARGIN) * score[panel]
    best = np.where(clearly | ~np.isfinite(score[panel]), best, panel)
    return replace(
        backbone,
        series_harmonics=tuple(candidates[b][0] for b in best),
        series_log=tuple(
            bool(candidates[b][1] and positive[s]) for s, b in enumerate(best)
        ),
    )


def _future_season(profile, origins, offsets, series, horizon, phase):
    """Profile at the ``horizon`` steps from every origin, (N, H)."""
    period = profile.shape[1]
    if phase is None or period == 1:
        return np.repeat(profile[series, 0][:, None], horizon, axis=1)
    start = phase[offsets[:-1][series]]  # phase of each series' first row
    local = origins - offsets[:-1][series]
    steps = (start + local)[:, None] + np.arange(horizon)
    return profile[series[:, None], steps % period]


def _fixed_or_grid(harmonics, log, alpha, phi, period):
    """Candidate values of each component: the grid for "auto", else the value."""
    if period is None:
        harmonic_grid = (0,)
    else:
        harmonic_grid = HARMONICS if harmonics == "auto" else (harmonics,)
    log_grid = (False, True) if log == "auto" else (bool(log),)
    alpha_grid = (None, *ALPHAS) if alpha == "auto" else (alpha,)
    phi_grid = PHIS if phi == "auto" else (phi,)
    return harmonic_grid, log_grid, alpha_grid, phi_grid


def _mean_by(values, groups, n_groups):
    known = ~np.isnan(values)
    sums = np.bincount(groups, np.where(known, values, 0.0), n_groups)
    counts = np.bincount(groups, known, n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def _snaive_scale(values, offsets, lag):
    """Mean absolute seasonal-naive error of every series on its known values.

    A series too short for it falls back to the naive (lag 1) error, then to
    its mean absolute value, then to 1: every series gets a positive scale.
    """
    n_series = len(offsets) - 1
    series = np.repeat(np.arange(n_series), np.diff(offsets))
    rows = np.arange(len(values))
    scale = np.full(n_series, np.nan)
    for k in dict.fromkeys((lag, 1)):
        lagged = rows - k
        same = (lagged >= 0) & (series[np.maximum(lagged, 0)] == series)
        diff = np.where(same, np.abs(values - values[np.maximum(lagged, 0)]), np.nan)
        mean = _mean_by(diff, series, n_series)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, mean)
    level = _mean_by(np.abs(values), series, n_series)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, level)
    return np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)


def select_for_panel(
    panel,
    decoder_length,
    seasonal_period,
    *,
    window,
    harmonics,
    log,
    alpha,
    phi,
    panel_choice: Backbone | None = None,
) -> Backbone:
    """Return the backbone's components for ``panel``: fixed, or chosen.

    The components are fixed by the parameters that are not ``"auto"``, the
    others chosen by :func:`select_backbone` on the last ``min(2 * decoder_length,
    max(decoder_length, longest series // 3))`` points of every series; then, when
    ``harmonics`` or ``log`` is ``"auto"``, each series' own by
    :func:`choose_per_series`. ``panel_choice`` (a pretrained network's
    backbone) fixes the panel's components: only the per-series choices are
    made, for the series of ``panel``.
    """
    phase = None
    if seasonal_period:
        phase = (panel.positions // panel.grid.step) % seasonal_period
    if panel_choice is not None:
        backbone = panel_choice.panel_level()
    else:
        longest = int(panel.lengths.max())
        held_back = min(2 * decoder_length, max(decoder_length, longest // 3))
        backbone, _ = select_backbone(
            panel.values,
            panel.offsets,
            phase,
            seasonal_period,
            window=window,
            decoder_length=decoder_length,
            held_back=held_back,
            harmonics=harmonics,
            log=log,
            alpha=alpha,
            phi=phi,
        )
    if harmonics != "auto" and log != "auto":
        return backbone
    return choose_per_series(
        panel.values,
        panel.offsets,
        phase,
        seasonal_period,
        backbone,
        window=window,
        harmonics=backbone.harmonics if harmonics != "auto" else "auto",
        log=backbone.log if log != "auto" else "auto",
    )
