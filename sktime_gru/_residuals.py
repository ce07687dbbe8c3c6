"""The data a fitted forecaster has seen, as sktime frames (for predict_residuals).

``predict_residuals()`` without ``y`` needs the y of ``fit`` and ``update``
back as a frame of the type ``fit`` got, also with ``remember_data=False``:
the forecaster keeps the rows it has seen (``observed_``, ``observed_offsets_``)
and this module rebuilds the frame from them and the fitted time grid. Takes
the fitted forecaster as an argument; never imports it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sktime_gru._panel import instance_index, times_at

__all__ = ["observed_y"]


def observed_y(est):
    """Return the y seen in fit and update, as a frame of the type fit got."""
    from sktime.datatypes import convert_to

    if getattr(est, "observed_", None) is None:
        raise ValueError(
            "this forecaster holds no training data (it was saved by an "
            "older version): pass y to predict_residuals, or fit it again"
        )
    offsets, grid = est.observed_offsets_, est._grid
    lengths = np.diff(offsets)
    series = np.repeat(np.arange(len(lengths)), lengths)  # -> (R,)
    local = np.arange(offsets[-1]) - offsets[:-1][series]
    positions = est.first_positions_[series] + grid.step * local
    times = times_at(positions, est._grid, est.cutoff)
    if est.instances_ is None:
        index = pd.Index(times, name=est._index_names[-1])
    else:
        index = instance_index(est.instances_, lengths, times, est._index_names)
    values = est.observed_[:, : est._n_targets]
    frame = pd.DataFrame(values, index=index, columns=est._y_columns)
    return convert_to(
        frame,
        est._y_metadata["mtype"],
        store=est._converter_store_y,
        store_behaviour="freeze",
    )
