"""The tiny parameter sets of ``GRUEncoderDecoderForecaster.get_test_params``.

Two sets that run in seconds and exercise different code paths (sktime's
conformance suite fits and predicts with each); the classmethod returns
:func:`tiny_parameter_sets`. No Keras, no sktime.
"""

from __future__ import annotations

from sktime_gru._backend import configured_backend

__all__ = ["tiny_parameter_sets"]


def tiny_parameter_sets() -> list[dict]:
    """Return the parameter sets of ``get_test_params`` (see there)."""
    tiny = {
        "units": 2,
        "n_epochs": 1,
        "batch_size": 64,
        "random_state": 0,
        # traced (graph) mode: the conformance suite makes hundreds of fits
        # and predicts with a few network structures, which the graph
        # cache traces once per process; eager mode is tested elsewhere
        "run_eagerly": False,
        # TensorFlow without XLA: it compiles again for every batch shape,
        # and the suite's many small data sets have many (XLA is tested on
        # its own); JAX's only compiled path is XLA (without it every step
        # runs op by op: slower, and the suite crashed a JAX worker)
        "jit_compile": False if configured_backend() == "tensorflow" else "auto",
        "ensemble_size": 1,
    }
    return [
        # unidirectional, fixed decoder length, per-series scaling, calendar
        {
            **tiny,
            "window_length": 3,
            "output_length": 2,
            "bidirectional": False,
            "scaling": "per_series",
            "seasonal_period": 4,
        },
        # bidirectional, global scaling, validation split, early stopping
        {
            **tiny,
            "window_length": 2,
            "output_length": 1,
            "validation_split": 0.3,
            "patience": 1,
            "n_epochs": 2,
            "update_epochs": 1,
            # an averaged ensemble: pickling, cloning, update of nested models
            "ensemble_size": 2,
            # intervals from the held-out windows (set 1: the backtest)
            "interval_calibration": "windows",
            # the backbone's components fixed (set 1: chosen in fit)
            "harmonics": 1,
            "log_transform": False,
            "level_smoothing": 0.4,
            "trend_damping": 0.9,
        },
    ]
