"""Forecasting with a fitted network: encoder inputs and recursive decoding.

Owns how the fitted tails become network inputs and how the network is run
on them (the predict path around it is :mod:`sktime_gru._predicting`; the
in-sample forecasts of :mod:`sktime_gru._insample` share the encoder inputs):
:func:`encoder_inputs` encodes the last ``W`` raw rows of every
series (gaps filled, rows before a short series' start repeating its first
observed row, as the padding in training does); :func:`decode_recursively`
forecasts ``H`` steps at a time and feeds each round's forecasts back as the
newest encoder inputs until the furthest step is reached.

No sktime, and no Keras import of its own (the network is passed in); never
imports the estimator.

Dimension legend: ``n`` series, ``W`` window (encoder) length, ``C`` raw
columns (y then X), ``F`` encoded features, ``H`` decoder steps per round,
``R`` rounds, ``K`` known-ahead features, ``T`` targets.
"""

from __future__ import annotations

import numpy as np

from sktime_gru._bounds import limit_departure
from sktime_gru._inference import predict_network
from sktime_gru._windowing import fill_window_gaps

__all__ = ["decode_recursively", "encoder_inputs"]


def encoder_inputs(
    encoding, tail, series, past_pos, first, labels, fill=fill_window_gaps
) -> np.ndarray:
    """Return the encoder inputs of every series from its last raw rows (n, W, F).

    Parameters
    ----------
    encoding : Encoding
        The fitted encoding.
    tail : np.ndarray, shape (n, W, C)
        The last ``W`` raw rows of every series (may hold NaN).
    series : np.ndarray of int, shape (n, 1)
        Series numbers.
    past_pos : np.ndarray of int, shape (n, W)
        Grid positions of the rows of ``tail``.
    first : np.ndarray of int, shape (n,), or None
        Grid position of every series' first observation (None: unknown,
        every row is history).
    labels : callable
        ``labels(i)`` names series ``i`` for messages.
    fill : callable, default=fill_window_gaps
        ``fill(tail, labels)`` fills the NaN of the raw rows (in-sample
        forecasts pass one that leaves a column without any value NaN).
    """
    history = None if first is None else past_pos >= first[:, None]
    if history is not None and not history.all():
        # a short series: no gap to fill before its start (see below)
        tail = np.where(history[..., None], tail, 0.0)
    tail = fill(tail, labels)  # -> (n, W, C)
    inputs = encoding.encode(tail, series, past_pos)  # -> (n, W, F)
    if history is not None and not history.all():
        # before a series' start the inputs repeat its first observed row,
        # as the padding of short series in training does
        n_raw = tail.shape[-1]
        oldest = np.argmax(history, axis=1)  # -> (n,)
        first_rows = inputs[np.arange(len(inputs)), oldest, :n_raw]  # (n, C)
        inputs[..., :n_raw] = np.where(
            history[..., None], inputs[..., :n_raw], first_rows[:, None, :]
        )
    return inputs


def decode_recursively(
    network, inputs, known, rounds, decoder_length, eager, guard=None, own=None
) -> np.ndarray:
    """Forecast ``rounds * decoder_length`` steps from ``inputs`` -> (n, R*H, T).

    ``inputs`` (n, W, F) are the encoder inputs, ``known`` (n, R*H, K) the
    known-ahead (decoder) features of every step (``K`` may be 0). Each
    round's forecasts, with their known features, become the newest encoder
    inputs of the next round. ``guard``: ``(anchor, limit)``, the backbone's
    anchor (H, W) or None and each series' largest departure (n, T), see
    :func:`~sktime_gru._bounds.limit_departure` (None: unguarded). ``own``:
    ``(inputs, out) -> out``, the series forecast by their own backbone
    (:func:`~sktime_gru._backbone.with_own_levels`; None: none).
    """
    window = inputs.shape[1]
    has_future = known.shape[-1] > 0
    outputs = []
    for r in range(rounds):
        block = known[:, r * decoder_length : (r + 1) * decoder_length]  # -> (n, H, K)
        out = predict_network(
            network, inputs, block if has_future else None, eager=eager
        )  # -> (n, H, T)
        if guard is not None:
            out = limit_departure(out, inputs, *guard)
        if own is not None:
            out = own(inputs, out)
        outputs.append(out)
        step_rows = np.concatenate([out.astype(np.float32), block], axis=-1)
        inputs = np.concatenate([inputs, step_rows], axis=1)[:, -window:]
    return np.concatenate(outputs, axis=1)  # -> (n, R*H, T)
