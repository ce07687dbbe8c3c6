"""pandas <-> flat arrays: index types, ordering, gaps, duplicates."""

import numpy as np
import pandas as pd
import pytest

from sktime_gru._panel import frame_from_forecasts, panel_from_frame
from tests.conftest import make_panel


def test_panel_offsets_and_order():
    y = make_panel(lengths=(5, 3), start_offsets=(0, 2))
    shuffled = y.sample(frac=1.0, random_state=1)
    panel = panel_from_frame(shuffled)
    np.testing.assert_array_equal(panel.offsets, [0, 5, 8])
    assert list(panel.instances) == ["s0", "s1"]
    np.testing.assert_allclose(panel.values[:, 0], y.sort_index()["y"].to_numpy())
    # positions are consecutive inside each series
    assert list(np.diff(panel.positions[:5])) == [1] * 4


def test_single_series_datetime_with_freq():
    y = pd.DataFrame(
        {"a": np.arange(10.0)}, index=pd.date_range("2020-01-01", periods=10, freq="D")
    )
    panel = panel_from_frame(y)
    assert panel.instances is None and panel.n_series == 1
    assert list(np.diff(panel.positions)) == [1] * 9


def test_month_start_datetime_in_panel_is_inferred():
    idx = pd.date_range("2020-01-01", periods=8, freq="MS")
    y = pd.DataFrame(
        {"a": np.arange(16.0)},
        index=pd.MultiIndex.from_product([["x", "y"], idx]),
    )
    panel = panel_from_frame(y)
    assert list(np.diff(panel.positions[:8])) == [1] * 7


def test_integer_index_with_step():
    y = pd.DataFrame({"a": np.arange(5.0)}, index=pd.Index([0, 2, 4, 6, 8]))
    panel = panel_from_frame(y)
    assert panel.grid.step == 2


def test_gap_inside_series_is_named():
    y = make_panel(lengths=(6, 6), start_offsets=(0, 0))
    y = y.drop(index=("s1", pd.Period("2000-03", "M")))
    with pytest.raises(ValueError, match="instance 's1' has missing time points"):
        panel_from_frame(y)


def test_duplicate_time_stamp_is_named():
    y = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0]},
        index=pd.PeriodIndex(["2000-01", "2000-02", "2000-02"], freq="M"),
    )
    with pytest.raises(ValueError, match="duplicate time stamp"):
        panel_from_frame(y)


def test_irregular_datetime_without_freq():
    idx = pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-05", "2020-01-06"])
    y = pd.DataFrame(
        {"a": np.arange(8.0)}, index=pd.MultiIndex.from_product([["u", "v"], idx])
    )
    with pytest.raises(ValueError, match="no frequency"):
        panel_from_frame(y)


def test_frame_from_forecasts_hierarchical_index():
    inst = pd.MultiIndex.from_tuples([("a", "x"), ("b", "y")], names=["l0", "l1"])
    times = pd.period_range("2001-01", periods=3, freq="M")
    out = frame_from_forecasts(
        np.arange(6.0).reshape(2, 3, 1), times, inst, pd.Index(["v"]), ["l0", "l1", "t"]
    )
    assert out.index.names == ["l0", "l1", "t"]
    assert out.loc[("b", "y", times[2]), "v"] == 5.0
