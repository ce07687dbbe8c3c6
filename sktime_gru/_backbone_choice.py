"""How the backbone's components are chosen for a fit: pure numpy, no Keras.

The backbone itself (what a component does, how the profile and the anchor
are fitted) is :mod:`sktime_gru._backbone`; this module only chooses among
candidates, by the backbone's own forecasts, as AutoETS chooses its
components:

- :func:`select_backbone`: the panel's log scale, level, trend and
  the level's reversion to the mean,
  by the errors of every candidate's forecasts of the held-back end of every
  series (profile fitted on the points before), the simplest candidate within
  ``PARSIMONY`` of the best;
- :func:`choose_per_series`: each series' own harmonics and log scale, by its
  in-sample errors a few steps ahead from every origin, where they beat the
  panel's choice by more than ``PER_SERIES_MARGIN``; and its own level, trend
  and reversion where they at least halve those errors (``OWN_LEVEL_MARGIN``);
- :func:`select_for_panel`: the one entry point of a fit (fixed parameters
  kept, the rest chosen by the two above).

Both scores go through one routine, :mod:`sktime_gru._backbone_errors`: the
candidate's forecasts from a set of origins, errors scaled by each series'
seasonal-naive error (MASE).

Dimension legend: ``R`` rows of the flat panel, ``S`` series, ``P``
seasonal period, ``W`` window, ``H`` steps ahead, ``N`` origins, ``C``
candidates.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from sktime_gru._backbone import (
    Backbone,
    _mean_by,
    anchor_matrix,
    fit_profiles,
)
from sktime_gru._backbone_errors import (
    deseasonalised,
    modelled,
    observed,
    origin_inputs,
    scaled_errors,
    snaive_scale,
)

__all__ = [
    "ALPHAS",
    "HARMONICS",
    "PHIS",
    "choose_per_series",
    "select_backbone",
    "select_for_panel",
]

# candidate smoothing parameters of the level and damping of the trend
ALPHAS = (0.05, 0.1, 0.2, 0.4, 0.7, 1.0)
PHIS = (None, 0.8, 0.9, 1.0)
# candidate decays of a level (without a trend) towards the training mean
REVERSIONS = (None, 0.9, 0.75, 0.5)
# each series' own shape up to the full shape of a monthly cycle (P/2
# harmonics; fewer for shorter cycles): 1-3 missed sharp peaks (M1's
# selection split, a one-month spike). The panel's shape, which each series
# starts from, is not chosen: 2 harmonics (at most P/2). Chosen among 1-3 on
# the held-back points, it took 1 where 2 forecast better (weatherAUS
# 2013-06, M1's selection split) and 3 on the one airline series where 2
# forecast better; every selection split scored better or equal with 2
# (BENCHMARKS.md, issue 20, eighth session)
HARMONICS = (1, 2, 3, 4, 5, 6)
PANEL_HARMONICS = (2,)
# a series gets its own seasonal shape / log scale only when its in-sample
# error is this much lower than with the panel's choice (shrinkage towards the
# panel; chosen on the selection splits, BENCHMARKS.md)
PER_SERIES_MARGIN = 0.05
# a series gets its own level / trend / reversion only when its in-sample
# error is at most half the panel's: it is then forecast by its own backbone,
# without the network (M1's selection split: 22 of 592 series, BENCHMARKS.md)
OWN_LEVEL_MARGIN = 0.5
# ... scored on every second of the origins the shape is scored on (the cost
# at 100,000 series; on M1's selection split 22 series instead of 21, the
# same scores to 0.01, BENCHMARKS.md)
OWN_LEVEL_ORIGIN_STEP = 2
# the panel's components: the simplest candidate whose held-back error is
# within 1% of the best one's
PARSIMONY = 0.01
# the cost at scale (checked on M1's selection split, BENCHMARKS.md): the
# panel's components are chosen on at most this many series (evenly spaced),
# and each series' own on its last this many origins
MAX_SERIES = 1000
MAX_ORIGINS = 48
# each series' own choice is made for blocks of series of about this many rows
MAX_BLOCK_ROWS = 2**21


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
    reversion=None,
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
            reversion=reversion,
        )
    levels = alpha == phi == reversion == "auto"
    if harmonics != "auto" and log != "auto" and not levels:
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
        levels=levels,
    )


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
    reversion="auto",
    max_windows: int = 20_000,
    max_series: int | None = MAX_SERIES,
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
        As in :func:`~sktime_gru._backbone.fit_profile`.
    window, decoder_length, held_back : int
    harmonics, log, alpha, phi, reversion : "auto" or a fixed value
        See :class:`~sktime_gru._backbone.Backbone`; ``harmonics="auto"``
        is ``PANEL_HARMONICS`` (2, at most ``period // 2``: not chosen);
        ``log=True`` only applies to positive series; a trend or a reversion
        needs a level, and a level reverts only without a trend.
    max_windows : int
        Evaluate at most this many windows (evenly spaced).
    max_series : int or None
        Choose on at most this many series, evenly spaced in the panel's
        order (None: all): every step is per series, so a large panel's
        choice costs what this many series cost.

    Returns
    -------
    Backbone
        The chosen components; the defaults ``Backbone(2, False, 0.4, None)``
        (each fixed value kept) when no series has a held-back window.
    dict
        ``{candidate: score}`` of every candidate evaluated.
    """
    fixed = _fixed_or_grid(harmonics, log, alpha, phi, reversion, period)
    if max_series is not None and len(offsets) - 1 > max_series:
        raw, offsets, phase = _some_series(raw, offsets, phase, max_series)
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
        **{
            name: grid[0] if len(grid) == 1 else d
            for name, grid, d in zip(
                ("harmonics", "log", "alpha", "phi", "reversion"),
                fixed,
                (2, False, 0.4, None, None),
            )
        }
    )
    if not len(origins):
        return default, {}
    series = np.searchsorted(offsets, origins, side="right") - 1
    row_series = np.repeat(np.arange(n_series), lengths)
    before = np.arange(len(raw)) < cut[row_series]  # rows the profile may see
    target = raw[:, 0]
    positive = np.bincount(row_series, ~(target > 0), n_series) == 0
    scale = snaive_scale(np.where(before, target, np.nan), offsets, period or 1)
    actual = observed(target, offsets, origins, series, decoder_length)
    scores = {}
    harmonic_grid, log_grid, alpha_grid, phi_grid, reversion_grid = fixed
    # with or without a trend term in the shape's fit, as each level needs
    trends = sorted(
        {
            Backbone(alpha=a, reversion=r).shape_trend
            for a, r in itertools.product(alpha_grid, reversion_grid)
        }
    )
    # every shape of a scale from one set of sums: {(log, trend): (z, {k: (S, P)})}
    fitted = {}
    for use_log, trend in itertools.product(log_grid, trends):
        z = modelled(target, use_log & positive[row_series])
        shown = np.where(before, z, np.nan)[:, None]  # the profile's rows
        profiles = fit_profiles(shown, offsets, phase, period, harmonic_grid, trend)
        fitted[use_log, trend] = z, {k: p[..., 0] for k, p in profiles.items()}
    for k, use_log, trend in itertools.product(harmonic_grid, log_grid, trends):
        logged = use_log & positive[row_series]
        z, profile = fitted[use_log, trend][0], fitted[use_log, trend][1][k]
        inputs, future = origin_inputs(
            deseasonalised(z, profile, row_series, phase), profile, phase, offsets,
            origins, series, window, decoder_length,
        )  # fmt: skip
        for a, p, r in _levels(alpha_grid, phi_grid, reversion_grid):
            candidate = Backbone(k, bool(use_log), a, p, reversion=r)
            if candidate.shape_trend != trend:
                continue  # scored with the shape this level is fitted with
            matrix = candidate.matrix(window, decoder_length)
            err = scaled_errors(
                inputs, future, matrix, logged[origins], actual, scale[series]
            )  # -> (N, H)
            # each origin's mean over its known steps, each series' mean over
            # its origins, then the mean over series
            known = ~np.isnan(err)
            count = known.sum(axis=1)
            per_window = np.where(known, err, 0.0).sum(axis=1) / np.maximum(count, 1)
            per_window[count == 0] = np.nan
            per_series = _mean_by(per_window, series, n_series)
            scored = per_series[np.isfinite(per_series)]
            score = float(scored.mean()) if scored.size else np.nan
            if np.isfinite(score):
                scores[candidate] = score
    if not scores:
        return default, {}
    # the simplest of the candidates within PARSIMONY of the best: differences
    # that small are noise of the held-back points
    best = min(scores.values())
    near = [c for c, v in scores.items() if v <= best * (1 + PARSIMONY)]
    return min(near, key=lambda c: (_complexity(c), scores[c])), scores


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
    max_origins: int | None = MAX_ORIGINS,
    max_rows: int = MAX_BLOCK_ROWS,
    levels: bool = False,
) -> Backbone:
    """Choose each series' seasonal shape and log scale by its in-sample errors.

    The level, trend and reversion (``backbone.alpha``, ``backbone.phi``,
    ``backbone.reversion``) stay the panel's (but see ``levels``); for every
    series and every candidate ``(harmonics, log)`` the profile is fitted on
    all its training points, the backbone forecasts ``horizon`` steps from
    every origin of the series (windows back-filled before its start), and the
    candidate with the lowest mean absolute error, scaled by the series'
    seasonal-naive error, is the series' choice (the way AutoETS picks each
    series' components on its own fit) when it beats the panel's choice by
    more than ``PER_SERIES_MARGIN`` (5%); otherwise the series keeps the
    panel's. Measured on the selection
    splits of M1, the airline series and weatherAUS (BENCHMARKS.md): better than
    one choice for the panel; choosing the level and trend per series the same
    way was not, unless the series' own at least halves the error.

    Parameters
    ----------
    raw : np.ndarray, shape (R, T)
        Unscaled target values (NaN where missing); the first column is used.
    offsets, phase, period
        As in :func:`~sktime_gru._backbone.fit_profile`.
    backbone : Backbone
        The panel's choice (its level and trend are kept).
    window : int
    harmonics, log : "auto" or a fixed value
        The candidates: the grid for ``"auto"``, else the value.
    levels : bool, default=False
        Also choose each series' own level, trend and reversion, among the
        candidates whose seasonal shape is fitted as the panel's level's
        (:attr:`~sktime_gru._backbone.Backbone.shape_trend`), with the
        series' own shape and scale, by the same in-sample errors: kept where
        they are at most ``1 - OWN_LEVEL_MARGIN`` (half) of the panel's
        level's (``series_level``; such a series is forecast by its own
        backbone, without the network's departure).
    horizon : int, default=6
        Steps ahead scored from every origin.
    chunk : int
        Origins scored at once (bounds the memory to ``chunk * window``).
    max_origins : int or None
        Score only each series' last ``max_origins`` origins (None: all);
        the profile is still fitted on all its points.
    max_rows : int
        Choose for blocks of whole series of at most about this many rows
        at a time (every choice is a series' own: the same result, with
        temporaries of one block instead of the panel; 2.6 GiB at 100,000
        series x 240 months before).

    Returns
    -------
    Backbone
        ``backbone`` with ``series_harmonics`` and ``series_log`` (and
        ``series_level`` with ``levels``).
    """
    options = dict(
        window=window,
        harmonics=harmonics,
        log=log,
        horizon=horizon,
        chunk=chunk,
        max_origins=max_origins,
        levels=levels,
    )
    harmonics_of, log_of, level_of = [], [], []
    for first, last in _series_blocks(offsets, max_rows):
        lo, hi = offsets[first], offsets[last]
        block = _choose_block(
            raw[lo:hi],
            offsets[first : last + 1] - lo,
            None if phase is None else phase[lo:hi],
            period,
            backbone,
            options,
        )
        harmonics_of += block[0]
        log_of += block[1]
        level_of += block[2]
    own = tuple(level_of) if any(c is not None for c in level_of) else None
    return replace(
        backbone,
        series_harmonics=tuple(harmonics_of),
        series_log=tuple(log_of),
        series_level=own,
    )


