"""GRU encoder-decoder forecaster: one global Keras network over all series.

Owns :class:`GRUEncoderDecoderForecaster`: its parameters and tags, sktime's
public API, the fitted state under the names ``save_model`` writes, and the
story of ``fit`` / ``predict`` / ``update`` / ``pretrain`` in the order things
happen. The steps are plain functions of the private modules, which never
import the forecaster and take what they need of it as frozen dataclasses
that ``_specs`` makes once per call (the one module that reads it):
training and update's fine-tuning (``_training``), the backtest and
calibration residuals (``_backtest``) and the ensemble (``_ensemble``) a
``TrainingSpec``; how a fit starts (``_prologue``) an ``EncodingSpec`` and
what ``pretrain`` left; the predict path (``_predicting``, running the
network: ``_inference``) and the y seen (``_residuals``) a
``PredictState``. Also: the rows of a call (``_data``), the fitted tails
(``_tails``), intervals (``_intervals``), checks (``_param_checks``,
``_validation``), rollback (``_atomic``), persistence (``_serialization``),
the class docstring (``_forecaster_doc``), the numpydoc of the public
methods (``_docs``) and the test parameter sets (``_test_params``).
"""

from __future__ import annotations

from copy import deepcopy

import numpy as np
import pandas as pd
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon

from sktime_gru._atomic import atomic
from sktime_gru._backbone import backbone_params
from sktime_gru._backend import python_dependencies, to_numpy
from sktime_gru._backtest import backtest_residuals, calibration_residuals
from sktime_gru._bounds import departure_limits, forecast_bounds
from sktime_gru._data import assemble, filled_raw, pad_short, scaled_rows
from sktime_gru._distribute import get_strategy
from sktime_gru._docs import (
    FIT,
    LOAD_MODEL,
    PREDICT,
    PREDICT_RESIDUALS,
    PRETRAIN,
    SAVE_MODEL,
    UPDATE,
    doc,
)
from sktime_gru._encoding import Encoding
from sktime_gru._ensemble import MEMBER_SEED_STRIDE, train_ensemble
from sktime_gru._forecaster_doc import FORECASTER
from sktime_gru._intervals import quantile_forecasts, variance_forecasts
from sktime_gru._panel import cutoff_with_freq, frame_from_forecasts
from sktime_gru._param_checks import check_params, check_strategy
from sktime_gru._predicting import (
    check_in_history_of,
    horizon_steps,
    point_forecasts,
)
from sktime_gru._progress import task
from sktime_gru._prologue import prologue
from sktime_gru._residuals import observed_y
from sktime_gru._seeding import resolve_seed
from sktime_gru._serialization import load_forecaster, save_forecaster
from sktime_gru._specs import (
    encoding_spec,
    fitted_encoding,
    predict_state,
    pretrained_state,
    training_spec,
)
from sktime_gru._tails import extend_observed, extend_tails
from sktime_gru._test_params import tiny_parameter_sets
from sktime_gru._training import (
    as_tensors,
    clone_network,
    fine_tune_on_tails,
    train_like,
)
from sktime_gru._validation import (
    InSampleHorizonError,
    check_horizon,
    check_not_forked,
    check_training_data,
    check_y,
    x_names,
)
from sktime_gru._windowing import tail_rows, training_windows

__all__ = ["GRUEncoderDecoderForecaster", "InSampleHorizonError"]

_MTYPES = ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"]


