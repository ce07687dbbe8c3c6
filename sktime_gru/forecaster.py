"""GRU encoder-decoder forecaster: one global Keras network over all series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon

from sktime_gru._panel import Panel, frame_from_forecasts, panel_from_frame
from sktime_gru._scaling import MinMaxStats, fit_minmax
from sktime_gru._seeding import resolve_seed
from sktime_gru._validation import check_params
from sktime_gru._windowing import split_train_validation, window_starts

__all__ = ["GRUEncoderDecoderForecaster", "InSampleHorizonError"]

_MTYPES = ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"]


class GRUEncoderDecoderForecaster(BaseForecaster):
    """Global bidirectional GRU encoder-decoder forecaster (Keras, TensorFlow).

    Every series of a panel is cut into windows of ``window_length`` input steps
    and ``output_length`` target steps, scaled with statistics of the training
    data only, and ONE network is trained on the windows of all series:
    ``GRU encoder -> RepeatVector -> GRU decoder -> TimeDistributed(Dense)``,
    each GRU wrapped in ``Bidirectional`` by default. ``predict`` feeds the last
    ``window_length`` observations of every series to the network; horizons
    beyond ``output_length`` are reached by feeding the network its own
    forecasts (recursive decoding).

    Parameters
    ----------
    window_length : int, default=18
        Input (encoder) length in time steps.
    output_length : int or None, default=None
        Decoder steps the network forecasts at once. ``None``: the largest step
        of the ``fh`` given to ``fit``, or ``window_length`` when ``fit`` gets no
        ``fh``. Longer horizons are forecast recursively.
    units : int, default=32
        GRU units per layer and direction.
    n_layers : int, default=1
        GRU layers stacked in the encoder and in the decoder.
    bidirectional : bool, default=True
        Wrap each GRU in ``keras.layers.Bidirectional``.
    dropout : float in [0, 1), default=0.0
        Input dropout of every GRU layer (keeps the cuDNN kernel eligible).
    epochs : int, default=50
        Training epochs (upper bound when early stopping is on).
    batch_size : int, default=32
        Windows per gradient step.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        Optimizer name, or an instance whose config is copied for every fit.
    learning_rate : float, default=1e-3
        Learning rate, used when ``optimizer`` is a name.
    loss : str or callable, default="mse"
        Keras loss, on the scaled values.
    validation_split : float in [0, 1) or None, default=None
        Fraction of the latest windows of every series held out to monitor
        ``val_loss``; training windows whose targets overlap the held-out
        targets are dropped, so nothing held out is trained on.
    patience : int or None, default=None
        Early stopping on ``val_loss`` after ``patience`` epochs without
        improvement, restoring the best weights. ``None``: off. Needs
        ``validation_split``.
    scaling : {"global", "per_series", None}, default="global"
        Min-max scaling to (-1, 1): one scaler per column for all series (as in
        the reference tutorial), one per series and column, or none.
    update_epochs : int, default=5
        Fine-tuning epochs when ``update(..., update_params=True)`` is called;
        the network is trained further on the windows that include the new data.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for training.
    verbose : int, default=0
        Keras verbosity; 1 shows the progress bar.
    random_state : int, RandomState or None, default=None
        Seeds weights, dropout and the window order. The same int gives the same
        forecasts on CPU. Global Python, NumPy and TensorFlow random state is
        never touched.
    run_eagerly : bool, default=False
        Run the Keras train step eagerly instead of as a traced graph: slower per
        step, but no tracing cost per fit; for tiny models and tests.

    Attributes
    ----------
    network_ : keras.Model
        The trained network, input ``(batch, window_length, n_columns)``,
        output ``(batch, output_length_, n_columns)``.
    output_length_ : int
        Resolved decoder length.
    scaler_ : MinMaxStats
        Training min / max per group (1 or n_series) and column.
    history_ : dict
        Keras training history (``loss`` and, with validation, ``val_loss``).
    instances_ : pd.Index or None
        Instance labels of the fitted panel (None for a single series).
    y_tail_ : np.ndarray, shape (n_series, L, n_columns)
        with ``L = window_length + output_length_ - 1``.
        Last observations of every series, unscaled: the inputs of ``predict``
        and ``update``.
    last_positions_ : np.ndarray of int, shape (n_series,)
        Grid position of the last observation of every series.
    n_windows_ : int
        Number of training windows.

    Raises
    ------
    ValueError
        In ``fit``: invalid parameters, series shorter than
        ``window_length + output_length``, irregular or duplicated time points.
        In ``predict``: in-sample forecasting horizons.

    See Also
    --------
    sktime.forecasting.naive.NaiveForecaster : seasonal baselines.

    Notes
    -----
    Recursive decoding for horizons beyond ``output_length`` feeds forecasts
    back as inputs; errors can compound, so set ``output_length`` (or pass the
    full ``fh`` to ``fit``) to cover the horizon you need.

    The network is always built in ``fit`` from the shapes of the data; no
    TensorFlow is imported before ``fit`` or ``predict`` is called.

    Examples
    --------
    >>> from sktime_gru import GRUEncoderDecoderForecaster
    >>> from sktime_gru.datasets import load_weather_au
    >>> y = load_weather_au()
    >>> forecaster = GRUEncoderDecoderForecaster(epochs=2, random_state=0)
    >>> forecaster.fit(y, fh=range(1, 19))  # doctest: +SKIP
    >>> y_pred = forecaster.predict()  # doctest: +SKIP
    """

    _tags = {
        # packaging info
        # --------------
        "authors": ["sktime-gru developers"],
        "maintainers": ["sktime-gru developers"],
        "python_version": ">=3.10",
        "python_dependencies": [["tensorflow", "tensorflow-cpu"], "keras>=3"],
        # estimator type
        # --------------
        "y_inner_mtype": _MTYPES,
        "X_inner_mtype": _MTYPES,
        "capability:multivariate": True,
        "capability:exogenous": False,
        "capability:insample": False,
        "capability:pred_int": False,
        "capability:missing_values": False,
        "capability:update": True,
        "capability:random_state": True,
        "property:randomness": "derandomized",
        "requires-fh-in-fit": False,
        "fit_is_empty": False,
    }

    # keep no copy of y / X in the base class: predict and update use the
    # fitted tails (y_tail_), which is also what sktime >= 1.3 will default to
    _config = {"remember_data": False}

    def __init__(
        self,
        window_length: int = 18,
        output_length: int | None = None,
        units: int = 32,
        n_layers: int = 1,
        bidirectional: bool = True,
        dropout: float = 0.0,
        epochs: int = 50,
        batch_size: int = 32,
        optimizer="adam",
        learning_rate: float = 1e-3,
        loss="mse",
        validation_split: float | None = None,
        patience: int | None = None,
        scaling: str | None = "global",
        update_epochs: int = 5,
        callbacks: list | None = None,
        verbose: int = 0,
        random_state=None,
        run_eagerly: bool = False,
    ):
        self.window_length = window_length
        self.output_length = output_length
        self.units = units
        self.n_layers = n_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.validation_split = validation_split
        self.patience = patience
        self.scaling = scaling
        self.update_epochs = update_epochs
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.run_eagerly = run_eagerly
        super().__init__()
        # the base class only creates these when remember_data is on at
        # construction; a later set_config(remember_data=True) needs them
        self._y = getattr(self, "_y", None)
        self._X = getattr(self, "_X", None)

    # ------------------------------------------------------------------ fit --
    def fit(self, y, X=None, fh=None):
        """Fit the forecaster to training data; atomic on failure.

        Same contract as :meth:`sktime.forecasting.base.BaseForecaster.fit`. If
        fitting raises (or is interrupted), the forecaster is restored to the
        state it had before the call: a fitted one keeps predicting as before.
        """
        snapshot = {k: _shallow(v) for k, v in self.__dict__.items()}
        try:
            return super().fit(y, X=X, fh=fh)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(snapshot)
            raise

    def predict(self, fh=None, X=None):
        """Forecast time series at future horizon.

        Same contract as :meth:`sktime.forecasting.base.BaseForecaster.predict`;
        an in-sample ``fh`` raises :class:`InSampleHorizonError` that names the
        offending steps.
        """
        if fh is not None and self.is_fitted:
            from sktime.utils.validation.forecasting import check_fh

            self._fh_steps(check_fh(fh, freq=self._cutoff))
        return super().predict(fh=fh, X=X)

    def _fit(self, y, X=None, fh=None):
        check_params(self)
        panel = panel_from_frame(y)
        if fh is not None:
            self._fh_steps(fh)
        horizon = self._resolve_output_length(fh)
        window = self.window_length
        _check_long_enough(panel, window, horizon)

        scaler = self._fit_scaler(panel)
        scaled = self._scale(panel.values, panel, scaler)
        seed = resolve_seed(self.random_state)
        starts = window_starts(panel.offsets, window, horizon)
        train_starts, val_starts = starts, None
        if self.validation_split:
            train_starts, val_starts = split_train_validation(
                panel.offsets, starts, horizon, self.validation_split
            )
            if not len(train_starts):
                raise ValueError(
                    f"validation_split={self.validation_split} leaves no training "
                    "window once the held-out windows and their overlap are "
                    "removed: use a smaller validation_split, a shorter "
                    "window_length, or longer series"
                )

        network = self._build(
            n_columns=panel.values.shape[1], horizon=horizon, seed=seed
        )
        history = self._train(
            network, scaled, train_starts, val_starts, horizon, seed, self.epochs
        )

        # commit fitted state only once training has succeeded
        self.network_ = network
        self.output_length_ = horizon
        self.scaler_ = scaler
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.items()}
        self.n_windows_ = len(starts)
        self.seed_ = seed
        self._remember_tails(panel)
        return self

    # -------------------------------------------------------------- predict --
    def _predict(self, fh, X=None):
        steps = self._steps_ahead(fh)  # -> (n, K)
        horizon = self.output_length_
        window = self.window_length
        groups = self._groups()
        inputs = self._scale(self.y_tail_[:, -window:], None, self.scaler_, groups)
        rounds = math.ceil(int(steps.max()) / horizon)
        outputs = []
        for _ in range(rounds):
            out = self._predict_scaled(inputs)  # -> (n, H, C)
            outputs.append(out)
            # recursive decoding: the forecasts become the newest inputs
            inputs = np.concatenate([inputs, out], axis=1)[:, -window:]
        path = np.concatenate(outputs, axis=1)  # -> (n, rounds * H, C)
        picked = np.take_along_axis(path, (steps - 1)[:, :, None], axis=1)  # (n, K, C)
        forecasts = self.scaler_.inverse_transform(picked, groups[:, None])
        fh_times = fh.to_absolute_index(self.cutoff)
        return frame_from_forecasts(
            forecasts,
            fh_times,
            self.instances_,
            self._y_columns,
            self._index_names,
        )

    # --------------------------------------------------------------- update --
    def _update(self, y, X=None, update_params=True):
        new = panel_from_frame(y, grid=self._grid)
        tails, last = self._extend_tails(new)
        if update_params and self.update_epochs > 0:
            self._fine_tune(tails)
        self.y_tail_ = tails[:, -self._tail_length :]
        self.last_positions_ = last
        return self

    # -------------------------------------------------------------- helpers --
    def _resolve_output_length(self, fh) -> int:
        if self.output_length is not None:
            return int(self.output_length)
        if fh is None:
            return int(self.window_length)
        return int(self._fh_steps(fh).max())

    def _fh_steps(self, fh) -> np.ndarray:
        """Return the steps of ``fh`` after the cutoff; raise for in-sample steps."""
        steps = np.asarray(fh.to_relative(self.cutoff), dtype=np.int64)
        _check_out_of_sample(steps)
        return steps

    def _fit_scaler(self, panel: Panel) -> MinMaxStats:
        n_cols = panel.values.shape[1]
        if self.scaling is None:
            zeros = np.zeros((1, n_cols))
            # identity: scale 1, shift 0 (feature range equal to the data range)
            return MinMaxStats(zeros - 1.0, zeros + 1.0, (-1.0, 1.0))
        if self.scaling == "global":
            groups = np.zeros(len(panel.values), dtype=np.int64)
            return fit_minmax(panel.values, groups, 1)
        return fit_minmax(panel.values, panel.series_of_rows(), panel.n_series)

    def _scale(self, values, panel, scaler, groups=None) -> np.ndarray:
        if groups is None:
            groups = (
                panel.series_of_rows()
                if self.scaling == "per_series"
                else np.zeros(len(values), dtype=np.int64)
            )
        else:
            groups = groups[:, None]
        return scaler.transform(values, groups).astype(np.float32)

    def _groups(self) -> np.ndarray:
        n = self.y_tail_.shape[0]
        if self.scaling == "per_series":
            return np.arange(n)
        return np.zeros(n, dtype=np.int64)

    def _build(self, n_columns, horizon, seed):
        from sktime_gru._network import build_network
        from sktime_gru._training import compile_network, import_keras

        import_keras()
        network = build_network(
            window_length=self.window_length,
            n_features=n_columns,
            output_length=horizon,
            n_targets=n_columns,
            units=self.units,
            n_layers=self.n_layers,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            seed=seed,
        )
        return compile_network(
            network,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            loss=self.loss,
            run_eagerly=self.run_eagerly,
        )

    def _train(self, network, scaled, train_starts, val_starts, horizon, seed, epochs):
        from sktime_gru._training import train_network

        if epochs == 0:
            return {}
        history = train_network(
            network,
            scaled,
            train_starts,
            val_starts,
            window=self.window_length,
            horizon=horizon,
            n_targets=scaled.shape[1],
            batch_size=self.batch_size,
            epochs=epochs,
            seed=seed,
            patience=self.patience,
            callbacks=list(self.callbacks) if self.callbacks else None,
            verbose=self.verbose,
        )
        return history.history

    def _predict_scaled(self, inputs: np.ndarray) -> np.ndarray:
        from sktime_gru._training import predict_network

        return predict_network(self.network_, inputs)

    @property
    def _tail_length(self) -> int:
        return self.window_length + self.output_length_ - 1

    def _remember_tails(self, panel: Panel) -> None:
        length = self.window_length + self.output_length_ - 1
        idx = panel.offsets[1:, None] - length + np.arange(length)  # -> (n, L)
        self.y_tail_ = panel.values[idx]  # -> (n, L, C)
        self.last_positions_ = panel.positions[panel.offsets[1:] - 1]
        self.instances_ = panel.instances
        self._grid = panel.grid
        self._y_columns = panel.columns
        self._index_names = panel.index_names

    def _steps_ahead(self, fh: ForecastingHorizon) -> np.ndarray:
        """Return steps ahead of each series' own last observation, shape (n, K)."""
        fh_times = fh.to_absolute_index(self.cutoff)
        target = self._grid.positions(fh_times)  # -> (K,)
        cutoff_pos = self._grid.positions(pd.Index(self.cutoff))[0]
        _check_out_of_sample(target - cutoff_pos)
        delta = target[None, :] - self.last_positions_[:, None]  # -> (n, K)
        return delta // self._grid.step

    def _extend_tails(self, new: Panel) -> tuple[np.ndarray, np.ndarray]:
        """Append the rows of ``new`` after each fitted series' tail."""
        if list(new.columns) != list(self._y_columns):
            raise ValueError(
                f"update got columns {list(new.columns)}, but the forecaster was "
                f"fitted on {list(self._y_columns)}"
            )
        if self.instances_ is None:
            which = np.zeros(new.n_series, dtype=np.int64)
        else:
            which = self.instances_.get_indexer(new.instances)
            if (which < 0).any():
                unseen = list(new.instances[which < 0][:5])
                raise ValueError(
                    f"update got instances not seen in fit: {unseen}; fit the "
                    "forecaster on a panel that contains them"
                )
        step = self._grid.step
        tails = [row for row in self.y_tail_]
        last = self.last_positions_.copy()
        for j, i in enumerate(which):
            rows = slice(new.offsets[j], new.offsets[j + 1])
            pos = new.positions[rows]
            keep = pos > last[i]
            if not keep.any():
                continue
            first = pos[keep][0]
            if first != last[i] + step:
                raise ValueError(
                    f"update data for {new.label(j)} starts at "
                    f"{new.times[rows][keep][0]}, leaving a gap after the last "
                    "observation seen; pass the missing time points too"
                )
            tails[i] = np.concatenate([tails[i], new.values[rows][keep]])
            last[i] = pos[keep][-1]
        length = max(len(t) for t in tails)
        padded = np.full((len(tails), length, self.y_tail_.shape[2]), np.nan)
        for i, tail in enumerate(tails):
            padded[i, length - len(tail) :] = tail
        return padded, last

    def _fine_tune(self, tails: np.ndarray) -> None:
        """Train the fitted network further on windows that contain new data."""
        horizon, window = self.output_length_, self.window_length
        n, length, _ = tails.shape
        # windows ending in the old tail were seen in fit: keep only newer ones
        old_len = self.y_tail_.shape[1]
        flat, starts = [], []
        offset = 0
        for i in range(n):
            series = tails[i][~np.isnan(tails[i]).any(axis=1)]
            n_new = len(series) - old_len
            count = len(series) - window - horizon + 1
            first_new = max(count - n_new, 0)
            starts.extend(offset + np.arange(first_new, max(count, 0)))
            flat.append(series)
            offset += len(series)
        if not starts:
            return
        values = np.concatenate(flat)
        groups = np.concatenate(
            [np.full(len(s), g) for s, g in zip(flat, self._groups())]
        )
        scaled = self.scaler_.transform(values, groups).astype(np.float32)
        self._train(
            self.network_,
            scaled,
            np.asarray(starts, dtype=np.int64),
            None,
            horizon,
            self.seed_ + 1,
            self.update_epochs,
        )

    # ---------------------------------------------------------- persistence --
    def save_model(self, path) -> None:
        """Save the fitted forecaster without pickle: JSON state + ``.keras`` network.

        Parameters
        ----------
        path : str or os.PathLike
            Destination (see :func:`sktime_gru._serialization.save_forecaster`).
        """
        from sktime_gru._serialization import save_forecaster

        save_forecaster(self, path)

    @classmethod
    def load_model(cls, path):
        """Load a forecaster saved by :meth:`save_model`; executes no code from it.

        Parameters
        ----------
        path : str or os.PathLike

        Returns
        -------
        GRUEncoderDecoderForecaster
            Fitted, predicting exactly as the saved one.
        """
        from sktime_gru._serialization import load_forecaster

        return load_forecaster(cls, path)

    # ---------------------------------------------------------- test params --
    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Return tiny parameter sets that run in seconds.

        Parameters
        ----------
        parameter_set : str, default="default"

        Returns
        -------
        list of dict
        """
        tiny = {
            "units": 2,
            "epochs": 1,
            "batch_size": 64,
            "random_state": 0,
            "run_eagerly": True,
        }
        return [
            # unidirectional, fixed decoder length, per-series scaling
            {
                **tiny,
                "window_length": 3,
                "output_length": 2,
                "bidirectional": False,
                "scaling": "per_series",
            },
            # bidirectional, global scaling, validation split, early stopping
            {
                **tiny,
                "window_length": 2,
                "output_length": 1,
                "validation_split": 0.3,
                "patience": 1,
                "epochs": 2,
                "update_epochs": 1,
            },
        ]


def _shallow(value):
    """Copy containers so that a failed fit cannot leave them half-changed."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


