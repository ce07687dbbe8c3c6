"""darts' recurrent models as an sktime forecaster, for the peer benchmark only.

sktime has no adapter for darts' neural networks, so the benchmark wraps one:
``DartsRNNForecaster`` trains ONE darts model (``RNNModel`` or
``BlockRNNModel``) on every series of a panel, each series min-max scaled on
its own training data with darts' ``Scaler`` (as darts' own examples do), and
forecasts all of them from the data seen so far (``update`` without refitting
moves the forecast origin). Univariate target only, no exogenous data, no
intervals: what the benchmark needs and nothing more. darts and torch are
imported in ``fit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sktime.forecasting.base import BaseForecaster

__all__ = ["DartsRNNForecaster"]


class DartsRNNForecaster(BaseForecaster):
    """One global darts recurrent model for a panel (benchmark adapter).

    Parameters
    ----------
    model_class : {"RNNModel", "BlockRNNModel"}, default="RNNModel"
        ``RNNModel`` is darts' autoregressive RNN (one step ahead, fed back);
        ``BlockRNNModel`` encodes ``input_chunk_length`` points and emits
        ``output_chunk_length`` at once.
    model : {"GRU", "LSTM", "RNN"}, default="GRU"
    input_chunk_length : int, default=18
    training_length : int, default=36
        ``RNNModel`` only: length of the training sequences.
    output_chunk_length : int, default=18
        ``BlockRNNModel`` only.
    model_kwargs : dict or None
        Further keyword arguments of the darts model (``hidden_dim``,
        ``n_epochs``, ``batch_size``, ...); darts' defaults otherwise.
    random_state : int or None, default=None
        darts' ``random_state`` (torch and numpy seeds of the model).
    """

    _tags = {
        "y_inner_mtype": ["pd.DataFrame", "pd-multiindex"],
        "X_inner_mtype": ["pd.DataFrame", "pd-multiindex"],
        "scitype:y": "univariate",
        "capability:exogenous": False,
        "capability:missing_values": False,
        "capability:insample": False,
        "capability:pred_int": False,
        "requires-fh-in-fit": False,
        "python_dependencies": ["darts", "torch"],
    }

    def __init__(
        self,
        model_class="RNNModel",
        model="GRU",
        input_chunk_length=18,
        training_length=36,
        output_chunk_length=18,
        model_kwargs=None,
        random_state=None,
    ):
        self.model_class = model_class
        self.model = model
        self.input_chunk_length = input_chunk_length
        self.training_length = training_length
        self.output_chunk_length = output_chunk_length
        self.model_kwargs = model_kwargs
        self.random_state = random_state
        super().__init__()

    def _fit(self, y, X=None, fh=None):
        import darts.models
        from darts.dataprocessing.transformers import Scaler

        self._names, series = _to_darts(y)
        self._scaler = Scaler()  # min-max per series, fitted on y only
        scaled = self._scaler.fit_transform(series)
        kwargs = {
            "model": self.model,
            "input_chunk_length": self.input_chunk_length,
            "random_state": self.random_state,
            "pl_trainer_kwargs": {
                "accelerator": "cpu",
                "enable_progress_bar": False,
                "enable_model_summary": False,
                "logger": False,
            },
            **(self.model_kwargs or {}),
        }
        if self.model_class == "RNNModel":
            kwargs["training_length"] = self.training_length
        else:
            kwargs["output_chunk_length"] = self.output_chunk_length
        self._model = getattr(darts.models, self.model_class)(**kwargs)
        self._model.fit(scaled, verbose=False)
        return self

    def _predict(self, fh, X=None):
        steps = fh.to_relative(self.cutoff).to_numpy().astype(int)
        n = int(steps.max())
        # from the data seen so far (sktime keeps it in _y, update included)
        _, series = _to_darts(self._y)
        scaled = self._scaler.transform(series)
        forecasts = self._model.predict(n, series=scaled, verbose=False)
        forecasts = self._scaler.inverse_transform(forecasts)
        values = np.stack([f.values()[steps - 1, 0] for f in forecasts])  # (n, K)
        times = fh.to_absolute_index(self.cutoff)
        column = self._y.columns[0] if isinstance(self._y, pd.DataFrame) else 0
        if self._names is None:  # a single series
            return pd.DataFrame({column: values[0]}, index=times)
        index = pd.MultiIndex.from_product(
            [self._names, times], names=self._y.index.names
        )
        return pd.DataFrame({column: values.reshape(-1)}, index=index)


def _to_darts(y: pd.DataFrame):
    """Instance names (None for one series) and one darts TimeSeries each."""
    from darts import TimeSeries

    def one(frame):
        times = frame.index
        if isinstance(times, pd.PeriodIndex):
            times = times.to_timestamp()
        return TimeSeries.from_times_and_values(
            times, frame.to_numpy(dtype=np.float32), freq=times.freqstr
        )

    if not isinstance(y.index, pd.MultiIndex):
        return None, [one(y)]
    names = list(y.index.get_level_values(0).unique())
    return names, [one(y.xs(name, level=0)) for name in names]
