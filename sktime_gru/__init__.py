"""sktime-gru: a global bidirectional GRU encoder-decoder forecaster for sktime.

Public API: :class:`GRUEncoderDecoderForecaster` and :mod:`sktime_gru.datasets`.
Importing the package is cheap: sktime is imported on first access of the
forecaster, TensorFlow only when a forecaster is fitted or predicts.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["GRUEncoderDecoderForecaster", "__version__"]


def __getattr__(name: str):
    if name == "GRUEncoderDecoderForecaster":
        from sktime_gru.forecaster import GRUEncoderDecoderForecaster

        return GRUEncoderDecoderForecaster
    raise AttributeError(f"module 'sktime_gru' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
