"""Parameter checks of the forecaster, in one place.

Each rule names the parameter, the value received and what is required, so
that a wrong setting fails at the start of ``fit`` with a message a user can
act on, never deep inside sktime's converters or Keras. The checks of the
data a call gets are :mod:`sktime_gru._validation`.
"""

from __future__ import annotations

import numbers

import numpy as np

from sktime_gru._backend import configured_backend
from sktime_gru._distribute import STRATEGIES

__all__ = ["InvalidParameterError", "check_params", "check_strategy"]


class InvalidParameterError(ValueError, TypeError):
    """A hyper-parameter has an invalid value or type.

    Both a ``ValueError`` and a ``TypeError`` (as scikit-learn's
    ``InvalidParameterError``), so callers may catch either.
    """


_SCALINGS = ("global", "per_series", None)


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _int(name, value, low, allow_none=False):
    if value is None and allow_none:
        return
    if not _is_int(value) or value < low:
        need = f"an integer >= {low}" + (" or None" if allow_none else "")
        # a bool is an int to Python, but True as "units" is a mistake
        kind = f" (a {type(value).__name__})" if not _is_int(value) else ""
        raise InvalidParameterError(f"{name} must be {need}, got {value!r}{kind}")


def _real(
    name,
    value,
    low,
    high,
    low_open=False,
    high_open=True,
    allow_none=False,
    allow_auto=False,
):
    if (value is None and allow_none) or (allow_auto and _is_auto(value)):
        return
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and np.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (
            value < high if high_open else value <= high
        )
    if not ok:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        auto = ", 'auto'" if allow_auto else ""
        none = " or None" if allow_none else ""
        raise InvalidParameterError(
            f"{name} must be a number in {lo}{low}, {high}{hi}{auto}{none}, "
            f"got {value!r}"
        )


def _is_auto(value) -> bool:
    return isinstance(value, str) and value == "auto"


def check_params(est) -> None:
    """Validate the hyper-parameters of a ``GRUEncoderDecoderForecaster``.

    Raises
    ------
    InvalidParameterError
        A ``ValueError`` and ``TypeError`` naming the parameter, the value and
        the requirement.
    """
    _int("window_length", est.window_length, 1)
    _int("output_length", est.output_length, 1, allow_none=True)
    _int("units", est.units, 1)
    _int("n_layers", est.n_layers, 1)
    _int("n_epochs", est.n_epochs, 0)
    _int("update_epochs", est.update_epochs, 0)
    _int("fine_tune_epochs", est.fine_tune_epochs, 0)
    _int("ensemble_size", est.ensemble_size, 1)
    _int("backtest_origins", getattr(est, "backtest_origins", 1), 1)
    jit = getattr(est, "jit_compile", False)
    if not (isinstance(jit, (bool, np.bool_)) or jit == "auto"):
        raise InvalidParameterError(
            f"jit_compile must be True, False or 'auto', got {jit!r}"
        )
    sp = est.seasonal_period
    if not (sp is None or sp == "auto" or (_is_int(sp) and sp >= 2)):
        raise InvalidParameterError(
            f"seasonal_period must be an integer >= 2, 'auto' or None, got {sp!r}"
        )
    _int("batch_size", est.batch_size, 1)
    _int("max_steps_per_epoch", getattr(est, "max_steps_per_epoch", None), 1, True)
    _int("recent_windows", getattr(est, "recent_windows", None), 1, True)
    _int("patience", est.patience, 0, allow_none=True)
    verbose = est.verbose
    is_bool = isinstance(verbose, (bool, np.bool_))
    if not (is_bool or (_is_int(verbose) and 0 <= verbose <= 2)):
        raise InvalidParameterError(
            "verbose must be False or 0 (silent), True or 1 (one labelled line "
            "per training epoch) or 2 (also Keras' own per-epoch line), got "
            f"{verbose!r}"
        )
    _real("learning_rate", est.learning_rate, 0, np.inf, low_open=True)
    _real("dropout", est.dropout, 0, 1)
    _real(
        "validation_split",
        est.validation_split,
        0,
        1,
        low_open=False,
        allow_none=True,
    )
    if est.scaling not in _SCALINGS:
        raise InvalidParameterError(
            f"scaling must be one of 'global', 'per_series' or None, "
            f"got {est.scaling!r}"
        )
    if getattr(est, "interval_calibration", "backtest") not in ("backtest", "windows"):
        raise InvalidParameterError(
            "interval_calibration must be 'backtest' or 'windows', got "
            f"{est.interval_calibration!r}"
        )
    if not isinstance(est.bidirectional, (bool, np.bool_)):
        raise InvalidParameterError(
            f"bidirectional must be True or False, got {est.bidirectional!r}"
        )
    if not (
        isinstance(est.deseasonalize, (bool, np.bool_)) or est.deseasonalize == "auto"
    ):
        raise InvalidParameterError(
            f"deseasonalize must be True, False or 'auto', got {est.deseasonalize!r}"
        )
    _check_backbone(est)
    if not isinstance(est.run_eagerly, (bool, np.bool_)):
        raise InvalidParameterError(
            f"run_eagerly must be True or False, got {est.run_eagerly!r}"
        )
    check_strategy(est)
    if est.patience is not None and not est.validation_split:
        raise InvalidParameterError(
            f"patience={est.patience!r} (early stopping) needs validation windows: "
            "set validation_split to a fraction such as 0.2, or patience=None"
        )
    if est.callbacks is not None and not isinstance(est.callbacks, (list, tuple)):
        raise InvalidParameterError(
            f"callbacks must be a list of keras.callbacks.Callback or None, "
            f"got {type(est.callbacks).__name__}"
        )
    if not isinstance(est.optimizer, str) and not hasattr(est.optimizer, "get_config"):
        raise InvalidParameterError(
            "optimizer must be a Keras optimizer name such as 'adam' or a "
            f"keras.optimizers.Optimizer instance, got {est.optimizer!r}"
        )
    if not isinstance(est.loss, str) and not callable(est.loss):
        raise InvalidParameterError(
            f"loss must be a Keras loss name such as 'mse' or a callable, "
            f"got {est.loss!r}"
        )
    rs = est.random_state
    if not (rs is None or _is_int(rs) or isinstance(rs, np.random.RandomState)):
        raise InvalidParameterError(
            f"random_state must be None, an int or a numpy RandomState, got {rs!r}"
        )
    if _is_int(rs) and not 0 <= rs < 2**32:
        raise InvalidParameterError(f"random_state must be in [0, 2**32), got {rs!r}")
    _check_keras_objects(est)


