"""Residuals behind the intervals: the backtest and held-out windows.

Owns where ``residuals_`` come from and how much of the network's departure
from the backbone is kept:

- :func:`backtest_residuals`: one extra network, trained on every series
  without its held-back end, forecasts that end from every origin that has it
  (honest, out-of-sample errors); with a backbone, the untrained network (the
  backbone alone) forecasts the same windows and :func:`departure_weight`
  weighs the trained network's departure from it;
- :func:`window_residuals` / :func:`block_residuals`: residuals of given
  windows; :func:`calibration_residuals`: of the held-out (validation)
  windows, else of the training windows (``interval_calibration="windows"``,
  and a fit after ``pretrain``);
- :func:`shrink_departure`: apply that weight to a network's head.

The networks are built and trained with the forecaster's parameters in the
:class:`~sktime_gru._training.TrainingSpec` passed in
(:func:`~sktime_gru._training.build_like`); this module never sees the
estimator.

Dimension legend: ``R`` rows of the flat panel, ``F`` input features (raw
columns, then calendar), ``T`` targets, ``N`` windows, ``W`` window (input)
length, ``H`` decoder steps. Residuals are ``y - y_hat`` in the scaled space,
shape ``(N, H, T)``, NaN where a window has no target.
"""

from __future__ import annotations

import warnings

import numpy as np

from sktime_gru._backbone import own_levels
from sktime_gru._backend import to_numpy
from sktime_gru._data import Data, scaled_rows
from sktime_gru._inference import predict_network
from sktime_gru._memory import release_free_memory
from sktime_gru._training import TrainingSpec, as_tensors, build_like, train_like
from sktime_gru._windowing import (
    complete_windows,
    evenly_at_most,
    gather_blocks,
    gather_partial_windows,
    partial_window_positions,
    split_backtest,
)

__all__ = [
    "MAX_RESIDUAL_WINDOWS",
    "backtest_residuals",
    "block_residuals",
    "calibration_residuals",
    "departure_weight",
    "shrink_departure",
    "window_residuals",
]

# residuals kept for intervals: enough for stable tail quantiles, bounded memory
MAX_RESIDUAL_WINDOWS = 20_000


def backtest_residuals(spec: TrainingSpec, data: Data, encoding, decoder_length, seed):
    """Out-of-sample residuals (scaled) of a network that never saw them.

    One network with the forecaster's parameters is trained on every series
    without its last ``held_back`` points (and a climatology of the earlier
    points only), then forecasts from every origin in the held-back part;
    targets past a series' end are NaN. Steps with fewer than 3 origins
    are left NaN: the intervals reuse the last step that has them.

    With a backbone, the same windows are also forecast by the untrained
    network (the backbone alone), and the trained network's departure
    from it is weighted by the least-squares factor in [0, 1] that fits
    the backbone's residuals best: the residuals returned are those of
    ``backbone + weight * departure``, and the weight is what the
    members' departures are multiplied by (0: they are not trained).

    With ``spec.backtest_origins`` = K > 1, K - 1 more networks are trained
    on earlier cuts (each ``decoder_length`` points before the previous
    one, as far as the series allow) and forecast their own held-back
    parts; the weight is then the smallest of the cuts' weights: the
    departure is kept only as far as it helped at every cut (a cut whose
    weight is 0 ends the search). The residuals (the intervals) stay those
    of the latest cut.

    Parameters
    ----------
    spec : TrainingSpec
        The network's and the training's parameters.
    data : Data
        The (padded) training rows.
    encoding : Encoding
        The encoding fitted on all of ``data``; restricted here to the rows
        before the held-back part.
    decoder_length : int
        Decoder steps ``H``.
    seed : int
        Seed of the backtest network (the earlier cuts' networks: ``seed +
        k``).

    Returns
    -------
    residuals : np.ndarray of float32, shape (N, H, T), or None
        None, with a warning, when the series are too short.
    weight : float
        The weight applied: the smallest of ``weights``.
    weights : list of float
        The departure weight of every cut trained, latest first.
    """
    panel, window = data.panel, spec.window_length
    room = int(panel.lengths.max()) - window - decoder_length
    # at least 3 origins for a one-step decoder (2 * 1 held back gave none)
    held_back = min(max(2 * decoder_length, decoder_length + 2), room)
    cut = _cut_residuals(spec, data, encoding, decoder_length, seed, held_back)
    if cut is None:
        warnings.warn(
            "interval_calibration='backtest' needs series of at least "
            f"window_length + output_length + 3 = {window + decoder_length + 3} time "
            "points with complete windows; calibrating the intervals on "
            "training windows instead, which makes them too narrow (see "
            "calibration_). Use shorter windows, validation_split with "
            "interval_calibration='windows', or longer series",
            UserWarning,
            stacklevel=4,
        )
        return None, 1.0, [1.0]
    trained, untrained = cut
    if untrained is None:  # no backbone: the network is the forecast
        return trained.astype(np.float32), 1.0, [1.0]
    weights = [departure_weight(untrained, trained)]
    for k in range(1, spec.backtest_origins):
        if weights[-1] == 0.0:
            break  # the smallest weight is 0 already: no need to train more
        earlier = held_back + k * decoder_length
        if earlier > room:
            break  # no series has a training window before this cut
        more = _cut_residuals(spec, data, encoding, decoder_length, seed + k, earlier)
        if more is None:
            break
        weights.append(departure_weight(more[1], more[0]))
    weight = min(weights)
    residuals = untrained - weight * (untrained - trained)
    return residuals.astype(np.float32), weight, weights  # -> (N, H, T)


