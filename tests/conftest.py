"""Shared fixtures: tiny synthetic series and panels, and tiny forecasters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru._backend import configured_backend

#: the Keras backend of this test run (KERAS_BACKEND; `make test` runs the
#: suite on TensorFlow, then the non-slow tests on JAX)
BACKEND = configured_backend()

#: tests of what only TensorFlow has (tf.distribute strategies, tf.function
#: internals, TensorFlow's pinned numbers); skipped on other backends
tensorflow_only = pytest.mark.skipif(
    BACKEND != "tensorflow",
    reason=f"TensorFlow-specific (this run's Keras backend is {BACKEND})",
)

TINY = dict(
    window_length=4,
    output_length=3,
    units=4,
    n_epochs=2,
    batch_size=16,
    random_state=0,
    # eager is the cheap one-off on TensorFlow (no graph to trace per test);
    # on JAX an eager fit dispatches op by op and compiles every scan again
    # (133 s against 13 s compiled for a first tiny fit, 36 s against 0.3 s
    # for later ones), and the compiled step is shared by every test's
    # network of the same structure
    run_eagerly=BACKEND == "tensorflow",
    ensemble_size=1,
)


def tiny_forecaster(**params) -> GRUEncoderDecoderForecaster:
    """A forecaster that fits in well under a second on tiny data."""
    return GRUEncoderDecoderForecaster(**{**TINY, **params})


def seasonal(n: int, phase: float = 0.0, level: float = 10.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 5 * np.sin(2 * np.pi * (t + phase) / 12) + rng.normal(0, 0.3, n)


def make_panel(lengths=(30, 24, 36), start_offsets=(0, 6, 0), freq="M"):
    """Panel of seasonal series with different lengths and start dates."""
    frames = []
    for i, (n, off) in enumerate(zip(lengths, start_offsets)):
        idx = pd.period_range("2000-01", periods=n, freq=freq) + off
        frames.append(
            pd.DataFrame(
                {"y": seasonal(n, phase=i, level=10 + 3 * i, seed=i)},
                index=pd.MultiIndex.from_product(
                    [[f"s{i}"], idx], names=["series", "time"]
                ),
            )
        )
    return pd.concat(frames)


@pytest.fixture
def panel():
    return make_panel()


@pytest.fixture
def series():
    return pd.Series(
        seasonal(40), index=pd.period_range("2000-01", periods=40, freq="M"), name="y"
    )


def counting_panel(lengths, start=0, column="y"):
    """Panel of integer-time series counting 0, 1, ... (``lengths``: name -> n)."""
    frames = []
    for name, n in lengths.items():
        index = pd.MultiIndex.from_product(
            [[name], pd.RangeIndex(start, start + n)], names=["id", "t"]
        )
        frames.append(pd.DataFrame({column: np.arange(n, dtype=float)}, index))
    return pd.concat(frames)