def check_strategy(est) -> None:
    """Check ``est.strategy`` (fit checks it first, before TensorFlow runs).

    The strategies are TensorFlow's: on another Keras backend any strategy
    is refused, naming the backend.
    """
    strategy = getattr(est, "strategy", None)
    if not (strategy is None or isinstance(strategy, str)) or (
        strategy not in STRATEGIES
    ):
        raise InvalidParameterError(
            f"strategy must be None, 'mirrored' or 'multi_worker', got {strategy!r}"
        )
    backend = configured_backend()
    if strategy is not None and backend != "tensorflow":
        raise InvalidParameterError(
            f"strategy={strategy!r} is a TensorFlow distribution strategy, but "
            f"Keras' backend is {backend!r}: use strategy=None on this backend, "
            "or set KERAS_BACKEND=tensorflow before Keras is imported"
        )


def _check_backbone(est) -> None:
    """Check the backbone's components: "auto" or a value in their range."""
    harmonics = getattr(est, "harmonics", "auto")
    if harmonics != "auto":
        _int("harmonics", harmonics, 0, allow_none=True)
    log = getattr(est, "log_transform", "auto")
    if not (isinstance(log, (bool, np.bool_)) or log == "auto"):
        raise InvalidParameterError(
            f"log_transform must be True, False or 'auto', got {log!r}"
        )
    for name in ("level_smoothing", "trend_damping", "level_reversion"):
        value = getattr(est, name, "auto")
        _real(name, value, 0, 1, True, False, allow_none=True, allow_auto=True)
    reversion = getattr(est, "level_reversion", None)
    for name in ("trend_damping", "level_reversion"):
        value = getattr(est, name, None)
        if est.level_smoothing is None and value not in (None, "auto"):
            raise InvalidParameterError(
                f"{name}={value!r} needs a level: set level_smoothing to a "
                f"number in (0, 1] or 'auto', or {name}=None"
            )
    if est.trend_damping not in (None, "auto") and reversion not in (None, "auto"):
        raise InvalidParameterError(
            f"level_reversion={reversion!r} and trend_damping="
            f"{est.trend_damping!r}: a level reverts to the training mean only "
            "without a trend; set one of them to None"
        )


def _check_keras_objects(est) -> None:
    """Resolve optimizer / loss names and callbacks now, not mid-training.

    Imports Keras: only called from ``fit``, which builds a network right after.
    """
    from sktime_gru._backend import import_keras

    keras = import_keras()
    names = {
        "optimizer": (
            keras.optimizers.get,
            "'adam', 'rmsprop', 'sgd', 'adamw' or a keras.optimizers.Optimizer "
            "instance",
        ),
        "loss": (
            keras.losses.get,
            "'mse', 'mae', 'huber' or a callable loss(y_true, y_pred)",
        ),
    }
    for name, (lookup, examples) in names.items():
        value = getattr(est, name)
        if not isinstance(value, str):
            continue
        try:
            lookup(value)
        except ValueError:
            raise InvalidParameterError(
                f"{name} {value!r} is not a Keras {name} name: use e.g. {examples}"
            ) from None
    for i, cb in enumerate(est.callbacks or []):
        if not isinstance(cb, keras.callbacks.Callback):
            raise InvalidParameterError(
                f"callbacks[{i}] is {cb!r} ({type(cb).__name__}), not a "
                "keras.callbacks.Callback instance: pass callback objects, e.g. "
                "callbacks=[keras.callbacks.CSVLogger('log.csv')]"
            )