def _cut_residuals(
    spec: TrainingSpec, data: Data, encoding, decoder_length, seed, held_back
):
    """Residuals of one backtest cut: (trained, backbone's or None), or None.

    Both ``(N, H, T)``, NaN where the trained network's are (targets past a
    series' end, steps seen from fewer than 3 origins).
    """
    panel, window, eager = data.panel, spec.window_length, spec.run_eagerly
    usable = min(decoder_length, held_back - 2)  # steps seen from >= 3 origins
    if usable < 1:
        return None
    starts, test = split_backtest(
        panel.offsets, window, decoder_length, held_back, spec.recent_windows
    )
    cut = np.repeat(panel.offsets[1:] - held_back, panel.lengths)
    before = np.arange(len(panel.values)) < cut  # rows the backtest may see
    encoding = encoding.restricted_to(panel, before)
    scaled = scaled_rows(encoding, data)  # -> (R, F)
    starts = starts[complete_windows(scaled, starts, window + decoder_length)]
    test = test[complete_windows(scaled, test, window)]  # inputs complete
    if not len(starts) or not len(test):
        return None
    network = build_like(spec, encoding, decoder_length, seed, "backtest")
    block, valid, series = backtest_block(
        data, encoding, scaled, test, window, decoder_length
    )
    own = own_levels(encoding.backbone, series)
    untrained = None
    if encoding.backbone is not None:
        untrained = block_residuals(network, block, window, eager, own)  # backbone's
    tensors = as_tensors(scaled, starts)
    # from here on read the tensors' memory (views): no second copy
    scaled, starts = (to_numpy(t) for t in tensors)
    train_like(
        spec,
        network,
        *tensors,
        starts[:0],
        decoder_length,
        seed,
        spec.n_epochs,
        keep_optimizer=False,
        stage="backtest network",
    )
    trained = block_residuals(network, block, window, eager, own)  # -> (N, H, T)
    # the members encode the rows again: this cut's copies go first
    del tensors, scaled, starts, block
    release_free_memory()
    trained[~valid[:, window:]] = np.nan
    trained[:, usable:] = np.nan
    if untrained is not None:
        untrained[np.isnan(trained)] = np.nan
    return trained, untrained


