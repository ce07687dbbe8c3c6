"""Parameter checks in one place.

Each rule names the parameter, the value received and what is required, so that a
wrong setting fails at the start of ``fit`` with a message a user can act on,
never deep inside Keras.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_params"]

_SCALINGS = ("global", "per_series", None)


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _int(name, value, low, allow_none=False):
    if value is None and allow_none:
        return
    if not _is_int(value) or value < low:
        need = f"an integer >= {low}" + (" or None" if allow_none else "")
        raise ValueError(f"{name} must be {need}, got {value!r}")


def _real(name, value, low, high, low_open=False, high_open=True, allow_none=False):
    if value is None and allow_none:
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
        none = " or None" if allow_none else ""
        raise ValueError(
            f"{name} must be a number in {lo}{low}, {high}{hi}{none}, got {value!r}"
        )


def check_params(est) -> None:
    """Validate the hyper-parameters of a ``GRUEncoderDecoderForecaster``.

    Raises
    ------
    ValueError
        Naming the parameter, the value and the requirement.
    TypeError
        For a parameter of the wrong kind (e.g. ``callbacks`` not a list).
    """
    _int("window_length", est.window_length, 1)
    _int("output_length", est.output_length, 1, allow_none=True)
    _int("units", est.units, 1)
    _int("n_layers", est.n_layers, 1)
    _int("epochs", est.epochs, 0)
    _int("batch_size", est.batch_size, 1)
    _int("patience", est.patience, 0, allow_none=True)
    _int("verbose", est.verbose, 0)
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
        raise ValueError(
            f"scaling must be one of 'global', 'per_series' or None, "
            f"got {est.scaling!r}"
        )
    if not isinstance(est.bidirectional, (bool, np.bool_)):
        raise TypeError(
            f"bidirectional must be True or False, got {est.bidirectional!r}"
        )
    if not isinstance(est.run_eagerly, (bool, np.bool_)):
        raise TypeError(f"run_eagerly must be True or False, got {est.run_eagerly!r}")
    if est.patience is not None and not est.validation_split:
        raise ValueError(
            f"patience={est.patience!r} (early stopping) needs validation windows: "
            "set validation_split to a fraction such as 0.2, or patience=None"
        )
    if est.callbacks is not None and not isinstance(est.callbacks, (list, tuple)):
        raise TypeError(
            f"callbacks must be a list of keras.callbacks.Callback or None, "
            f"got {type(est.callbacks).__name__}"
        )
    if not isinstance(est.optimizer, str) and not hasattr(est.optimizer, "get_config"):
        raise TypeError(
            "optimizer must be a Keras optimizer name such as 'adam' or a "
            f"keras.optimizers.Optimizer instance, got {est.optimizer!r}"
        )
    if not isinstance(est.loss, str) and not callable(est.loss):
        raise TypeError(
            f"loss must be a Keras loss name such as 'mse' or a callable, "
            f"got {est.loss!r}"
        )
    rs = est.random_state
    if not (rs is None or _is_int(rs) or isinstance(rs, np.random.RandomState)):
        raise TypeError(
            f"random_state must be None, an int or a numpy RandomState, got {rs!r}"
        )
    if _is_int(rs) and not 0 <= rs < 2**32:
        raise ValueError(f"random_state must be in [0, 2**32), got {rs!r}")
