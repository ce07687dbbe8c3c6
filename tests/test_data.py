"""Known-value tests of the rows of a call and their X column checks (no Keras)."""

import numpy as np
import pandas as pd
import pytest

from sktime_gru._data import Data, assemble, filled_raw, pad_short, scaled_rows
from sktime_gru._validation import check_pretrain_columns, check_x_columns, x_names
from tests.conftest import counting_panel


def test_assemble_joins_y_and_x_columns():
    y = counting_panel({"a": 3, "b": 2})
    X = counting_panel({"a": 3, "b": 2}, column="x") + 10
    data = assemble(y, X)
    assert data.x_names == ["x"]
    np.testing.assert_array_equal(data.raw[:, 0], [0, 1, 2, 0, 1])
    np.testing.assert_array_equal(data.raw[:, 1], [10, 11, 12, 10, 11])


def test_assemble_without_x_keeps_the_y_values():
    data = assemble(counting_panel({"a": 3}), None)
    assert data.x_names is None
    assert data.raw is data.panel.values


def test_update_needs_x_when_fit_had_it():
    with pytest.raises(ValueError, match="update needs X"):
        assemble(counting_panel({"a": 3}), None, x_columns=["x"], for_update=True)


def test_check_x_columns_names_both_column_lists():
    check_x_columns(["x"], pd.Index(["x"]))
    with pytest.raises(ValueError, match=r"columns \['z'\].*\['x'\]"):
        check_x_columns(["z"], pd.Index(["x"]))
    with pytest.raises(ValueError, match="fitted without X"):
        check_x_columns(["x"], None)
    assert x_names(None) is None
    assert x_names(pd.Index(["x"])) == ["x"]


def test_check_pretrain_columns_compares_counts():
    data = assemble(counting_panel({"a": 3}), None)
    check_pretrain_columns(data, (["other name"], None))
    with pytest.raises(ValueError, match="pretrained on 2 y column"):
        check_pretrain_columns(data, (["p", "q"], None))


def test_pad_short_repeats_the_first_row_once_encoded():
    data = assemble(counting_panel({"a": 2, "b": 5}), None)
    padded = pad_short(data, window=3, decoder_length=2)  # "a" is short: 2 rows before
    np.testing.assert_array_equal(padded.panel.offsets, [0, 4, 9])
    assert np.isnan(padded.raw[:2]).all()
    np.testing.assert_array_equal(filled_raw(padded)[:4, 0], [0, 0, 0, 1])

    class Identity:
        def encode_rows(self, raw, panel):
            return raw.copy()

    np.testing.assert_array_equal(scaled_rows(Identity(), padded)[:4, 0], [0, 0, 0, 1])
    assert pad_short(data, window=1, decoder_length=1) is data


def test_data_is_frozen():
    data = Data(None, np.zeros((1, 1)), None)
    with pytest.raises(AttributeError):
        data.raw = None
