"""The statistical backbone the network departs from: pure numpy, no Keras.

Every forecast of the network is ``backbone + departure``: the departure comes
from the network's zero-initialised head, so an untrained network forecasts
the backbone exactly. The backbone has two parts, both fitted on training
data only:

- a **seasonal profile** per series (a row-wise term, subtracted from the flat
  scaled matrix): the series' mean plus a smooth seasonal shape, the first
  ``harmonics`` Fourier terms fitted by least squares (together with a linear
  trend when the backbone has a level: :attr:`Backbone.shape_trend`), kept
  only where an F-test finds the shape significant at 90%
  (``harmonics=None``: the per-phase means after removing a centred
  moving-average trend, classical decomposition);
- a **level / trend anchor** (a window-wise term, a fixed linear map of the
  input window inside the network): the forecast of the deseasonalised value
  ``h`` steps ahead is the simple-exponential-smoothing level of the window
  (``alpha``) plus a damped slope (``phi``) of the window, or that level
  decaying towards 0 by ``reversion ** h`` (an anomaly's persistence), or 0
  (the series' training mean: climatology) when there is no level.

Which of these apply (harmonics, log transform, level, trend, reversion) is
chosen in :mod:`sktime_gru._backbone_choice`; this module only says what
each component is and fits it. A fitted backbone lives in the forecaster as
``backbone_`` (the :class:`Backbone`, as a dict) and ``profile_`` (the
profile in the scaled space); the anchor is built into the network
(:mod:`sktime_gru._network`) from :meth:`Backbone.matrix`.

Dimension legend: ``R`` rows of the flat panel, ``T`` target columns, ``S``
series, ``P`` seasonal period, ``W`` window, ``H`` decoder steps, ``N``
windows, ``C`` candidates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

__all__ = [
    "Backbone",
    "anchor_matrix",
    "backbone_params",
    "estimate_period",
    "fit_profile",
    "fit_profiles",
    "own_levels",
    "with_own_levels",
]

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
    reversion : float or None
        The level's departure from the training mean decays by this factor
        per step ahead (``reversion ** h``: persistence of an anomaly, as a
        weather anomaly's, which reverts to the climatology); None: the level
        persists. Only with a level and without a trend.
    series_harmonics : tuple of (int or None), length S, or None
        Per-series ``harmonics`` chosen by :func:`choose_per_series` (None:
        ``harmonics`` for every series).
    series_log : tuple of bool, length S, or None
        Per-series ``log`` (None: ``log`` for every series).
    series_level : tuple, length S, or None
        Per-series level: None where a series keeps the panel's ``alpha``,
        ``phi`` and ``reversion``, else its own ``(alpha, phi, reversion)``,
        chosen by :func:`choose_per_series` where it forecasts the series'
        own history far better (None: the panel's for every series). Such a
        series is forecast by its own backbone, without the network's
        departure (:func:`with_own_levels`): the network's anchor is the
        panel's.
    """

    harmonics: int | None = 2
    log: bool = False
    alpha: float | None = None
    phi: float | None = None
    series_harmonics: tuple | None = None
    series_log: tuple | None = None
    reversion: float | None = None
    series_level: tuple | None = None

    def __post_init__(self):
        # saved state comes back as lists: keep the dataclass hashable
        for name in ("series_harmonics", "series_log"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(value))
        if self.series_level is not None:
            own = tuple(None if c is None else tuple(c) for c in self.series_level)
            object.__setattr__(self, "series_level", own)

    @property
    def shape_trend(self) -> bool:
        """Whether the seasonal shape is fitted next to a linear trend.

        With a level that persists, yes: the level follows a trending series,
        and the trend term keeps its shape unbiased. Without one the backbone
        forecasts the series' mean plus its shape, and the shape is fitted in
        that very model, the harmonic regression (on weatherAUS's inner splits
        the trend term cost 1-2% MASE there; BENCHMARKS.md, issue 20 fifth
        session). A level that reverts returns to that mean: its shape is the
        harmonic regression's too (0.5% better than with the trend term on
        weatherAUS's inner origins, sixth session).
        """
        return self.alpha is not None and self.reversion is None

    def panel_level(self) -> Backbone:
        """Return the same components without the per-series choices."""
        return replace(self, series_harmonics=None, series_log=None, series_level=None)

    def matrix(self, window: int, decoder_length: int) -> np.ndarray:
        """Anchor matrix ``(H, W)``: see :func:`anchor_matrix`."""
        return anchor_matrix(
            window, decoder_length, self.alpha, self.phi, self.reversion
        )