class GRUEncoderDecoderForecaster(BaseForecaster):  # noqa: D101 (its __doc__ below)
    __doc__ = FORECASTER  # parameters, attributes, notes: _forecaster_doc

    _tags = {
        # packaging info
        # --------------
        "authors": ["sktime-gru developers"],
        "maintainers": ["sktime-gru developers"],
        "python_version": ">=3.10",
        # the Keras backend in use when this module is imported (KERAS_BACKEND,
        # else keras.json, else TensorFlow): tensorflow or tensorflow-cpu, jax,
        # or torch; see sktime_gru._backend.python_dependencies
        "python_dependencies": python_dependencies(),
        # estimator type
        # --------------
        "y_inner_mtype": _MTYPES,
        "X_inner_mtype": _MTYPES,
        "capability:multivariate": True,
        "capability:exogenous": True,
        # X columns must be numeric: strings / categories are refused in fit
        "capability:categorical_in_X": False,
        # decoder steps between fh points need X too (recursive decoding)
        "capability:non_contiguous_X": False,
        "X-y-must-have-same-index": True,
        # in-sample: one step ahead from the window before each point
        "capability:insample": True,
        "capability:pred_int": True,
        "capability:pred_int:insample": True,
        "capability:missing_values": True,
        "capability:update": True,
        "capability:pretrain": True,
        "pretrain:fitted_params": [
            "pretrained_network_",
            "pretrain_scaler_",
            "pretrain_output_length_",
            "pretrain_columns_",
        ],
        "capability:random_state": True,
        "property:randomness": "derandomized",
        "requires-fh-in-fit": False,
        "fit_is_empty": False,
    }

    # keep no copy of y / X in the base class: predict and update use the
    # fitted tails (tail_), which is also what sktime >= 1.3 will default to
    _config = {"remember_data": False}

    # sktime's private state touched here, and why (all else goes through
    # its public API: fit / predict / update, cutoff, fh, get_config):
    # - _y, _X: set to None in __init__ when the base class did not create
    #   them (it does only when remember_data is on at construction), so that
    #   a later set_config(remember_data=True) works; predict_residuals()
    #   reads _y when remember_data is on, as sktime's own does.
    # - _fh: predict_residuals on a panel predicts at the times of y, which
    #   makes sktime store that fh; _fh is saved before and restored after,
    #   so the call leaves fh as it was, as sktime's predict_residuals does
    #   (read as _fh: the public fh raises while none is set).
    # - _cutoff: written in fit (_commit) and update: sktime sets it from the
    #   data's index, which for a date panel has no frequency, and predict
    #   needs the fitted grid's (cutoff_with_freq). Read as ``cutoff``.
    # - _get_columns: sktime's helper naming the columns of predict_quantiles
    #   and predict_var frames, so they are the ones sktime expects.
    # - _y_metadata, _converter_store_y: passed to _residuals.observed_y to give
    #   predict_residuals() the y seen back in the mtype fit got.

    def __init__(
        self,
        window_length: int = 12,
        output_length: int | None = None,
        units: int = 32,
        n_layers: int = 1,
        bidirectional: bool = True,
        dropout: float = 0.0,
        n_epochs: int = 10,
        batch_size: int = 32,
        max_steps_per_epoch: int | None = 50,
        recent_windows: int | None = None,
        optimizer="adam",
        learning_rate: float = 1e-3,
        loss="mse",
        validation_split: float | None = None,
        patience: int | None = None,
        scaling: str | None = "per_series",
        seasonal_period: int | str | None = "auto",
        deseasonalize: bool | str = "auto",
        harmonics: int | str | None = "auto",
        log_transform: bool | str = "auto",
        level_smoothing: float | str | None = "auto",
        trend_damping: float | str | None = "auto",
        level_reversion: float | str | None = "auto",
        update_epochs: int = 5,
        fine_tune_epochs: int = 0,
        ensemble_size: int = 3,
        interval_calibration: str = "backtest",
        backtest_origins: int = 1,
        callbacks: list | None = None,
        verbose: bool | int = False,
        random_state=None,
        run_eagerly: bool = False,
        jit_compile: bool | str = "auto",
        strategy: str | None = None,
    ):
        self.window_length = window_length
        self.output_length = output_length
        self.units = units
        self.n_layers = n_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.max_steps_per_epoch = max_steps_per_epoch
        self.recent_windows = recent_windows
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.validation_split = validation_split
        self.patience = patience
        self.scaling = scaling
        self.seasonal_period = seasonal_period
        self.deseasonalize = deseasonalize
        self.harmonics = harmonics
        self.log_transform = log_transform
        self.level_smoothing = level_smoothing
        self.trend_damping = trend_damping
        self.level_reversion = level_reversion
        self.update_epochs = update_epochs
        self.fine_tune_epochs = fine_tune_epochs
        self.ensemble_size = ensemble_size
        self.interval_calibration = interval_calibration
        self.backtest_origins = backtest_origins
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.run_eagerly = run_eagerly
        self.jit_compile = jit_compile
        self.strategy = strategy
        super().__init__()
        # the base class only creates these when remember_data is on at
        # construction; a later set_config(remember_data=True) needs them
        self._y = getattr(self, "_y", None)
        self._X = getattr(self, "_X", None)

    # ------------------------------------------------------------------ fit --
    @doc(FIT)
    def fit(self, y, X=None, fh=None):
        """Fit to training data, atomically (numpydoc: ``_docs.FIT``)."""
        check_training_data(y, X, fh, self.get_tag("capability:missing_values"))
        return self._atomic("fit", None, y=y, X=X, fh=fh)

    @doc(PRETRAIN)
    def pretrain(self, y, X=None, fh=None):
        """Pre-train on a panel, atomically (numpydoc: ``_docs.PRETRAIN``)."""
        check_training_data(y, X, fh, self.get_tag("capability:missing_values"))
        network = getattr(self, "pretrained_network_", None)
        return self._atomic("pretrain", network, y=y, X=X, fh=fh)

    def _atomic(self, method, network, **kwargs):
        """Run the base class' ``method`` as a task; on failure undo what it did.

        Restores the attributes and ``network``'s state (:func:`atomic`); the
        ``task`` named after ``method`` labels the progress lines.
        """
        base = super()
        with task(method):
            return atomic(self, lambda: getattr(base, method)(**kwargs), network)

    @doc(PREDICT)
    def predict(self, fh=None, X=None):
        """Forecast at ``fh`` (numpydoc: ``_docs.PREDICT``)."""
        check_not_forked()
        check_horizon(fh)
        if X is not None:
            check_y(X, "X", allow_missing=True)
        if fh is not None and self.is_fitted:
            from sktime.utils.validation.forecasting import check_fh

            # before sktime stores fh: a refused fh must not replace the last
            checked = check_fh(fh, freq=self.cutoff)
            check_in_history_of(predict_state(self), checked)
        return super().predict(fh=fh, X=X)

    @doc(PREDICT_RESIDUALS)
    def predict_residuals(self, y=None, X=None):
        """Residuals ``y - y_pred`` (numpydoc: ``_docs.PREDICT_RESIDUALS``)."""
        self.check_is_fitted()
        if y is None:
            remember = self.get_config()["remember_data"] and self._y is not None
            y = self._y if remember else self._observed_y()
        if not isinstance(getattr(y, "index", None), pd.MultiIndex):
            return super().predict_residuals(y=y, X=X)
        fh_before = deepcopy(self._fh)
        try:
            times = y.index.get_level_values(-1).unique().sort_values()
            fh = ForecastingHorizon(times, is_relative=False, freq=self.cutoff)
            if self._fh is not None and self.fh.is_relative:
                fh = fh.to_relative(self.cutoff)
            y_pred = self.predict(fh=fh, X=X)
        finally:
            self._fh = fh_before  # as sktime: no side effect on fh
        return y - y_pred.reindex(y.index)

    @doc(UPDATE)
    def update(self, y, X=None, update_params=True):
        """Move the cutoff, optionally fine-tune, atomically (``_docs.UPDATE``)."""
        check_not_forked()
        check_y(y, "y", allow_missing=self.get_tag("capability:missing_values"))
        if X is not None:
            check_y(X, "X", allow_missing=True)
        network = getattr(self, "network_", None) if update_params else None
        return self._atomic("update", network, y=y, X=X, update_params=update_params)

    def _fit(self, y, X=None, fh=None):
        check_strategy(self)
        # before TensorFlow runs anything (check_params' Keras checks do):
        # MultiWorkerMirroredStrategy can only be created then
        get_strategy(getattr(self, "strategy", None))
        check_params(self)
        if self._has_pretrained():
            return self._fit_pretrained(y, X, fh)
        data, decoder_length, encoding = self._prologue(y, X, fh)
        spec = training_spec(self)  # what the networks are built and trained with
        seed = resolve_seed(self.random_state)
        unpadded, data = data, pad_short(data, self.window_length, decoder_length)
        # encoding keeps NaN where it is (and adds none): the windows of the
        # raw values, so that data without a whole window fails before the
        # backtest network trains
        train, held_out = self._split_windows(data, filled_raw(data), decoder_length)
        # the backtest first: its arrays are freed before the members' are made
        backtest, weight, weights = None, 1.0, [1.0]
        if self.interval_calibration == "backtest":
            backtest_seed = seed + MEMBER_SEED_STRIDE * self.ensemble_size
            backtest, weight, weights = backtest_residuals(
                spec, data, encoding, decoder_length, backtest_seed
            )
        scaled = scaled_rows(encoding, data)  # -> (R, F)
        shared = as_tensors(scaled, train, held_out)  # one copy for all members
        # from here on read the tensors' memory (views): no second copy
        scaled, train, held_out = (to_numpy(t) for t in shared)
        network, history = train_ensemble(
            spec, encoding, shared, decoder_length, seed, weight
        )
        if backtest is not None:
            residuals, calibration = backtest, "backtest"
        else:
            # windows not trained on, if there are any
            calibration = "held-out" if len(held_out) else "training"
            residuals = calibration_residuals(
                spec, network, scaled, train, held_out, decoder_length,
                encoding.backbone, data.panel.offsets,
            )  # fmt: skip

        # commit fitted state only once everything has succeeded
        self.departure_limit_ = departure_limits(
            scaled[:, : encoding.n_targets], data.panel.offsets
        )
        self.seasonal_period_ = encoding.seasonal_period
        self.deseasonalize_ = encoding.deseasonalized
        self.backbone_ = backbone_params(encoding.backbone)
        self.departure_weight_ = float(weight)
        self.backtest_weights_ = [float(w) for w in weights]
        return self._commit(
            unpadded, encoding, network, history, seed, decoder_length,
            (train, held_out), (residuals, calibration),
        )  # fmt: skip

    def _predict(self, fh, X=None):
        state = predict_state(self)
        steps = horizon_steps(state, fh)  # -> (n, K)
        point = point_forecasts(state, steps, X)  # -> (n, K, T), scaled
        values = state.encoding.decode(point, self._series, self._bounds(state, steps))
        return self._to_frame(values, fh)

    def _predict_quantiles(self, fh, X, alpha):
        state = predict_state(self)
        steps = horizon_steps(state, fh)
        point = point_forecasts(state, steps, X)  # -> (n, K, T), scaled
        values = quantile_forecasts(
            state.encoding, self._series, point, self.residuals_, alpha, steps,
            self._bounds(state, steps, widen=2.0),
        )  # fmt: skip
        columns = self._get_columns(method="predict_quantiles", alpha=alpha)
        return self._to_frame(values, fh, columns)  # (n, K, T * A)

    def _predict_var(self, fh, X=None, cov=False):
        if cov:
            raise NotImplementedError(
                "predict_var(cov=True) is not supported by "
                "GRUEncoderDecoderForecaster; use cov=False"
            )
        state = predict_state(self)
        steps = horizon_steps(state, fh)
        encoding = state.encoding
        # logged series: the delta method needs the point forecast
        point = point_forecasts(state, steps, X) if encoding.log is not None else 0.0
        variance = variance_forecasts(
            encoding,
            state.series,
            self.residuals_,
            steps,
            point,
            self._bounds(state, steps),
        )
        columns = self._get_columns(method="predict_var")
        return self._to_frame(variance, fh, columns)

    # --------------------------------------------------------------- update --
    def _update(self, y, X=None, update_params=True):
        self._cutoff = cutoff_with_freq(self._cutoff, self._grid)  # as in fit
        x_columns = getattr(self, "_x_columns", None)
        new = assemble(y, X, grid=self._grid, x_columns=x_columns, for_update=True)
        tails, last = extend_tails(
            self.tail_,
            self.last_positions_,
            new,
            y_columns=self._y_columns,
            instances=self.instances_,
            step=self._grid.step,
        )
        # a backtest that kept none of the network's departure from the
        # backbone (departure_weight_ 0) left nothing to fine-tune
        keeps_network = getattr(self, "departure_weight_", 1.0) > 0
        if update_params and self.update_epochs > 0 and keeps_network:
            get_strategy(getattr(self, "strategy", None))
            fine_tune_on_tails(
                training_spec(self), self.network_, self._encoding, tails, last,
                fitted_last=self.last_positions_, series=self._series,
                step=self._grid.step, decoder_length=self.output_length_,
                seed=self.seed_ + 1, epochs=self.update_epochs,
            )  # fmt: skip
        if getattr(self, "observed_", None) is not None:
            self.observed_, self.observed_offsets_ = extend_observed(
                self.observed_,
                self.observed_offsets_,
                self.last_positions_,
                new,
                instances=self.instances_,
            )
        self.tail_ = tails[:, -self._tail_length :]
        self.last_positions_ = last
        return self

    # ------------------------------------------------------------- pretrain --
    def _pretrain(self, y, X=None, fh=None):
        """Train the network on a panel; a later ``fit`` starts from it."""
        self._fit(y, X=X, fh=fh)
        self.pretrained_network_ = self.network_
        self.pretrain_scaler_ = self.scaler_
        self.pretrain_output_length_ = self.output_length_
        self.pretrain_columns_ = (list(self._y_columns), x_names(self._x_columns))
        return self

    def _pretrain_update(self, y, X=None, fh=None):
        """Continue training the pretrained network on more panel data."""
        data, decoder_length, encoding = self._prologue(y, X, fh, pretrained=True)
        data = pad_short(data, self.window_length, decoder_length)
        scaled = scaled_rows(encoding, data)
        train, held_out = self._split_windows(data, scaled, decoder_length)
        network, seed = self.pretrained_network_, self.seed_ + 2
        train_like(
            training_spec(self), network, scaled, train, held_out, decoder_length,
            seed, self.n_epochs, stage="pretrained network",
        )  # fmt: skip
        return self

    def _has_pretrained(self) -> bool:
        return self.state == "pretrained" and hasattr(self, "pretrained_network_")

    def _fit_pretrained(self, y, X, fh):
        """Fit on new series starting from the pretrained network (fine-tuning)."""
        # series only need one input window: the network is already trained
        data, decoder_length, encoding = self._prologue(
            y, X, fh, pretrained=True, whole_windows=False
        )
        spec = training_spec(self)
        network = clone_network(self.pretrained_network_, spec)
        seed = resolve_seed(self.random_state)
        padded = pad_short(data, self.window_length, decoder_length)
        scaled = scaled_rows(encoding, padded)
        train, held_out = self._split_windows(
            padded, scaled, decoder_length, require=False
        )
        history, epochs = {}, self.fine_tune_epochs
        if epochs and len(train):
            inputs = (scaled, train, held_out)
            history = train_like(
                spec, network, *inputs, decoder_length, seed, epochs,
                stage="fine-tuning the pretrained network",
            )  # fmt: skip
        residuals = calibration_residuals(
            spec, network, scaled, train, held_out, decoder_length,
            encoding.backbone, padded.panel.offsets,
        )  # fmt: skip
        if residuals is not None:
            calibration = "new series" if not self.fine_tune_epochs else "held-out"
        else:
            residuals, calibration = self.residuals_, "pretrain"
        self.departure_limit_ = departure_limits(
            scaled[:, : encoding.n_targets], padded.panel.offsets
        )
        return self._commit(
            data, encoding, network, history, seed, decoder_length,
            (train, held_out), (residuals, calibration),
        )  # fmt: skip

    def _commit(
        self, data, encoding, network, history, seed, decoder_length, windows,
        calibrated,
    ):  # fmt: skip
        """Set the fitted state of ``fit`` (called once everything succeeded).

        ``windows`` is ``(train, held_out)``, the window starts; ``calibrated``
        ``(residuals, calibration)``: the interval residuals and the name of
        where they come from (``calibration_``).
        """
        residuals, calibration = calibrated
        self.network_ = network
        self.output_length_ = decoder_length
        self.scaler_ = encoding.scaler
        self.profile_ = encoding.profile
        self.log_series_ = encoding.log
        self.history_ = history
        self.n_windows_ = len(windows[0]) + len(windows[1])
        self.seed_ = seed
        self.residuals_ = residuals
        self.calibration_ = calibration
        # what predict and update need: the last observations of each series
        panel = data.panel
        # rows before a short series' start are NaN (pretrained fits only)
        tail = tail_rows(data.raw, panel.offsets, self._tail_length)
        self.tail_ = tail  # -> (n, L, C + Fx), unscaled
        # what in-sample forecasts read: every row, flat (R, C + Fx), unscaled
        self.observed_ = data.raw
        self.observed_offsets_ = panel.offsets
        self.last_positions_ = panel.positions[panel.offsets[1:] - 1]
        self.first_positions_ = panel.positions[panel.offsets[:-1]]
        self.instances_ = panel.instances
        self._grid = panel.grid
        # a date panel's cutoff has no frequency: predict needs the grid's
        self._cutoff = cutoff_with_freq(self._cutoff, panel.grid)
        self._y_columns = panel.columns
        self._x_columns = None if data.x_names is None else pd.Index(data.x_names)
        self._index_names = panel.index_names
        return self

    def _prologue(self, y, X, fh, pretrained=False, whole_windows=True):
        """How every fit starts (:func:`prologue`), with this forecaster's settings."""
        return prologue(
            encoding_spec(self), y, X, fh, cutoff=self.cutoff,
            x_columns=getattr(self, "_x_columns", None),
            pretrained=pretrained_state(self) if pretrained else None,
            whole_windows=whole_windows,
        )  # fmt: skip

    # ---------------------------------------------------------- fitted state --
    @property
    def _encoding(self) -> Encoding:
        """The fitted encoding, from the fitted state that is saved."""
        return fitted_encoding(self)

    @property
    def _series(self) -> np.ndarray:
        """Series numbers of the fitted series as a column, shape (n, 1)."""
        return np.arange(len(self.tail_))[:, None]

    @property
    def _n_targets(self) -> int:
        return len(self._y_columns)

    @property
    def _tail_length(self) -> int:
        return self.window_length + self.output_length_ - 1

    def _split_windows(self, data, values, decoder_length, require=True):
        """Training and held-out window starts of ``data`` without NaN."""
        return training_windows(
            data.panel.offsets,
            values,
            self.window_length,
            decoder_length,
            self.validation_split,
            require=require,
            recent=getattr(self, "recent_windows", None),
        )

    # ------------------------------------------------------------- predict --
    def _observed_y(self):
        """Return the y of ``fit`` and ``update`` as a frame of the type ``fit`` got."""
        mtype, store = self._y_metadata["mtype"], self._converter_store_y
        return observed_y(predict_state(self), mtype, store)

    @staticmethod
    def _bounds(state, steps: np.ndarray, widen=1.0):
        """Return the range no forecast at ``steps`` (n, K) may leave.

        ``state``: the call's :class:`~sktime_gru._predicting.PredictState`.
        """
        observed, offsets = state.observed, state.observed_offsets
        if observed is None:  # saved by a version that kept only the tails
            n, length, n_columns = state.tail.shape
            observed = state.tail.reshape(n * length, n_columns)
            offsets = np.arange(n + 1) * length
        return forecast_bounds(
            state.encoding, observed, offsets, steps, state.window_length, widen
        )

    def _to_frame(self, values: np.ndarray, fh, columns=None) -> pd.DataFrame:
        """Frame of (n, K, columns) values at the absolute times of ``fh``."""
        fh_times = fh.to_absolute_index(self.cutoff)
        columns = self._y_columns if columns is None else columns
        return frame_from_forecasts(
            values, fh_times, self.instances_, columns, self._index_names
        )

    # ---------------------------------------------------------- persistence --
    @doc(SAVE_MODEL)
    def save_model(self, path, overwrite: bool = False) -> None:
        """Save without pickle (numpydoc: ``_docs.SAVE_MODEL``)."""
        save_forecaster(self, path, overwrite=overwrite)

    @classmethod
    @doc(LOAD_MODEL)
    def load_model(cls, path):
        """Load a saved forecaster (numpydoc: ``_docs.LOAD_MODEL``)."""
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
            Two sets (:mod:`sktime_gru._test_params`): unidirectional with a
            fixed decoder length, per-series scaling and a calendar; and a
            bidirectional averaged ensemble with global scaling, a validation
            split, early stopping, window-calibrated intervals and fixed
            backbone components.
        """
        return tiny_parameter_sets()
