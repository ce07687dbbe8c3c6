"""sktime-gru: a global bidirectional GRU encoder-decoder forecaster for sktime.

Public API: :class:`GRUEncoderDecoderForecaster`, :mod:`sktime_gru.datasets`,
:func:`align_series_ends` / :func:`restore_series_times` (forecast each series
of a panel from its own end) and :func:`is_chief` (whether this process writes
files under ``strategy="multi_worker"``).
Importing the package is cheap: sktime is imported on first access of the
forecaster, TensorFlow only when a forecaster is fitted or predicts.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = [
    "GRUEncoderDecoderForecaster",
    "__version__",
    "align_series_ends",
    "is_chief",
    "restore_series_times",
]


def __getattr__(name: str):
    if name == "GRUEncoderDecoderForecaster":
        from sktime_gru.forecaster import GRUEncoderDecoderForecaster

        return GRUEncoderDecoderForecaster
    if name in ("align_series_ends", "restore_series_times"):
        from sktime_gru import _alignment

        return getattr(_alignment, name)
    if name == "is_chief":
        from sktime_gru._distribute import is_chief

        return is_chief
    raise AttributeError(f"module 'sktime_gru' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