def _series_blocks(offsets, max_rows) -> list:
    """Split the series into ``(first, last)`` ranges of at most ``max_rows`` rows.

    A series longer than ``max_rows`` is a range of its own.
    """
    bounds, n_series = [0], len(offsets) - 1
    while bounds[-1] < n_series:
        start = offsets[bounds[-1]]
        fits = int(np.searchsorted(offsets, start + max_rows, side="right")) - 1
        bounds.append(min(max(fits, bounds[-1] + 1), n_series))
    return list(zip(bounds[:-1], bounds[1:]))


def _choose_block(raw, offsets, phase, period, backbone, options) -> tuple:
    """:func:`choose_per_series` for one block of series: (harmonics, logs, levels).

    ``options``: :func:`choose_per_series`' keyword arguments but ``max_rows``.
    """
    window, harmonics, log = options["window"], options["harmonics"], options["log"]
    horizon, chunk = options["horizon"], options["chunk"]
    max_origins = options["max_origins"]
    n_series = len(offsets) - 1
    lengths = np.diff(offsets)
    row_series = np.repeat(np.arange(n_series), lengths)
    target = raw[:, 0].astype(np.float64)
    positive = np.bincount(row_series, ~(target > 0) & ~np.isnan(target), n_series)
    positive = positive == 0
    harmonic_grid = (
        (0,)
        if not period
        else (_harmonics(period) if harmonics == "auto" else (harmonics,))
    )
    log_grid = (False, True) if log == "auto" else (bool(log),)
    scale = snaive_scale(target, offsets, period or 1)
    # every origin of every series with one point before it and one after it
    starts = offsets[:-1] + 1
    origins = np.arange(len(raw))
    ends = offsets[1:][row_series] - 1  # each row's series' last row
    scored = (origins >= starts[row_series]) & (origins < ends)
    if max_origins is not None:
        scored &= origins >= ends - max_origins
    origins = origins[scored]
    matrix = backbone.matrix(window, horizon)
    candidates = list(itertools.product(harmonic_grid, log_grid))
    sums = np.zeros((len(candidates), n_series))
    counts = np.zeros((len(candidates), n_series))
    # every shape of a scale from one set of sums: {log: (z, {k: (S, P)})}
    fitted = {}
    for use_log in log_grid:
        if use_log and not positive.any():
            continue
        z = modelled(target, use_log & positive[row_series])
        profiles = fit_profiles(
            z[:, None], offsets, phase, period, harmonic_grid, backbone.shape_trend
        )
        fitted[use_log] = z, {k: p[..., 0] for k, p in profiles.items()}
    for c, (k, use_log) in enumerate(candidates):
        logged = use_log & positive[row_series]
        if use_log and not positive.any():
            sums[c], counts[c] = np.inf, 1
            continue
        z, profile = fitted[use_log][0], fitted[use_log][1][k]
        anomaly = deseasonalised(z, profile, row_series, phase)  # -> (R,)
        for part in np.array_split(origins, max(1, -(-len(origins) // chunk))):
            series = row_series[part]
            inputs, future = origin_inputs(
                anomaly, profile, phase, offsets, part, series, window, horizon
            )
            actual = observed(target, offsets, part, series, horizon)
            err = scaled_errors(
                inputs, future, matrix, logged[part], actual, scale[series]
            )  # -> (N, H)
            known = ~np.isnan(err)
            sums[c] += np.bincount(series, np.where(known, err, 0).sum(1), n_series)
            counts[c] += np.bincount(series, known.sum(1), n_series)
        # a log candidate of a series that is not positive is its plain one
        if use_log:
            sums[c, ~positive], counts[c, ~positive] = np.inf, 1
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(counts > 0, sums / counts, np.inf)  # -> (C, S)
    # the profile was fitted on the points it is scored on: its in-sample
    # errors flatter a shape with more terms, so each is scaled up by its
    # degrees of freedom (as a residual variance is, rss / (n - d))
    n_obs = np.bincount(row_series, ~np.isnan(target), n_series)  # -> (S,)
    terms = np.array([_shape_terms(k, period) for k, _ in candidates])  # (C,)
    with np.errstate(invalid="ignore", divide="ignore"):
        inflation = n_obs[None, :] / (n_obs[None, :] - terms[:, None])
    inflation = np.where(inflation > 0, inflation, np.inf)
    score = score * inflation  # (its square root: measured, BENCHMARKS.md)
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
    harmonics_of = [candidates[b][0] for b in best]
    log_of = [bool(candidates[b][1] and positive[s]) for s, b in enumerate(best)]
    level_of = [None] * n_series
    if options["levels"]:
        # each series' chosen shape and scale, from the fits above
        z_own = np.empty_like(target)
        profile_own = np.empty((n_series, period or 1))  # as fit_profiles' (S, P)
        for c, (k, use_log) in enumerate(candidates):
            mine = best == c
            if mine.any():
                z, profiles = fitted.get(use_log) or next(iter(fitted.values()))
                rows = mine[row_series]
                z_own[rows] = z[rows]
                profile_own[mine] = profiles[k][mine]
        logged = np.asarray(log_of, bool)[row_series]
        level_of = _own_levels(
            z_own, profile_own, logged, target, offsets, phase, backbone, scale,
            origins, options,
        )  # fmt: skip
    return harmonics_of, log_of, level_of


def _own_levels(
    z, profile, logged, target, offsets, phase, backbone, scale, origins, options
) -> list:
    """Each series' own ``(alpha, phi, reversion)``, or None: the panel's.

    ``z`` (R,) the targets on each series' chosen scale, ``profile`` (S, P)
    its chosen profile, ``logged`` (R,) whether a row is on the log scale,
    ``scale`` (S,) each series' seasonal-naive error. Every level candidate
    whose shape is fitted as the panel's level's is scored by the in-sample
    errors of :func:`_choose_block` (on every ``OWN_LEVEL_ORIGIN_STEP``-th of
    its origins); a series takes the best when its error is at most ``1 -
    OWN_LEVEL_MARGIN`` of the panel's.
    """
    window, horizon, chunk = options["window"], options["horizon"], options["chunk"]
    n_series = len(offsets) - 1
    row_series = np.repeat(np.arange(n_series), np.diff(offsets))
    panel = (backbone.alpha, backbone.phi, backbone.reversion)
    grids = _fixed_or_grid(0, False, "auto", "auto", "auto", None)[2:]
    configs = [panel] + [
        (a, p, r)
        for a, p, r in _levels(*grids)
        if a is not None
        and (a, p, r) != panel
        and Backbone(alpha=a, phi=p, reversion=r).shape_trend == backbone.shape_trend
    ]
    anomaly = deseasonalised(z, profile, row_series, phase)
    # every candidate's anchor at once: (W, C * H)
    # (in float32: a choice, not a forecast; a third of the time at scale)
    stacked = np.concatenate(
        [anchor_matrix(window, horizon, *c).T for c in configs], axis=1
    )
    sums = np.zeros((len(configs), n_series))
    counts = np.zeros((len(configs), n_series))
    origins = origins[::OWN_LEVEL_ORIGIN_STEP]  # half the cost, the same span
    for part in np.array_split(origins, max(1, -(-len(origins) // chunk))):
        series = row_series[part]
        inputs, future = (
            a.astype(np.float32)
            for a in origin_inputs(
                anomaly, profile, phase, offsets, part, series, window, horizon
            )
        )
        actual = observed(target, offsets, part, series, horizon)  # -> (N, H)
        actual = (actual / scale[series][:, None]).astype(np.float32)
        forecast = (inputs @ stacked).reshape(len(part), len(configs), horizon)
        forecast += future[:, None, :]  # -> (N, C, H)
        mine = logged[part]
        forecast[mine] = np.exp(forecast[mine])
        forecast /= scale[series][:, None, None].astype(np.float32)
        err = np.abs(actual[:, None, :] - forecast)  # scaled (MASE)
        known = np.isfinite(err)
        err[~known] = 0.0
        per_origin = err.sum(axis=2, dtype=np.float64)  # -> (N, C)
        for c in range(len(configs)):
            sums[c] += np.bincount(series, per_origin[:, c], n_series)
            counts[c] += np.bincount(series, known[:, c].sum(axis=1), n_series)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(counts > 0, sums / counts, np.inf)  # -> (C, S)
    best = np.argmin(score, axis=0)
    own = score[best, np.arange(n_series)] <= (1 - OWN_LEVEL_MARGIN) * score[0]
    own &= np.isfinite(score[0]) & (best > 0)
    return [configs[b] if o else None for b, o in zip(best, own)]


def _some_series(raw, offsets, phase, count):
    """Return the rows, offsets and phases of ``count`` evenly spaced series."""
    keep = np.unique(np.linspace(0, len(offsets) - 2, count).astype(np.int64))
    lengths = np.diff(offsets)[keep]
    rows = np.concatenate([np.arange(offsets[s], offsets[s + 1]) for s in keep])
    sub_offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(offsets.dtype)
    return raw[rows], sub_offsets, None if phase is None else phase[rows]


# ---------------------------------------------------------- candidates --
def _fixed_or_grid(harmonics, log, alpha, phi, reversion, period):
    """Candidate values of each component: the grid for "auto", else the value."""
    if period is None:
        harmonic_grid = (0,)
    else:
        harmonic_grid = (
            _harmonics(period, PANEL_HARMONICS) if harmonics == "auto" else (harmonics,)
        )
    log_grid = (False, True) if log == "auto" else (bool(log),)
    alpha_grid = (None, *ALPHAS) if alpha == "auto" else (alpha,)
    phi_grid = PHIS if phi == "auto" else (phi,)
    reversion_grid = REVERSIONS if reversion == "auto" else (reversion,)
    return harmonic_grid, log_grid, alpha_grid, phi_grid, reversion_grid


def _levels(alpha_grid, phi_grid, reversion_grid):
    """Yield the valid ``(alpha, phi, reversion)`` combinations of the grids.

    A trend or a reversion needs a level; a level reverts only without a trend.
    """
    for a, p, r in itertools.product(alpha_grid, phi_grid, reversion_grid):
        if a is None and (p is not None or r is not None):
            continue
        if p is not None and r is not None:
            continue
        yield a, p, r


def _shape_terms(harmonics, period) -> int:
    """Return the parameters of a profile: the mean, a trend, Fourier terms."""
    if not period or harmonics == 0:
        return 1
    if harmonics is None:
        return period
    k = min(harmonics, period // 2)
    return 2 + 2 * k - (2 * k == period)


def _harmonics(period: int, grid=None) -> tuple:
    """Return the candidate harmonics for ``period`` (at most ``period // 2``)."""
    grid = HARMONICS if grid is None else grid
    return tuple(dict.fromkeys(min(k, period // 2) for k in grid))


def _complexity(backbone: Backbone) -> int:
    """Count of the backbone's components: harmonics, log, level, trend."""
    return (
        (backbone.harmonics or 0)
        + backbone.log
        + (backbone.alpha is not None)
        + (backbone.phi is not None)
        + (backbone.reversion is not None)
    )
