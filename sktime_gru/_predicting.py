"""The predict path of a fitted forecaster: steps ahead and point forecasts.

Owns what ``predict``, ``predict_quantiles`` and ``predict_var`` compute
before their values become frames:

- which steps of ``fh`` lie ahead of every series' last observation, and the
  refusal of steps before the first time point held
  (:func:`horizon_steps`, :func:`check_in_history_of`);
- the scaled point forecasts at those steps (:func:`point_forecasts`): steps
  after a series' last observation from its fitted tail, encoder inputs
  and known-ahead decoder inputs (future X, calendar) through recursive
  decoding (:func:`point_path`, with :mod:`sktime_gru._decoding`); in-sample
  steps one step ahead from the rows before them
  (:mod:`sktime_gru._insample`).

The fitted forecaster is passed in (its fitted state is read under the names
``save_model`` writes); this module never imports it. No sktime, and no
Keras import of its own.

Dimension legend: ``n`` series, ``K`` forecast steps of ``fh``, ``W`` window
(encoder) length, ``F`` encoded features, ``H`` decoder steps per round,
``R`` rounds, ``Fx`` X columns, ``T`` targets, ``N`` in-sample points.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sktime_gru._data import future_x
from sktime_gru._decoding import decode_recursively, encoder_inputs
from sktime_gru._insample import insample_forecasts
from sktime_gru._panel import instance_label, steps_after_last
from sktime_gru._validation import check_in_history

__all__ = [
    "check_in_history_of",
    "departure_guard",
    "horizon_steps",
    "point_forecasts",
    "point_path",
]


def horizon_steps(est, fh) -> np.ndarray:
    """Return the steps of ``fh`` after each series' own last observation (n, K).

    Steps ``<= 0`` are in-sample. Raises for times before the first time
    point held.
    """
    check_in_history_of(est, fh)
    fh_times = fh.to_absolute_index(est.cutoff)
    return steps_after_last(fh_times, est._grid, est.last_positions_)


def check_in_history_of(est, fh) -> None:
    """Raise for times of ``fh`` before the first time point ``est`` holds."""
    try:
        relative = np.asarray(fh.to_relative(est.cutoff), dtype=np.int64)
    except ValueError:
        # an absolute fh without frequency (e.g. made from a time index,
        # as ReconcilerForecaster does): count steps on the fitted grid
        grid = est._grid
        cutoff_pos = grid.positions(pd.Index(est.cutoff))[0]
        times = fh.to_absolute_index(est.cutoff)
        relative = (grid.positions(times) - cutoff_pos) // grid.step
    check_in_history(relative, _earliest_step(est))


def _earliest_step(est) -> int | None:
    """Step of the first time point held, relative to the cutoff (None: none)."""
    first = getattr(est, "first_positions_", None)
    if first is None or getattr(est, "observed_", None) is None:
        return None
    cutoff_pos = est._grid.positions(pd.Index(est.cutoff))[0]
    return int((first.min() - cutoff_pos) // est._grid.step)


def point_forecasts(est, steps: np.ndarray, X) -> np.ndarray:
    """Scaled point forecasts at ``steps`` (n, K) -> (n, K, T), in-sample too.

    Steps >= 1 (after a series' last observation) follow
    :func:`point_path`, exactly as without in-sample steps; steps <= 0 are
    forecast one step ahead from the rows before them, all in one batch
    (:func:`~sktime_gru._insample.insample_forecasts`).
    """
    ahead = steps >= 1
    if ahead.all():
        return point_path(est, steps, X)
    n, k = steps.shape
    out = np.full((n, k, est._n_targets), np.nan)
    if ahead.any():
        # step 1 stands in for the in-sample entries; X is needed only
        # up to each series' largest real step
        needed = np.where(ahead, steps, 0).max(axis=1)
        path = point_path(est, np.where(ahead, steps, 1), X, needed=needed)
        out[ahead] = path[ahead]
    series, column = np.nonzero(~ahead)  # -> (N,), (N,)
    step = est._grid.step
    out[series, column] = insample_forecasts(
        est.network_,
        est._encoding,
        est.observed_,
        est.observed_offsets_,
        est.first_positions_,
        step,
        series,
        est.last_positions_[series] + step * steps[series, column],
        window=est.window_length,
        decoder_length=est.output_length_,
        eager=est.run_eagerly,
        guard=departure_guard(est),
    )  # -> (N, T)
    return out


def departure_guard(est):
    """``(anchor, limit)`` of the fitted network's departure (None: unguarded).

    ``limit`` is ``departure_limit_`` (a forecaster saved before it has none);
    ``anchor`` the backbone's anchor matrix the network adds its head to.
    """
    limit = getattr(est, "departure_limit_", None)
    if limit is None:
        return None
    backbone = est._encoding.backbone
    anchor = None
    if backbone is not None:
        anchor = backbone.matrix(est.window_length, est.output_length_)
    return anchor, limit


def point_path(est, steps: np.ndarray, X, needed=None) -> np.ndarray:
    """Scaled point forecasts at ``steps`` (n, K) -> (n, K, T).

    The decoder forecasts ``output_length_`` steps at once; further steps
    are reached recursively, feeding forecasts back as the newest inputs.
    ``needed`` (n,): the steps of every series that X must cover (default:
    its largest step).
    """
    decoder_length, window = est.output_length_, est.window_length
    encoding, series = est._encoding, est._series
    rounds = math.ceil(int(steps.max()) / decoder_length)
    last = est.last_positions_
    step = est._grid.step
    # encoder inputs: the last `window` observations, scaled, + calendar
    past_pos = last[:, None] + step * np.arange(1 - window, 1)  # (n, W)
    inputs = encoder_inputs(
        encoding,
        est.tail_[:, -window:],
        series,
        past_pos,
        getattr(est, "first_positions_", None),
        lambda i: instance_label(est.instances_, i),
    )  # -> (n, W, F)
    # known-ahead features for every decoder step of every round
    future_pos = last[:, None] + step * np.arange(1, rounds * decoder_length + 1)
    x_future = future_x(
        X,
        future_pos,
        steps.max(axis=1) if needed is None else needed,
        grid=est._grid,
        x_columns=est._x_columns,
        instances=est.instances_,
        cutoff=est.cutoff,
    )  # -> (n, R*H, Fx), or None without X
    known = encoding.future_features(x_future, series, future_pos)  # (n,R*H,K)
    path = decode_recursively(
        est.network_,
        inputs,
        known,
        rounds,
        decoder_length,
        est.run_eagerly,
        guard=departure_guard(est),
    )  # -> (n, R*H, T)
    picked = np.take_along_axis(path, (steps - 1)[:, :, None], axis=1)
    # deseasonalize: the network forecasts departures from the profile
    return picked + encoding.seasonal_term(series, last[:, None] + step * steps)
