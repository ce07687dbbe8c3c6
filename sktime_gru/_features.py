"""Calendar terms of the model's inputs.

Pure numpy. Resolves the seasonal period from the data's frequency and makes
the calendar columns; :mod:`sktime_gru._encoding` places them in the model's
input layout.
"""

from __future__ import annotations

import numpy as np

__all__ = ["calendar_features", "resolve_seasonal_period"]

# seasonal cycle length by pandas frequency prefix (the calendar's natural cycle)
_AUTO_PERIODS = (
    ("QS", 4),
    ("Q", 4),
    ("MS", 12),
    ("ME", 12),
    ("M", 12),
    ("W", 52),
    ("B", 5),
    ("D", 7),
    ("h", 24),
    ("H", 24),
)


def resolve_seasonal_period(value, freq) -> int | None:
    """Resolve the ``seasonal_period`` parameter against the data's frequency.

    Parameters
    ----------
    value : int, "auto" or None
    freq : pandas offset, str or None
        Frequency of the time index (None for an integer index).

    Returns
    -------
    int or None
        ``None`` means no calendar features. ``"auto"`` maps monthly data to 12,
        quarterly to 4, weekly to 52, business-daily to 5, daily to 7, hourly to
        24, and anything else (integer index, yearly, ...) to None. A multiplied
        frequency completes the cycle in fewer steps ("2h": 12, "2M": 6, "3MS":
        4); None when the steps do not divide it ("2D", "5h").
    """
    if value is None or (isinstance(value, (int, np.integer)) and value >= 2):
        return None if value is None else int(value)
    if value != "auto":
        raise ValueError(
            f"seasonal_period must be an integer >= 2, 'auto' or None, got {value!r}"
        )
    if freq is None:
        return None
    name = getattr(freq, "freqstr", str(freq))
    base = name.lstrip("0123456789")
    multiple = int(name[: len(name) - len(base)] or 1)
    for prefix, period in _AUTO_PERIODS:
        if base.startswith(prefix):
            steps, rest = divmod(period, multiple)
            return steps if rest == 0 and steps >= 2 else None
    return None


def calendar_features(positions: np.ndarray, period: int | None) -> np.ndarray:
    """Sine and cosine of the position in the seasonal cycle.

    Parameters
    ----------
    positions : np.ndarray of int, shape (...,)
        Absolute grid positions (period ordinals: for monthly data ordinal
        ``% 12`` is the month of year).
    period : int or None

    Returns
    -------
    np.ndarray of float32, shape (..., 2), or (..., 0) when ``period`` is None.
    """
    positions = np.asarray(positions)
    if period is None:
        return np.zeros((*positions.shape, 0), dtype=np.float32)
    angle = 2 * np.pi * np.mod(positions, period) / period
    return np.stack([np.sin(angle), np.cos(angle)], axis=-1).astype(np.float32)