class InSampleHorizonError(NotImplementedError, ValueError):
    """The forecasting horizon asks for in-sample forecasts, which are not supported.

    A ``NotImplementedError`` as sktime's contract for ``capability:insample=False``
    requires, and a ``ValueError`` since the value of ``fh`` is the problem.
    """


def _check_out_of_sample(steps: np.ndarray) -> None:
    steps = np.asarray(steps)
    if (steps <= 0).any():
        bad = sorted(set(steps[steps <= 0].tolist()))
        raise InSampleHorizonError(
            f"fh contains in-sample steps {bad} (at or before the cutoff), but "
            "GRUEncoderDecoderForecaster only forecasts after the cutoff "
            "(capability:insample is False): pass out-of-sample steps such as "
            "fh=[1, 2, 3]"
        )


def _check_long_enough(panel: Panel, window: int, horizon: int) -> None:
    need = window + horizon
    short = np.flatnonzero(panel.lengths < need)
    if short.size:
        i = int(short[0])
        more = f" (and {short.size - 1} more)" if short.size > 1 else ""
        raise ValueError(
            f"{panel.label(i)} has {int(panel.lengths[i])} time points, fewer "
            f"than window_length + output_length = {window} + {horizon} = {need} "
            f"needed for one training window{more}: use a shorter window_length "
            "or output_length, or drop the short series"
        )