def backbone_params(backbone: Backbone | None) -> dict | None:
    """Return the backbone as plain fitted state (saved by ``save_model``)."""
    return None if backbone is None else asdict(backbone)


def anchor_matrix(
    window: int,
    decoder_length: int,
    alpha: float | None,
    phi: float | None,
    reversion: float | None = None,
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
    reversion : float in (0, 1) or None
        Row ``h`` (``h + 1`` steps ahead) is multiplied by ``reversion **
        (h + 1)``: the level's departure from the training mean (0 in the
        deseasonalised space) decays towards it; None: no decay.

    Returns
    -------
    np.ndarray of float32, shape (H, W)
        Row ``h`` holds the weights of the window's points (oldest first) in
        the forecast ``h + 1`` steps ahead; each row sums to 1 when there is a
        level that persists (a constant window forecasts itself), to
        ``reversion ** (h + 1)`` when it reverts, to 0 without a level.
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
    if reversion is not None:
        out *= (reversion ** np.arange(1, decoder_length + 1))[:, None]
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


def _shape_sums(values, offsets, series, phase, period) -> dict:
    """Return the sums every least-squares seasonal shape of a column needs.

    Per-(series, phase) counts and sums of ``t`` and the centred ``y``, and
    per-series sums of ``t^2, t y, y^2`` (``t``: time in cycles since the
    series' start): a few passes over the rows, shared by every number of
    harmonics (:func:`_shape_from_sums`).
    """
    n_series = len(offsets) - 1
    known = ~np.isnan(values)
    # centre each series (the intercept absorbs it): small sums of squares
    mean = _mean_by(values, series, n_series)
    centred = values - mean[series]
    local = np.where(
        known, (np.arange(len(values)) - offsets[:-1][series]) / period, np.nan
    )
    y_sum, count = _phase_means(centred, series, phase, n_series, period)  # (S, P)
    t_sum, _ = _phase_means(local, series, phase, n_series, period)
    y = np.where(known, centred, 0.0)
    t = np.where(known, local, 0.0)
    return {
        "mean": mean,
        "count": count,
        "y_sum": y_sum,
        "t_sum": t_sum,
        "tt": np.bincount(series, t * t, n_series),
        "ty": np.bincount(series, t * y, n_series),
        "yy": np.bincount(series, y * y, n_series),
    }


