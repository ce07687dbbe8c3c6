"""The rows of one call: y and X as one raw matrix, and predict's future X.

Owns what ``fit``, ``update``, ``pretrain`` and ``predict`` make of the data
passed to them:

- :class:`Data`: y (and X) of one call as a flat raw matrix
  ``[y columns | X columns]`` on the panel's rows (:func:`assemble`), the
  padding of short series at their front for training (:func:`pad_short`,
  :func:`filled_raw`) and the network inputs of those rows
  (:func:`scaled_rows`);
- the X of ``predict``: raw X rows for every decoder step of every series
  (:func:`future_x`), for the predict path (:mod:`sktime_gru._predicting`).

X columns are checked against the fitted ones with the checks of
:mod:`sktime_gru._validation`, a later call's series matched to the fitted
ones with :func:`~sktime_gru._panel.match_instances`. The fitted state read
here (``_grid``, ``_x_columns``, ``instances_``, the cutoff) is passed in.

No Keras, sktime only through :func:`~sktime_gru._panel.time_at` (time
stamps in messages); never imports the estimator.

Dimension legend: ``R`` rows of the flat panel, ``C`` y columns, ``Fx`` X
columns, ``F`` encoded features (``C + Fx`` raw columns, then calendar),
``n`` series, ``S`` decoder steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sktime_gru._panel import (
    Panel,
    instance_label,
    match_instances,
    panel_from_frame,
    time_at,
)
from sktime_gru._validation import check_x_aligned, check_x_columns
from sktime_gru._windowing import front_padding

__all__ = [
    "Data",
    "assemble",
    "filled_raw",
    "future_x",
    "pad_short",
    "scaled_rows",
]


@dataclass(frozen=True)
class Data:
    """y (and X) of one call as a flat raw matrix ``[y columns | X columns]``."""

    panel: Panel
    raw: np.ndarray  # (R, C + Fx), unscaled, may hold NaN
    x_names: list | None
    # padded short series: the row each row's encoded values are copied from
    fill_from: np.ndarray | None = None  # (R,) int


def pad_short(data: Data, window: int, decoder_length: int) -> Data:
    """Return ``data`` with short series padded at their front (training only).

    A series shorter than ``window + decoder_length`` gets ``window - 1`` rows before
    its start (NaN here; once encoded, copies of its first row, see
    :func:`scaled_rows`), so that it gives training windows with as few as one
    observed input.
    """
    panel = data.panel
    short = panel.lengths < window + decoder_length
    if not short.any():
        return data
    pad = np.where(short, window - 1, 0)
    offsets, source, before = front_padding(panel.offsets, pad)
    padding = before > 0
    positions = panel.positions[source] - panel.grid.step * before
    values = np.where(padding[:, None], np.nan, panel.values[source])
    raw = np.where(padding[:, None], np.nan, data.raw[source])
    first = np.repeat(offsets[:-1] + pad, np.diff(offsets))  # first observed
    fill_from = np.where(padding, first, np.arange(len(raw)))
    panel = replace(panel, values=values, offsets=offsets, positions=positions)
    return Data(panel, raw, data.x_names, fill_from)


def filled_raw(data: Data) -> np.ndarray:
    """Raw rows with the padding rows holding their series' first row."""
    return data.raw if data.fill_from is None else data.raw[data.fill_from]


def scaled_rows(encoding, data: Data) -> np.ndarray:
    """Network inputs of every row of ``data`` (R, F), padding rows included.

    :meth:`~sktime_gru._encoding.Encoding.encode_rows` of the raw rows, with
    the encoded values of a padding row (see :func:`pad_short`) copied from
    its series' first observed row.
    """
    scaled = encoding.encode_rows(data.raw, data.panel)
    if data.fill_from is not None:
        n_raw = data.raw.shape[1]  # calendar columns stay at their positions
        scaled[:, :n_raw] = scaled[data.fill_from, :n_raw]
    return scaled


def assemble(y, X, *, grid=None, x_columns=None, for_update=False) -> Data:
    """Join y and X into one flat raw matrix ``[y columns | X columns]``.

    ``x_columns``: the X columns fitted before (None: fitted without X, or
    not fitted); given, X must have exactly these columns.
    """
    panel = panel_from_frame(y, grid=grid)
    if for_update and x_columns is not None and X is None:
        raise ValueError(
            "X was passed to fit, so update needs X for the new time points "
            "too (same columns as in fit)"
        )
    if X is None:
        return Data(panel, panel.values, None)
    panel_x = panel_from_frame(X, grid=panel.grid, name="X")
    check_x_aligned(panel, panel_x)
    if for_update or x_columns is not None:
        check_x_columns(panel_x.columns, x_columns)
    raw = np.concatenate([panel.values, panel_x.values], axis=1)  # (R, C + Fx)
    return Data(panel, raw, list(panel_x.columns))


def future_x(
    X, future_pos: np.ndarray, needed: np.ndarray, *, grid, x_columns, instances, cutoff
) -> np.ndarray | None:
    """Raw X rows at ``future_pos`` (n, S) for every series -> (n, S, Fx).

    X must cover every step from each series' next time point to the last
    forecast time (``needed[i]`` steps of series ``i``); decoder steps after the
    last row of X (when ``fh`` ends before the decoder does) repeat that last
    row. Fitted without X (``x_columns`` None): None, and X must be None.
    """
    if x_columns is None:
        if X is not None:
            check_x_columns(X.columns, None)  # raises: fitted without X
        return None
    if X is None:
        raise ValueError(
            "the forecaster was fitted with exogenous X, so predict needs X "
            "for the forecast period (same columns as in fit)"
        )
    panel_x = panel_from_frame(X, grid=grid, name="X")
    check_x_columns(panel_x.columns, x_columns)
    n, span = future_pos.shape
    out = np.full((n, span, panel_x.values.shape[1]), np.nan)
    which = match_instances(instances, panel_x)
    for j, i in enumerate(which):
        rows = slice(panel_x.offsets[j], panel_x.offsets[j + 1])
        rel = (panel_x.positions[rows] - future_pos[i, 0]) // grid.step
        ok = (rel >= 0) & (rel < span)
        out[i, rel[ok]] = panel_x.values[rows][ok]
    for i in range(n):
        have = ~np.isnan(out[i]).any(axis=1)
        first_missing = int(np.argmin(have)) if not have.all() else span
        if first_missing < needed[i]:
            missing_time = time_at(future_pos[i, first_missing], grid, cutoff)
            where = instance_label(instances, i)
            raise ValueError(
                f"X for predict has no complete row for {where} at "
                f"{missing_time}: X must cover every time point from the "
                "first step after each series' last observation up to the "
                "last time in fh, without NaN"
            )
        out[i, first_missing:] = out[i, first_missing - 1]
    return out
