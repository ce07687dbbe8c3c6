"""pandas <-> flat arrays: index types, ordering, gaps, duplicates."""

import numpy as np
import pandas as pd
import pytest

from sktime_gru._panel import (
    frame_from_forecasts,
    instance_label,
    is_sorted_unique,
    match_instances,
    panel_from_frame,
)
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


def test_is_sorted_unique_reads_codes_like_pandas():
    y = make_panel(lengths=(5, 3, 4), start_offsets=(0, 2, 1))
    index = y.index
    assert is_sorted_unique(index)
    assert not is_sorted_unique(y.sample(frac=1.0, random_state=0).index)
    assert not is_sorted_unique(pd.concat([y, y.iloc[[3]]]).sort_index().index)
    # levels not in value order: codes increase, values do not
    unsorted_levels = pd.MultiIndex(
        levels=[["b", "a"], index.levels[1]],
        codes=[[0, 1], [0, 0]],
        names=index.names,
    )
    assert not is_sorted_unique(unsorted_levels)
    assert unsorted_levels.is_monotonic_increasing is False
    with_nan = pd.MultiIndex.from_arrays([["a", None], [1, 2]])
    assert not is_sorted_unique(with_nan)


@pytest.mark.parametrize("freq", ["M", "D", "int"])
def test_panel_from_sorted_or_shuffled_frame_is_the_same(freq):
    y = make_panel(lengths=(6, 4, 5), start_offsets=(0, 2, 1))
    if freq == "D":
        y.index = y.index.set_levels(y.index.levels[1].to_timestamp("D"), level=1)
    elif freq == "int":
        y.index = y.index.set_levels(np.arange(len(y.index.levels[1])) * 3, level=1)
    shuffled = y.sample(frac=1.0, random_state=2)
    before = shuffled.copy()
    a, b = panel_from_frame(y), panel_from_frame(shuffled)
    pd.testing.assert_frame_equal(shuffled, before)  # the caller's frame is kept
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.offsets, b.offsets)
    assert a.times.equals(y.index.get_level_values(-1))
    assert a.grid == b.grid


def test_match_instances_and_labels():
    fitted = pd.Index(["s0", "s1", "s2"])
    new = make_panel(lengths=(2, 2), start_offsets=(0, 0)).rename(index={"s1": "s2"})
    new = panel_from_frame(new)
    np.testing.assert_array_equal(match_instances(fitted, new), [0, 2])
    with pytest.raises(ValueError, match="not seen in fit"):
        match_instances(pd.Index(["s0"]), new)
    assert instance_label(None, 0) == "y"
    assert instance_label(fitted, 1) == "instance 's1'"