def _shape_from_sums(
    sums: dict, period: int, harmonics: int, trend: bool = True
) -> np.ndarray:
    """Smooth, zero-mean seasonal shape of one column, (S, P); 0 if not significant.

    Least squares of each series' known values on ``[1, t, Fourier terms]``
    (the linear trend keeps a trending series' shape unbiased, and every point
    counts, where a centred moving average loses half a period at each end);
    an F-test against ``[1, t]`` alone keeps the shape where it is significant
    at 90%. ``trend=False``: on ``[1, Fourier terms]``, tested against ``[1]``
    (the harmonic regression: the model a backbone without a level forecasts
    with, see :attr:`Backbone.shape_trend`).

    The Fourier terms depend on the phase only, so every normal equation is
    built from the sums of :func:`_shape_sums`, none of them ``(R, D)`` wide
    (at 100,000 series x 240 months those arrays were the fit's slowest part).
    """
    from scipy.stats import f as f_dist

    count, y_sum, t_sum = sums["count"], sums["y_sum"], sums["t_sum"]
    n_series = len(count)
    basis = _fourier_basis(period, min(harmonics, period // 2))  # -> (P, K')
    k = basis.shape[1]
    if k == 0:
        return np.zeros((n_series, period))
    n_obs = count.sum(1)
    # normal equations of the design [1, t, basis[phase]], (S, D, D) and (S, D)
    d = 2 + k
    gram = np.empty((n_series, d, d))
    gram[:, 0, 0] = n_obs
    gram[:, 0, 1] = gram[:, 1, 0] = t_sum.sum(1)
    gram[:, 1, 1] = sums["tt"]
    gram[:, 0, 2:] = count @ basis
    gram[:, 1, 2:] = t_sum @ basis
    gram[:, 2:, 0] = gram[:, 0, 2:]
    gram[:, 2:, 1] = gram[:, 1, 2:]
    gram[:, 2:, 2:] = np.einsum("sp,pk,pl->skl", count, basis, basis)
    rhs = np.column_stack([y_sum.sum(1), sums["ty"], y_sum @ basis])
    y_squares = sums["yy"]

    def solve(cols):
        g = gram[:, cols][:, :, cols]
        coef = np.linalg.solve(g + 1e-9 * np.eye(len(cols)), rhs[:, cols][..., None])
        coef = coef[..., 0]
        # residual sum of squares from the sums: y'y - 2 b'X'y + b'X'X b
        fit = np.einsum("sd,sde,se->s", coef, g, coef)
        rss = y_squares - 2 * np.einsum("sd,sd->s", coef, rhs[:, cols]) + fit
        return coef, np.maximum(rss, 0.0)

    base = [0, 1] if trend else [0]
    coef, rss = solve(base + list(range(2, d)))
    _, rss0 = solve(base)
    shape = coef[:, len(base) :] @ basis.T  # -> (S, P)
    shape -= shape.mean(axis=1, keepdims=True)
    dof = n_obs - len(base) - k
    ok = dof > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = ((rss0 - rss) / k) / (rss / np.where(ok, dof, 1))
    critical = f_dist.ppf(_F_QUANTILE, k, np.maximum(dof, 1))
    significant = ok & (stat > critical)
    return np.where(significant[:, None], shape, 0.0)


def _phase_mean_shape(values, offsets, series, phase, period):
    """Zero-mean per-phase means of one column after a centred moving average, (S, P).

    Classical decomposition (``harmonics=None``): no smoothing, no test.
    """
    n_series = len(offsets) - 1
    detrended = values - _centred_trend(values, offsets, period)
    sums, counts = _phase_means(detrended, series, phase, n_series, period)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    seen = counts > 0
    centre = np.where(seen, means, 0.0).sum(1, keepdims=True) / np.maximum(
        seen.sum(1, keepdims=True), 1
    )
    shape = np.where(seen, means - centre, 0.0)  # -> (S, P)
    return shape - shape.mean(axis=1, keepdims=True)


def fit_profile(
    values: np.ndarray,
    offsets: np.ndarray,
    phase: np.ndarray | None,
    period: int | None,
    harmonics: int | None,
    trend: bool = True,
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
    trend : bool, default=True
        Fit the shape next to a linear trend (:attr:`Backbone.shape_trend`).

    Returns
    -------
    np.ndarray, shape (S, P, T)
        ``profile[s, p, t]``: the backbone's value of series ``s``, column
        ``t`` at phase ``p`` when it has no level: its mean plus its shape.
    """
    if not isinstance(harmonics, tuple):
        grid = (harmonics,)
        return fit_profiles(values, offsets, phase, period, grid, trend)[harmonics]
    # per series: each series' own choice, every choice from one set of sums
    profiles = fit_profiles(values, offsets, phase, period, harmonics, trend)
    mine = np.array([list(profiles).index(h) for h in harmonics])  # -> (S,)
    stacked = np.stack(list(profiles.values()))  # -> (C, S, P, T)
    return stacked[mine, np.arange(len(mine))]


def fit_profiles(values, offsets, phase, period, grid, trend=True) -> dict:
    """:func:`fit_profile` for every ``harmonics`` in ``grid``: ``{h: (S, P, T)}``.

    The least-squares shapes of all of them come from one set of sums per
    column (:func:`_shape_sums`), so a grid costs about one fit.
    """
    grid = tuple(dict.fromkeys(grid))
    n_series = len(offsets) - 1
    series = np.repeat(np.arange(n_series), np.diff(offsets))
    n_cols = values.shape[1]
    width = period or 1
    out = {h: np.zeros((n_series, width, n_cols)) for h in grid}
    for t in range(n_cols):
        column = values[:, t]
        known = ~np.isnan(column)
        total = np.bincount(series, np.where(known, column, 0.0), n_series)
        n_known = np.maximum(np.bincount(series, known, n_series), 1)
        if period:  # known values per (series, phase): (S, P)
            cell = series * period + phase
            count = np.bincount(cell, known, n_series * period)
            count = count.reshape(n_series, period)
        sums = None
        for h in grid:
            if not period or h == 0:  # the mean only
                out[h][:, :, t] = (total / n_known)[:, None]
                continue
            if h is None:  # detrended per-phase means
                shape = _phase_mean_shape(column, offsets, series, phase, period)
            else:  # Fourier terms: least squares, one set of sums for all
                if sums is None:
                    sums = _shape_sums(column, offsets, series, phase, period)
                shape = _shape_from_sums(sums, period, h, trend)
            # the mean of what the shape leaves, from the per-phase counts
            seasonal = (count * shape).sum(1)  # -> (S,)
            out[h][:, :, t] = shape + ((total - seasonal) / n_known)[:, None]
    return out


def with_own_levels(backbone, series, inputs, out) -> np.ndarray:
    """Forecasts ``out`` with the rows of series that have their own level replaced.

    Parameters
    ----------
    backbone : Backbone or None
    series : np.ndarray of int, shape (N,)
        The series of every row.
    inputs : np.ndarray, shape (N, W, F)
        The network's encoder inputs (scaled, the profile subtracted).
    out : np.ndarray, shape (N, H, T)
        The network's forecasts of the same rows (scaled).

    Returns
    -------
    np.ndarray, shape (N, H, T)
        ``out``, where a row's series has its own level (``series_level``)
        its own anchor's forecast of the window instead: its backbone alone.
    """
    own = None if backbone is None else backbone.series_level
    if own is None:
        return out
    configs = list(dict.fromkeys(c for c in own if c is not None))
    # each row's own level: its index in configs, -1 for the panel's
    index = np.array([-1 if c is None else configs.index(c) for c in own])
    index = index[np.asarray(series).reshape(-1)]
    if (index < 0).all():
        return out
    out = np.array(out, copy=True)
    window, horizon, n_targets = inputs.shape[1], out.shape[1], out.shape[2]
    for k, config in enumerate(configs):
        mine = index == k
        if not mine.any():
            continue
        matrix = anchor_matrix(window, horizon, *config).astype(np.float64)
        targets = np.asarray(inputs[mine, :, :n_targets], np.float64)  # (n, W, T)
        own_forecast = np.einsum("hw,nwt->nht", matrix, targets)
        out[mine] = own_forecast.astype(out.dtype)
    return out


def own_levels(backbone, series):
    """Return ``(inputs, out) -> out``: :func:`with_own_levels` for ``series``.

    None when no series has its own level (``backbone.series_level``).
    """
    if backbone is None or backbone.series_level is None:
        return None
    return lambda inputs, out: with_own_levels(backbone, series, inputs, out)


def estimate_period(
    values: np.ndarray, offsets: np.ndarray, candidates=PERIOD_CANDIDATES
) -> int | None:
    """Seasonal period of a panel without a calendar, from its autocorrelation.

    The first differences of every series long enough for two cycles (``2 *
    m + 1`` points) are correlated with themselves ``m`` steps back for each
    candidate ``m``; the candidate with the largest mean autocorrelation over
    the series is taken if that mean is significant at 90% (``1.645 /
    sqrt(number of pairs)``), else None. (Three cycles, before: three years
    of monthly data could not find 12; the false detections in noise did
    not change, BENCHMARKS.md.)

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
            if len(diff) < 2 * m:
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


def _mean_by(values, groups, n_groups):
    known = ~np.isnan(values)
    sums = np.bincount(groups, np.where(known, values, 0.0), n_groups)
    counts = np.bincount(groups, known, n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)
