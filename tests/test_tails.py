"""Known-value tests of the fitted tails and their extension (no Keras)."""

import numpy as np
import pandas as pd
import pytest

from sktime_gru._data import assemble
from sktime_gru._tails import extend_observed, extend_tails
from tests.conftest import counting_panel


def test_extend_tails_appends_new_rows_aligned_at_the_end():
    tail = np.arange(4, dtype=float).reshape(2, 2, 1)  # a: 0, 1; b: 2, 3
    last = np.array([1, 1])
    new = assemble(counting_panel({"a": 2}, start=2), None)  # a at t = 2, 3
    tails, new_last = extend_tails(
        tail, last, new, y_columns=["y"], instances=pd.Index(["a", "b"]), step=1
    )
    np.testing.assert_array_equal(new_last, [3, 1])
    np.testing.assert_array_equal(tails[0, :, 0], [0, 1, 0, 1])
    np.testing.assert_array_equal(tails[1, 2:, 0], [2, 3])
    assert np.isnan(tails[1, :2]).all()


def test_extend_tails_rejects_a_gap_and_other_columns():
    tail = np.zeros((1, 2, 1))
    gap = assemble(counting_panel({"a": 1}, start=5), None)
    with pytest.raises(ValueError, match="gap"):
        extend_tails(
            tail, np.array([1]), gap, y_columns=["y"], instances=pd.Index(["a"]), step=1
        )
    with pytest.raises(ValueError, match="update got columns"):
        extend_tails(
            tail, np.array([1]), gap, y_columns=["z"], instances=pd.Index(["a"]), step=1
        )


def test_extend_observed_appends_new_rows_after_each_series():
    fitted = assemble(counting_panel({"a": 3, "b": 2}), None)
    panel = fitted.panel
    last = panel.positions[panel.offsets[1:] - 1]  # a: 2, b: 1
    # b gets 2 new rows, a gets 1 (and one row it already has: ignored)
    new = counting_panel({"a": 4, "b": 4}).drop(index=[("b", 0), ("b", 1)]) + 10
    new = new.drop(index=[("a", 0), ("a", 1)])
    rows, offsets = extend_observed(
        fitted.raw,
        panel.offsets,
        last,
        assemble(new, None, grid=panel.grid),
        instances=panel.instances,
    )
    np.testing.assert_array_equal(offsets, [0, 4, 8])
    np.testing.assert_array_equal(rows[:, 0], [0, 1, 2, 13, 0, 1, 12, 13])
