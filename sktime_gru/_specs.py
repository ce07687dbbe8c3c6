"""What the private modules get from the forecaster: the one place that reads it.

The steps of ``fit`` / ``predict`` / ``update`` take what they need as frozen
dataclasses, never the forecaster: its training parameters
(:class:`~sktime_gru._training.TrainingSpec`), the parameters of how a fit
starts (:class:`~sktime_gru._prologue.EncodingSpec`), what ``pretrain`` left
(:class:`~sktime_gru._prologue.Pretrained`) and the fitted state the predict
path reads (:class:`~sktime_gru._predicting.PredictState`). The functions
here make them from the forecaster (parameters, and fitted state under the
names ``save_model`` writes), once per call; so does :func:`fitted_encoding`
for the :class:`~sktime_gru._encoding.Encoding` of the saved state.

Attributes read with ``getattr`` and a default are those a forecaster
pickled or saved by an earlier version may lack: the default is the
behaviour of that version. Never imports the forecaster. No Keras.
"""

from __future__ import annotations

from dataclasses import fields

from sktime_gru._backbone import Backbone
from sktime_gru._encoding import Encoding
from sktime_gru._predicting import PredictState
from sktime_gru._prologue import EncodingSpec, Pretrained
from sktime_gru._training import TrainingSpec

__all__ = [
    "encoding_spec",
    "fitted_backbone",
    "fitted_encoding",
    "predict_state",
    "pretrained_state",
    "training_spec",
]


# parameters a forecaster pickled by an earlier version may lack: the
# behaviour of that version (no XLA, no strategy, no step budget, every
# window, one backtest cut, a level that persists)
_EARLIER = {
    "jit_compile": False,
    "strategy": None,
    "max_steps_per_epoch": None,
    "recent_windows": None,
    "backtest_origins": 1,
    "level_reversion": None,
}


def _parameters(spec, est) -> dict:
    """Return the forecaster's parameters named by the fields of dataclass ``spec``."""
    return {
        f.name: (
            getattr(est, f.name, _EARLIER[f.name])
            if f.name in _EARLIER
            else getattr(est, f.name)
        )
        for f in fields(spec)
    }


def training_spec(est) -> TrainingSpec:
    """Return the training parameters of forecaster ``est`` (a tuple of callbacks)."""
    params = _parameters(TrainingSpec, est)
    params["callbacks"] = tuple(est.callbacks) if est.callbacks else ()
    return TrainingSpec(**params)


def encoding_spec(est) -> EncodingSpec:
    """Return the parameters of how forecaster ``est``'s fits start."""
    return EncodingSpec(**_parameters(EncodingSpec, est))


def pretrained_state(est) -> Pretrained:
    """Return what ``est``'s pretraining left for the next fit."""
    return Pretrained(
        columns=est.pretrain_columns_,
        output_length=est.pretrain_output_length_,
        seasonal_period=est.seasonal_period_,
        deseasonalize=est.deseasonalize_,
        backbone=fitted_backbone(est),
        scaler=est.pretrain_scaler_,
    )


def predict_state(est) -> PredictState:
    """Return the predict state of the fitted forecaster ``est``."""
    return PredictState(
        window_length=est.window_length,
        run_eagerly=est.run_eagerly,
        network=est.network_,
        encoding=est._encoding,
        decoder_length=est.output_length_,
        departure_limit=getattr(est, "departure_limit_", None),
        grid=est._grid,
        cutoff=est.cutoff,
        series=est._series,
        instances=est.instances_,
        x_columns=est._x_columns,
        y_columns=est._y_columns,
        n_targets=est._n_targets,
        index_names=est._index_names,
        tail=est.tail_,
        last_positions=est.last_positions_,
        first_positions=getattr(est, "first_positions_", None),
        observed=getattr(est, "observed_", None),
        observed_offsets=getattr(est, "observed_offsets_", None),
    )


def fitted_backbone(est) -> Backbone | None:
    """Return the fitted backbone (``backbone_``), or None."""
    params = getattr(est, "backbone_", None)
    return None if params is None else Backbone(**params)


def fitted_encoding(est) -> Encoding:
    """Return the fitted encoding, from the fitted state that is saved."""
    return Encoding(
        scaler=est.scaler_,
        per_series=est.scaling == "per_series",
        n_targets=len(est._y_columns),
        step=est._grid.step,
        seasonal_period=est.seasonal_period_,
        profile=est.profile_,
        backbone=fitted_backbone(est),
        log=getattr(est, "log_series_", None),
    )
