"""A sane range for every forecast: no configuration may decode to absurd values.

Two guards, both pure numpy (no keras, no sktime):

- **the departure** (:func:`departure_limits`, :func:`limit_departure`): in
  the scaled space where the network runs, its departure from the backbone's
  anchor may not exceed the range of the series' own scaled training targets
  (``departure_limit_``); the backbone stays as it is;
- **the decoded value** (:func:`forecast_bounds`), below.

The network's forecasts are decoded from a
scaled space; where that space squeezes a series (``scaling="global"`` over
levels that differ by orders of magnitude, above all with some series on the
log scale and some not), a small departure there becomes an enormous one in
the data's units (M1 with ``scaling="global"`` gave forecasts of 1e100).
:func:`forecast_bounds` gives every forecast step a range it may not leave,
and :meth:`~sktime_gru._encoding.Encoding.decode` clips to it on the scale
the backbone models (logarithms for logged series, so the bound is a factor
there).

The range of series ``i`` at ``h`` steps ahead, in that scale, is its
training range widened by the range itself and by ``h`` times its steepest
trend: ``[lo - span - h * d, hi + span + h * d]``, where ``d`` is the largest
absolute least-squares slope of any ``window`` consecutive observations (the
largest one-step change for a series shorter than that). The backbone stays
inside it (its level is a weighted mean of a window's values, its seasonal
shape is fitted to the data, and its trend is a window's least-squares slope,
damped), so the clip only catches a network departure that no data supports.
The quantiles of prediction intervals get twice that reach beyond the range.

Dimension legend: ``R`` flat rows, ``n`` series, ``K`` forecast steps,
``T`` targets.
"""

from __future__ import annotations

import numpy as np

__all__ = ["departure_limits", "forecast_bounds", "limit_departure"]


def departure_limits(scaled_targets, offsets) -> np.ndarray:
    """Range of every series' scaled network targets, (n, T) (NaN: no value).

    ``scaled_targets`` (R, T) are what the network was trained to forecast
    (targets minus the profile, scaled), series after series as ``offsets``
    (n + 1,) say.
    """
    lo, hi = _series_range(scaled_targets, offsets[:-1])
    return hi - lo


def _series_range(values, starts) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest known value of every series, (n, T) each (NaN: none)."""
    with np.errstate(invalid="ignore"):
        return (
            np.fmin.reduceat(values, starts, axis=0),
            np.fmax.reduceat(values, starts, axis=0),
        )


def limit_departure(out, inputs, anchor, limit) -> np.ndarray:
    """Clip the network's departure from the backbone's anchor, (N, H, T).

    Parameters
    ----------
    out : np.ndarray, shape (N, H, T)
        The network's scaled forecasts.
    inputs : np.ndarray, shape (N, W, F)
        Its encoder inputs (the first ``T`` columns the targets).
    anchor : np.ndarray of shape (H, W) or None
        The backbone's anchor matrix (None: no anchor, the departure is the
        whole output).
    limit : np.ndarray, shape (N, T)
        Largest absolute departure of each row's series (NaN: none).
    """
    n_targets = out.shape[-1]
    base = 0.0
    if anchor is not None:
        window = np.asarray(inputs[..., :n_targets], dtype=np.float64)
        base = np.einsum("hw,nwt->nht", np.asarray(anchor, np.float64), window)
    departure = out - base
    bound = limit[:, None, :]  # -> (N, 1, T)
    # only where the departure is too large (False for a NaN limit): the
    # other values stay exactly as the network gave them
    over = np.abs(departure) > bound
    return np.where(over, base + np.sign(departure) * bound, out)


def forecast_bounds(
    encoding, observed, offsets, steps, window, widen=1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest value every forecast may take, on the modelled scale.

    Parameters
    ----------
    encoding : sktime_gru._encoding.Encoding
        The fitted encoding (its log flags and number of targets).
    observed : np.ndarray, shape (R, C)
        Every row seen in training and updates, unscaled, series after
        series (targets first).
    offsets : np.ndarray of int, shape (n + 1,)
        Series ``i`` is ``observed[offsets[i]:offsets[i + 1]]``.
    steps : np.ndarray of int, shape (n, K)
        Steps ahead of each series' last observation (``<= 0``: in-sample,
        bounded as one step ahead).
    window : int
        The encoder's window length (the backbone's trend is read off it).
    widen : float, default=1.0
        Multiplies the reach beyond the training range (quantiles of a
        prediction interval get 2: an interval may honestly reach further
        than its point forecast).

    Returns
    -------
    lo, hi : np.ndarray, shape (n, K, T)
        NaN (no bound) where a series has no value of a target.
    """
    n_targets = encoding.n_targets
    counts = np.diff(offsets)
    series = np.repeat(np.arange(len(counts)), counts)  # -> (R,)
    values = encoding.transform(observed[:, :n_targets], series)  # (R, T)
    starts = offsets[:-1]
    lo, hi = _series_range(values, starts)  # -> (n, T) each
    slope = _steepest(values, series, starts, window)  # -> (n, T)
    # a series without `window` consecutive values: its largest change
    slope = np.where(np.isnan(slope), _steepest(values, series, starts, 2), slope)
    slope = np.where(np.isnan(slope), 0.0, slope)
    span = hi - lo
    reach = span[:, None] + np.maximum(steps, 1)[..., None] * slope[:, None]
    reach = widen * reach
    return lo[:, None] - reach, hi[:, None] + reach  # -> (n, K, T) each


def _steepest(values, series, starts, window) -> np.ndarray:
    """Largest absolute least-squares slope of ``window`` rows per series (n, T).

    NaN where a series has no ``window`` consecutive values (short, or gaps).
    """
    n_rows, n_targets = values.shape
    out = np.full((len(starts), n_targets), np.nan)
    if n_rows < window:
        return out
    centred = np.arange(window) - (window - 1) / 2
    weights = centred / np.sum(centred**2)
    first = np.arange(n_rows - window + 1)  # first row of every window
    inside = series[first] == series[first + window - 1]  # not across series
    for t in range(n_targets):
        # convolve flips its kernel: a window's slope is sum(weights * rows)
        slopes = np.abs(np.convolve(values[:, t], weights[::-1], mode="valid"))
        slopes = np.where(inside, slopes, np.nan)  # -> (R - window + 1,)
        np.fmax.at(out[:, t], series[first], slopes)
    return out
