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

What these functions read of the fitted forecaster comes in as a
:class:`PredictState`, made once per call from its fitted state under the
names ``save_model`` writes (:mod:`sktime_gru._specs`); this module never
imports the forecaster. No sktime, and no Keras import of its own.

Dimension legend: ``n`` series, ``K`` forecast steps of ``fh``, ``W`` window
(encoder) length, ``F`` encoded features, ``H`` decoder steps per round,
``R`` rounds, ``Fx`` X columns, ``T`` targets, ``N`` in-sample points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sktime_gru._backbone import own_levels
from sktime_gru._data import future_x
from sktime_gru._decoding import decode_recursively, encoder_inputs
from sktime_gru._insample import insample_forecasts
from sktime_gru._panel import instance_label, steps_after_last
from sktime_gru._validation import check_in_history

__all__ = [
    "PredictState",
    "check_in_history_of",
    "departure_guard",
    "horizon_steps",
    "point_forecasts",
    "point_path",
]


@dataclass(frozen=True)
class PredictState:
    """What the predict path (and ``predict_residuals``) reads of a fitted forecaster.

    Made once per call (:func:`sktime_gru._specs.predict_state`); the fields
    are the fitted attributes of the same names (``decoder_length`` is
    ``output_length_``, ``series`` the series numbers as a column, shape
    (n, 1)). ``first_positions``, ``observed``, ``observed_offsets`` and
    ``departure_limit`` are None for a forecaster saved by a version that
    did not keep them.
    """

    # the parameters predict reads
    window_length: int
    run_eagerly: bool
    # the fitted network and the encoding of its inputs
    network: object
    encoding: object
    decoder_length: int
    departure_limit: np.ndarray | None
    # the fitted series: their time grid, ends and last rows
    grid: object
    cutoff: object
    series: np.ndarray
    instances: pd.Index | None
    x_columns: pd.Index | None
    y_columns: pd.Index
    n_targets: int
    index_names: list
    tail: np.ndarray
    last_positions: np.ndarray
    first_positions: np.ndarray | None
    # every row seen (in-sample forecasts)
    observed: np.ndarray | None
    observed_offsets: np.ndarray | None


def horizon_steps(state: PredictState, fh) -> np.ndarray:
    """Return the steps of ``fh`` after each series' own last observation (n, K).

    Steps ``<= 0`` are in-sample. Raises for times before the first time
    point held.
    """
    check_in_history_of(state, fh)
    fh_times = fh.to_absolute_index(state.cutoff)
    return steps_after_last(fh_times, state.grid, state.last_positions)


def check_in_history_of(state: PredictState, fh) -> None:
    """Raise for times of ``fh`` before the first time point ``state`` holds."""
    try:
        relative = np.asarray(fh.to_relative(state.cutoff), dtype=np.int64)
    except ValueError:
        # an absolute fh without frequency (e.g. made from a time index,
        # as ReconcilerForecaster does): count steps on the fitted grid
        grid = state.grid
        cutoff_pos = grid.positions(pd.Index(state.cutoff))[0]
        times = fh.to_absolute_index(state.cutoff)
        relative = (grid.positions(times) - cutoff_pos) // grid.step
    check_in_history(relative, _earliest_step(state))


def _earliest_step(state: PredictState) -> int | None:
    """Step of the first time point held, relative to the cutoff (None: none)."""
    first = state.first_positions
    if first is None or state.observed is None:
        return None
    cutoff_pos = state.grid.positions(pd.Index(state.cutoff))[0]
    return int((first.min() - cutoff_pos) // state.grid.step)


def point_forecasts(state: PredictState, steps: np.ndarray, X) -> np.ndarray:
    """Scaled point forecasts at ``steps`` (n, K) -> (n, K, T), in-sample too.

    Steps >= 1 (after a series' last observation) follow
    :func:`point_path`, exactly as without in-sample steps; steps <= 0 are
    forecast one step ahead from the rows before them, all in one batch
    (:func:`~sktime_gru._insample.insample_forecasts`).
    """
    ahead = steps >= 1
    if ahead.all():
        return point_path(state, steps, X)
    n, k = steps.shape
    out = np.full((n, k, state.n_targets), np.nan)
    if ahead.any():
        # step 1 stands in for the in-sample entries; X is needed only
        # up to each series' largest real step
        needed = np.where(ahead, steps, 0).max(axis=1)
        path = point_path(state, np.where(ahead, steps, 1), X, needed=needed)
        out[ahead] = path[ahead]
    series, column = np.nonzero(~ahead)  # -> (N,), (N,)
    step = state.grid.step
    out[series, column] = insample_forecasts(
        state.network,
        state.encoding,
        state.observed,
        state.observed_offsets,
        state.first_positions,
        step,
        series,
        state.last_positions[series] + step * steps[series, column],
        window=state.window_length,
        decoder_length=state.decoder_length,
        eager=state.run_eagerly,
        guard=departure_guard(state),
    )  # -> (N, T)
    return out


def departure_guard(state: PredictState):
    """``(anchor, limit)`` of the fitted network's departure (None: unguarded).

    ``limit`` is ``departure_limit_`` (a forecaster saved before it has none);
    ``anchor`` the backbone's anchor matrix the network adds its head to.
    """
    limit = state.departure_limit
    if limit is None:
        return None
    backbone = state.encoding.backbone
    anchor = None
    if backbone is not None:
        anchor = backbone.matrix(state.window_length, state.decoder_length)
    return anchor, limit


def point_path(state: PredictState, steps: np.ndarray, X, needed=None) -> np.ndarray:
    """Scaled point forecasts at ``steps`` (n, K) -> (n, K, T).

    The decoder forecasts ``output_length_`` steps at once; further steps
    are reached recursively, feeding forecasts back as the newest inputs.
    ``needed`` (n,): the steps of every series that X must cover (default:
    its largest step).
    """
    decoder_length, window = state.decoder_length, state.window_length
    encoding, series = state.encoding, state.series
    rounds = math.ceil(int(steps.max()) / decoder_length)
    last = state.last_positions
    step = state.grid.step
    # encoder inputs: the last `window` observations, scaled, + calendar
    past_pos = last[:, None] + step * np.arange(1 - window, 1)  # (n, W)
    inputs = encoder_inputs(
        encoding,
        state.tail[:, -window:],
        series,
        past_pos,
        state.first_positions,
        lambda i: instance_label(state.instances, i),
    )  # -> (n, W, F)
    # known-ahead features for every decoder step of every round
    future_pos = last[:, None] + step * np.arange(1, rounds * decoder_length + 1)
    x_future = future_x(
        X,
        future_pos,
        steps.max(axis=1) if needed is None else needed,
        grid=state.grid,
        x_columns=state.x_columns,
        instances=state.instances,
        cutoff=state.cutoff,
    )  # -> (n, R*H, Fx), or None without X
    known = encoding.future_features(x_future, series, future_pos)  # (n,R*H,K)
    path = decode_recursively(
        state.network,
        inputs,
        known,
        rounds,
        decoder_length,
        state.run_eagerly,
        guard=departure_guard(state),
        own=own_levels(encoding.backbone, series),
    )  # -> (n, R*H, T)
    picked = np.take_along_axis(path, (steps - 1)[:, :, None], axis=1)
    # deseasonalize: the network forecasts departures from the profile
    return picked + encoding.seasonal_term(series, last[:, None] + step * steps)
