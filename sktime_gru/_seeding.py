"""Seeds without global side effects.

The forecaster never seeds Python's, NumPy's or TensorFlow's global generators:
every random choice (initial weights, dropout masks, the order of training
windows) takes an explicit seed derived here from ``random_state``.
"""

from __future__ import annotations

import numbers
import random
from contextlib import contextmanager

import numpy as np

__all__ = ["kept_global_random_state", "resolve_seed"]


@contextmanager
def kept_global_random_state():
    """Restore Python's and NumPy's global random state on exit.

    The forecaster draws nothing from them, but importing Keras for the first
    time does (it seeds itself from Python's ``random``): a caller's random
    state must not depend on whether a fit was the process's first.
    """
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def resolve_seed(random_state) -> int:
    """Derive an int seed in ``[0, 2**31)`` from ``random_state``.

    ``None`` draws fresh OS entropy (a stochastic fit) without consuming the
    global NumPy generator; an int is used as it is (mod 2**31); a
    ``np.random.RandomState`` is advanced by one draw, as in scikit-learn.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0] % (2**31))
    if isinstance(random_state, numbers.Integral):
        return int(random_state) % (2**31)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    raise TypeError(
        f"random_state must be None, an int or a RandomState, got {random_state!r}"
    )
