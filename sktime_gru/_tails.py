"""The fitted tails and their extension by ``update``.

Owns the fitted tails (``tail_``: the last ``L`` raw rows of every series,
aligned at their end) and their extension by ``update`` with the rows of
its call (a :class:`~sktime_gru._data.Data`; :func:`extend_tails`);
likewise every row held for in-sample forecasts (``observed_``, flat,
:func:`extend_observed`). The series of ``update`` are matched to the fitted
ones with :func:`~sktime_gru._panel.match_instances`.

The fitted state these functions read (``tail_``, ``last_positions_``,
``observed_``, ``observed_offsets_``, ``instances_``, ``_y_columns``) stays
on the forecaster, under the names ``save_model`` writes; it is passed in
here.

No Keras, no sktime; never imports the estimator.

Dimension legend: ``R`` rows of the flat panel, ``C`` y columns, ``Fx`` X
columns, ``n`` series, ``L`` tail length.
"""

from __future__ import annotations

import numpy as np

from sktime_gru._data import Data
from sktime_gru._panel import match_instances

__all__ = ["extend_observed", "extend_tails"]


def extend_tails(
    tail: np.ndarray,
    last_positions: np.ndarray,
    new: Data,
    *,
    y_columns,
    instances,
    step: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Append the rows of ``new`` after each fitted series' tail.

    Parameters
    ----------
    tail : np.ndarray, shape (n, L, C + Fx)
        The fitted tails (``tail_``), aligned at their end.
    last_positions : np.ndarray of int, shape (n,)
        Grid position of every tail's last row.
    new : Data
        The rows of ``update``, on the fitted grid.
    y_columns, instances
        The fitted y columns and instance labels.
    step : int
        Grid step between consecutive time points.

    Returns
    -------
    tails : np.ndarray, shape (n, L', C + Fx)
        Aligned at their end, NaN before a shorter tail's first row.
    last : np.ndarray of int, shape (n,)
    """
    if list(new.panel.columns) != list(y_columns):
        raise ValueError(
            f"update got columns {list(new.panel.columns)}, but the forecaster "
            f"was fitted on {list(y_columns)}"
        )
    panel = new.panel
    tails = list(tail)
    last = last_positions.copy()
    for j, i in enumerate(match_instances(instances, panel)):
        rows = slice(panel.offsets[j], panel.offsets[j + 1])
        pos = panel.positions[rows]
        keep = pos > last[i]
        if not keep.any():
            continue
        if pos[keep][0] != last[i] + step:
            raise ValueError(
                f"update data for {panel.label(j)} starts at "
                f"{panel.times[rows][keep][0]}, leaving a gap after the last "
                "observation seen; pass the missing time points too"
            )
        tails[i] = np.concatenate([tails[i], new.raw[rows][keep]])
        last[i] = pos[keep][-1]
    length = max(len(t) for t in tails)
    out = np.full((len(tails), length, tail.shape[2]), np.nan)
    for i, rows in enumerate(tails):
        out[i, length - len(rows) :] = rows
    return out, last


def extend_observed(
    observed: np.ndarray,
    offsets: np.ndarray,
    last_positions: np.ndarray,
    new: Data,
    *,
    instances,
) -> tuple[np.ndarray, np.ndarray]:
    """Append the rows of ``new`` after each series' observed rows.

    The counterpart of :func:`extend_tails` for all rows held (call it after
    that, which checks columns and gaps): rows of ``new`` at or before a
    series' last observation are ignored, as there.

    Parameters
    ----------
    observed : np.ndarray, shape (R, C + Fx)
        Every row held, series after series.
    offsets : np.ndarray of int, shape (n + 1,)
        Series ``i`` is ``observed[offsets[i]:offsets[i + 1]]``.
    last_positions : np.ndarray of int, shape (n,)
        Grid position of every series' last row (before ``new``).
    new : Data
        The rows of ``update``, on the fitted grid.
    instances : pd.Index or None
        The fitted instance labels.

    Returns
    -------
    observed : np.ndarray, shape (R', C + Fx)
    offsets : np.ndarray of int64, shape (n + 1,)
    """
    panel = new.panel
    which = match_instances(instances, panel)[panel.series_of_rows()]  # (R_new,)
    keep = panel.positions > last_positions[which]
    which, rows = which[keep], new.raw[keep]
    order = np.argsort(which, kind="stable")  # by fitted series, time kept
    which, rows = which[order], rows[order]
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    added = np.bincount(which, minlength=n)  # -> (n,)
    new_offsets = np.concatenate([[0], np.cumsum(lengths + added)]).astype(np.int64)
    out = np.empty((new_offsets[-1], observed.shape[1]))
    rank = np.arange(len(which)) - (np.cumsum(added) - added)[which]
    at = new_offsets[which] + lengths[which] + rank  # -> (R_new,), increasing
    # the held rows keep their order in the rows left: a mask, not R indices
    held = np.ones(len(out), dtype=bool)
    held[at] = False
    out[held] = observed
    out[at] = rows
    return out, new_offsets
