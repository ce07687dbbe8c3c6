"""Seeds derived without touching global random state."""

import random

import numpy as np
import pytest

from sktime_gru._seeding import resolve_seed


def test_int_seed_is_used_as_it_is_modulo_2_31():
    assert resolve_seed(7) == 7
    assert resolve_seed(2**31 + 5) == 5
    assert resolve_seed(np.int64(3)) == 3


def test_random_state_instance_is_advanced_by_one_draw():
    rs = np.random.RandomState(0)
    expected = np.random.RandomState(0).randint(0, 2**31 - 1)
    assert resolve_seed(rs) == expected
    assert resolve_seed(rs) != expected  # advanced


def test_none_draws_fresh_entropy_without_global_side_effects():
    np_state, py_state = np.random.get_state(), random.getstate()
    seeds = {resolve_seed(None) for _ in range(5)}
    assert len(seeds) > 1 and all(0 <= s < 2**31 for s in seeds)
    after = np.random.get_state()
    assert after[0] == np_state[0] and np.array_equal(after[1], np_state[1])
    assert random.getstate() == py_state


def test_other_types_are_refused():
    with pytest.raises(TypeError, match="random_state must be"):
        resolve_seed("0")
