"""The data a fitted forecaster has seen, as sktime frames (for predict_residuals).

``predict_residuals()`` without ``y`` needs the y of ``fit`` and ``update``
back as a frame of the type ``fit`` got, also with ``remember_data=False``:
the forecaster keeps the rows it has seen (``observed_``, ``observed_offsets_``)
and this module rebuilds the frame from them and the fitted time grid. Takes
the forecaster's fitted state as a :class:`~sktime_gru._predicting.PredictState`
and sktime's record of fit's y (mtype, converter store); never imports the
forecaster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sktime_gru._panel import instance_index, times_at

__all__ = ["observed_y"]


def observed_y(state, mtype: str, store):
    """Return the y seen in fit and update, as a frame of the type fit got.

    ``state``: the fitted state (:class:`~sktime_gru._predicting.PredictState`);
    ``mtype`` and ``store``: the mtype of fit's y and sktime's converter store
    of it (``_y_metadata["mtype"]``, ``_converter_store_y``).
    """
    from sktime.datatypes import convert_to

    if state.observed is None:
        raise ValueError(
            "this forecaster holds no training data (it was saved by an "
            "older version): pass y to predict_residuals, or fit it again"
        )
    offsets, grid = state.observed_offsets, state.grid
    lengths = np.diff(offsets)
    series = np.repeat(np.arange(len(lengths)), lengths)  # -> (R,)
    local = np.arange(offsets[-1]) - offsets[:-1][series]
    positions = state.first_positions[series] + grid.step * local
    times = times_at(positions, grid, state.cutoff)
    if state.instances is None:
        index = pd.Index(times, name=state.index_names[-1])
    else:
        index = instance_index(state.instances, lengths, times, state.index_names)
    values = state.observed[:, : state.n_targets]
    frame = pd.DataFrame(values, index=index, columns=state.y_columns)
    return convert_to(frame, mtype, store=store, store_behaviour="freeze")
