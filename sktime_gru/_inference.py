"""Running a trained network on inputs, for every forecast.

Owns the one forward pass that ``predict`` (recursive decoding,
:mod:`sktime_gru._decoding`), in-sample forecasts (:mod:`sktime_gru._insample`)
and the backtest and calibration residuals (:mod:`sktime_gru._backtest`) go
through: :func:`predict_network`, in chunks of bounded memory, through the
traced predictor of :mod:`sktime_gru._graph_cache`. Training is
:mod:`sktime_gru._training`.

No Keras import of its own: the backend is imported when a network is
first run (``import sktime_gru`` does not import it). Never imports the
estimator.

Dimension legend: ``N`` rows (windows or series), ``W`` window, ``F``
features, ``H`` decoder steps, ``K`` known-ahead features, ``T`` targets.
"""

from __future__ import annotations

import numpy as np

from sktime_gru._backend import to_numpy
from sktime_gru._graph_cache import predict_traced

__all__ = ["predict_network"]


def predict_network(
    model,
    inputs: np.ndarray,
    future: np.ndarray | None = None,
    batch_size: int = 4096,
    eager: bool | None = None,
) -> np.ndarray:
    """Run the network on ``inputs`` (N, W, F) [and ``future`` (N, H, K)] -> (N, H, T).

    In chunks of ``batch_size`` rows (bounded memory). Through a traced
    function shared by all networks of the same structure
    (:func:`sktime_gru._graph_cache.predict_traced`, ~10 ms instead of ~350 ms per
    call), unless ``eager`` (default: the model's ``run_eagerly``) or that
    function is busy in another thread: then the model is called eagerly.
    """
    if eager is None:
        eager = bool(getattr(model, "run_eagerly", False))
    out = []
    for i in range(0, len(inputs), batch_size):
        chunk = np.asarray(inputs[i : i + batch_size], dtype=np.float32)
        if future is not None:
            chunk = [chunk, np.asarray(future[i : i + batch_size], dtype=np.float32)]
        result = None if eager else predict_traced(model, chunk)
        if result is None:
            result = model(chunk, training=False)
        out.append(to_numpy(result))
    return np.concatenate(out, axis=0).astype(np.float64)
