"""Known-value tests of the rows of a call and the fitted tails (no Keras)."""

import numpy as np
import pandas as pd
import pytest

from sktime_gru._tails import (
    Data,
    assemble,
    extend_observed,
    extend_tails,
    filled_raw,
    pad_short,
    scaled_rows,
)
from sktime_gru._validation import check_pretrain_columns, check_x_columns, x_names


def _panel_frame(lengths, start=0, column="y"):
    frames = []
    for name, n in lengths.items():
        index = pd.MultiIndex.from_product(
            [[name], pd.RangeIndex(start, start + n)], names=["id", "t"]
        )
        frames.append(pd.DataFrame({column: np.arange(n, dtype=float)}, index))
    return pd.concat(frames)


def test_assemble_joins_y_and_x_columns():
    y = _panel_frame({"a": 3, "b": 2})
    X = _panel_frame({"a": 3, "b": 2}, column="x") + 10
    data = assemble(y, X)
    assert data.x_names == ["x"]
    np.testing.assert_array_equal(data.raw[:, 0], [0, 1, 2, 0, 1])
    np.testing.assert_array_equal(data.raw[:, 1], [10, 11, 12, 10, 11])


def test_assemble_without_x_keeps_the_y_values():
    data = assemble(_panel_frame({"a": 3}), None)
    assert data.x_names is None
    assert data.raw is data.panel.values


def test_update_needs_x_when_fit_had_it():
    with pytest.raises(ValueError, match="update needs X"):
        assemble(_panel_frame({"a": 3}), None, x_columns=["x"], for_update=True)


def test_check_x_columns_names_both_column_lists():
    check_x_columns(["x"], pd.Index(["x"]))
    with pytest.raises(ValueError, match=r"columns \['z'\].*\['x'\]"):
        check_x_columns(["z"], pd.Index(["x"]))
    with pytest.raises(ValueError, match="fitted without X"):
        check_x_columns(["x"], None)
    assert x_names(None) is None
    assert x_names(pd.Index(["x"])) == ["x"]


def test_check_pretrain_columns_compares_counts():
    data = assemble(_panel_frame({"a": 3}), None)
    check_pretrain_columns(data, (["other name"], None))
    with pytest.raises(ValueError, match="pretrained on 2 y column"):
        check_pretrain_columns(data, (["p", "q"], None))


def test_pad_short_repeats_the_first_row_once_encoded():
    data = assemble(_panel_frame({"a": 2, "b": 5}), None)
    padded = pad_short(data, window=3, decoder_length=2)  # "a" is short: 2 rows before
    np.testing.assert_array_equal(padded.panel.offsets, [0, 4, 9])
    assert np.isnan(padded.raw[:2]).all()
    np.testing.assert_array_equal(filled_raw(padded)[:4, 0], [0, 0, 0, 1])

    class Identity:
        def encode_rows(self, raw, panel):
            return raw.copy()

    np.testing.assert_array_equal(scaled_rows(Identity(), padded)[:4, 0], [0, 0, 0, 1])
    assert pad_short(data, window=1, decoder_length=1) is data


def test_extend_tails_appends_new_rows_aligned_at_the_end():
    tail = np.arange(4, dtype=float).reshape(2, 2, 1)  # a: 0, 1; b: 2, 3
    last = np.array([1, 1])
    new = assemble(_panel_frame({"a": 2}, start=2), None)  # a at t = 2, 3
    tails, new_last = extend_tails(
        tail, last, new, y_columns=["y"], instances=pd.Index(["a", "b"]), step=1
    )
    np.testing.assert_array_equal(new_last, [3, 1])
    np.testing.assert_array_equal(tails[0, :, 0], [0, 1, 0, 1])
    np.testing.assert_array_equal(tails[1, 2:, 0], [2, 3])
    assert np.isnan(tails[1, :2]).all()


def test_extend_tails_rejects_a_gap_and_other_columns():
    tail = np.zeros((1, 2, 1))
    gap = assemble(_panel_frame({"a": 1}, start=5), None)
    with pytest.raises(ValueError, match="gap"):
        extend_tails(
            tail, np.array([1]), gap, y_columns=["y"], instances=pd.Index(["a"]), step=1
        )
    with pytest.raises(ValueError, match="update got columns"):
        extend_tails(
            tail, np.array([1]), gap, y_columns=["z"], instances=pd.Index(["a"]), step=1
        )


def test_data_is_frozen():
    data = Data(None, np.zeros((1, 1)), None)
    with pytest.raises(AttributeError):
        data.raw = None


def test_extend_observed_appends_new_rows_after_each_series():
    fitted = assemble(_panel_frame({"a": 3, "b": 2}), None)
    panel = fitted.panel
    last = panel.positions[panel.offsets[1:] - 1]  # a: 2, b: 1
    # b gets 2 new rows, a gets 1 (and one row it already has: ignored)
    new = _panel_frame({"a": 4, "b": 4}).drop(index=[("b", 0), ("b", 1)]) + 10
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
