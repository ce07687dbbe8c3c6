"""In-sample forecasts: each time point forecast from the data before it.

Owns what ``predict`` does for the time points of ``fh`` at or before a
series' last observation. Such a point at time ``t`` is forecast one step
ahead, as ``predict`` would have forecast it had the series ended at
``t - 1``: the encoder reads the ``W`` rows before ``t`` (gaps filled, rows
before the series' start repeating its first observed row, as for a short
series in ``predict``), and the decoder's first step is ``t`` with its
known-ahead inputs (calendar, and the X row of ``t`` from the data held; the
later decoder steps use the rows after it, and repeat the last complete one
where a row is missing or lies past the series' end, as ``predict`` repeats
the last row of X). All points are gathered as windows from the flat rows
held and forecast by ONE call of the network.

NaN: a time point before a series' first observation, the first
observation itself (no data before it), and a point whose input window has
a column without any value, or whose own X row is missing.

No sktime, and no Keras import of its own (the network is passed in); never
imports the estimator.

Dimension legend: ``N`` in-sample points, ``W`` window (encoder) length,
``H`` decoder steps, ``C`` raw columns (y then X), ``T`` targets, ``F``
encoded features, ``K`` known-ahead features, ``n`` series.
"""

from __future__ import annotations

import numpy as np

from sktime_gru._backbone import with_own_levels
from sktime_gru._bounds import limit_departure
from sktime_gru._decoding import encoder_inputs
from sktime_gru._inference import predict_network
from sktime_gru._windowing import interpolate_gaps

__all__ = ["insample_forecasts"]

# points gathered at once: bounds the (N, W, F) inputs of a whole history
CHUNK = 65_536


def insample_forecasts(
    network,
    encoding,
    observed: np.ndarray,
    offsets: np.ndarray,
    first: np.ndarray,
    step: int,
    series: np.ndarray,
    positions: np.ndarray,
    *,
    window: int,
    decoder_length: int,
    eager: bool,
    guard=None,
) -> np.ndarray:
    """Scaled one-step-ahead forecasts of in-sample points (N,) -> (N, T).

    Parameters
    ----------
    network : keras.Model
        The fitted network (input ``W`` rows, output ``H`` steps).
    encoding : Encoding
        The fitted encoding.
    observed : np.ndarray, shape (R, C)
        Every raw row held, series after series (may hold NaN).
    offsets : np.ndarray of int, shape (n + 1,)
        Series ``i`` is ``observed[offsets[i]:offsets[i + 1]]``.
    first : np.ndarray of int, shape (n,)
        Grid position of every series' first row.
    step : int
        Grid step.
    series : np.ndarray of int, shape (N,)
        Series of every point.
    positions : np.ndarray of int, shape (N,)
        Grid position of every point, at or before its series' last row.
    window, decoder_length : int
        ``W`` and ``H``.
    eager : bool
        Run the network eagerly.
    guard : tuple or None
        ``(anchor, limit)``: the departure guard of
        :func:`~sktime_gru._decoding.decode_recursively` (None: unguarded).

    Returns
    -------
    np.ndarray, shape (N, T)
        In the scaled space with the profile added (as ``predict``'s point
        path returns it: :meth:`Encoding.decode` gives data units); NaN where
        a point cannot be forecast (see the module docstring).
    """
    chunks = [
        _forecast_chunk(
            network,
            encoding,
            observed,
            offsets,
            first,
            step,
            series[i : i + CHUNK],
            positions[i : i + CHUNK],
            window,
            decoder_length,
            eager,
            guard,
        )
        for i in range(0, len(series), CHUNK)
    ]
    return np.concatenate(chunks, axis=0)


def _forecast_chunk(
    network, encoding, observed, offsets, first, step, series, positions,
    window, decoder_length, eager, guard,
):  # fmt: skip
    """:func:`insample_forecasts` of up to ``CHUNK`` points."""
    n_targets = encoding.n_targets
    lengths = np.diff(offsets)[series]  # -> (N,)
    start = offsets[:-1][series]
    local = (positions - first[series]) // step  # row of the point in its series
    # encoder: the W rows before the point (clipped into the series; rows
    # before its start are replaced by encoder_inputs, as in predict)
    back = local[:, None] + np.arange(-window, 0)  # -> (N, W)
    rows = start[:, None] + np.clip(back, 0, lengths[:, None] - 1)
    past_pos = positions[:, None] + step * np.arange(-window, 0)
    inputs = encoder_inputs(
        encoding,
        observed[rows],
        series[:, None],
        past_pos,
        first[series],
        lambda i: f"series {i}",
        fill=lambda tail, _: interpolate_gaps(tail),
    )  # -> (N, W, F)
    # decoder: the point and the H - 1 steps after it
    ahead = local[:, None] + np.arange(decoder_length)  # -> (N, H)
    future_pos = positions[:, None] + step * np.arange(decoder_length)
    x_future = None
    if observed.shape[1] > n_targets:
        x_rows = observed[start[:, None] + np.clip(ahead, 0, lengths[:, None] - 1)]
        x_future = _repeat_last_complete(
            x_rows[..., n_targets:], ahead < lengths[:, None]
        )  # -> (N, H, Fx)
    known = encoding.future_features(x_future, series[:, None], future_pos)
    bad = (local < 1) | np.isnan(inputs).any(axis=(1, 2))
    bad |= np.isnan(known[:, 0]).any(axis=1)  # the point's own X
    inputs = np.where(np.isnan(inputs), 0.0, inputs).astype(np.float32)
    known = np.where(np.isnan(known), 0.0, known).astype(np.float32)
    out = predict_network(
        network, inputs, known if known.shape[-1] else None, eager=eager
    )  # -> (N, H, T)
    if guard is not None:  # the departure from the anchor, as in predict
        anchor, limit = guard
        out = limit_departure(out, inputs, anchor, limit[series])
    out = with_own_levels(encoding.backbone, series, inputs, out)
    point = out[:, 0].astype(np.float64) + encoding.seasonal_term(series, positions)
    point[bad] = np.nan
    return point  # -> (N, T)


def _repeat_last_complete(x: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """X rows (N, H, Fx) from the first incomplete one on: the one before it.

    ``inside`` (N, H) marks the rows within the series; a row past its end
    counts as incomplete. The first row is kept as it is (NaN: no forecast).
    """
    have = inside & ~np.isnan(x).any(axis=-1)  # -> (N, H)
    have[:, 0] = True
    cut = np.where(have.all(axis=1), x.shape[1], np.argmin(have, axis=1))  # (N,)
    take = np.minimum(np.arange(x.shape[1])[None, :], cut[:, None] - 1)
    return np.take_along_axis(x, take[..., None], axis=1)