def backtest_block(data: Data, encoding, scaled, test, window, decoder_length):
    """Windows of the backtest's forecast origins, (N, W + H, F), validity, series."""
    panel = data.panel
    test = evenly_at_most(test, MAX_RESIDUAL_WINDOWS)
    series = np.searchsorted(panel.offsets, test, side="right") - 1
    ends = panel.offsets[1:][series]
    block, valid = gather_partial_windows(scaled, test, window, decoder_length, ends)
    if encoding.n_calendar:
        # calendar of the steps past a series' end, as predict makes it
        pos = partial_window_positions(
            panel.positions, test, window + decoder_length, ends, panel.grid.step
        )  # -> (N, W + H)
        block[..., -encoding.n_calendar :] = encoding.calendar(pos)
    return block, valid, series


def calibration_residuals(
    spec: TrainingSpec, network, scaled, train, held_out, decoder_length,
    backbone=None, offsets=None,
):  # fmt: skip
    """Residuals of the held-out windows, else of the training windows.

    None when there are neither (a fit after ``pretrain`` on series too short
    for one window). ``spec`` supplies the window length and eager mode;
    ``backbone`` and the rows' series ``offsets``: see :func:`window_residuals`.
    """
    windows = held_out if len(held_out) else train
    if not len(windows):
        return None
    return window_residuals(
        network, scaled, windows, spec.window_length, decoder_length,
        spec.run_eagerly, backbone, offsets,
    )  # fmt: skip


def window_residuals(
    network, scaled, starts, window, decoder_length, eager, backbone=None,
    offsets=None,
) -> np.ndarray:  # fmt: skip
    """Held-out residuals ``y - y_hat`` (scaled), at most 20,000 windows.

    With a ``backbone`` whose series have their own level, the windows of
    those series (located by the series' row ``offsets``) are forecast by
    their own backbone (:func:`~sktime_gru._backbone.with_own_levels`).
    """
    starts = evenly_at_most(starts, MAX_RESIDUAL_WINDOWS)
    block = gather_blocks(scaled, starts, window + decoder_length)
    own = None
    if offsets is not None:
        own = own_levels(backbone, np.searchsorted(offsets, starts, side="right") - 1)
    return block_residuals(network, block, window, eager, own).astype(np.float32)


def block_residuals(
    network, block: np.ndarray, window: int, eager, own=None
) -> np.ndarray:
    """``y - y_hat`` of windows ``block`` (N, W + H, F) -> (N, H, T), scaled.

    The first ``window`` rows are the encoder input; the later rows give the
    targets and the known-ahead (decoder) inputs. ``own``: ``(inputs, out)
    -> out`` for the rows' series forecast by their own backbone (None: none).
    """
    n_targets = int(network.output_shape[-1])
    ahead = block[:, window:]
    future = ahead[..., n_targets:] if block.shape[2] > n_targets else None
    predicted = predict_network(network, block[:, :window], future, eager=eager)
    if own is not None:
        predicted = own(block[:, :window], predicted)
    return ahead[..., :n_targets] - predicted


def departure_weight(backbone: np.ndarray, trained: np.ndarray) -> float:
    """Weight in [0, 1] of a network's departure from its backbone.

    ``backbone`` and ``trained`` are residuals ``y - y_hat`` (NaN ignored) of
    the backbone alone and of the trained network on the same held-back
    points; the departure is their difference. Returns the least-squares
    factor ``w`` minimising the squared residuals of ``backbone + w *
    departure``, clipped to [0, 1].
    """
    departure = backbone - trained  # y_hat_trained - y_hat_backbone
    known = ~np.isnan(departure)
    denom = float(np.sum(departure[known] ** 2))
    if denom <= 0:
        return 0.0
    return float(np.clip(np.sum(departure[known] * backbone[known]) / denom, 0, 1))


def shrink_departure(network, weight: float) -> None:
    """Multiply the output layer of ``network`` by ``weight``, in place.

    The head is linear and the backbone is added after it, so this scales
    the network's departure from the backbone exactly.
    """
    if weight == 1.0:
        return
    head = network.get_layer("head")
    for variable in head.weights:
        variable.assign(to_numpy(variable) * weight)
