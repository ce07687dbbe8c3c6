"""Known-value tests of the flat-panel windowing."""

import numpy as np
import pytest

from sktime_gru._windowing import (
    complete_windows,
    fill_window_gaps,
    gather_blocks,
    gather_partial_windows,
    gather_windows,
    interpolate_gaps,
    new_row_starts,
    partial_window_positions,
    split_backtest,
    split_train_validation,
    tail_rows,
    training_windows,
    window_starts,
)


def _panel():
    # two series: 0..5 (6 points) and 100..103 (4 points), one column
    values = np.concatenate([np.arange(6), 100 + np.arange(4)]).astype(float)[:, None]
    offsets = np.array([0, 6, 10])
    return values, offsets


def test_window_starts_never_cross_series():
    values, offsets = _panel()
    starts = window_starts(offsets, window=2, decoder_length=2)
    # series 0: 6 - 4 + 1 = 3 windows at 0, 1, 2; series 1: 1 window at 6
    np.testing.assert_array_equal(starts, [0, 1, 2, 6])


def test_window_starts_skip_short_series_and_empty():
    offsets = np.array([0, 3, 10])
    np.testing.assert_array_equal(window_starts(offsets, 3, 2), [3, 4, 5])
    assert window_starts(np.array([0, 2]), 3, 3).size == 0


def test_gather_windows_known_values():
    values, offsets = _panel()
    starts = window_starts(offsets, window=2, decoder_length=2)
    x, y = gather_windows(values, starts, window=2, decoder_length=2)
    assert x.shape == (4, 2, 1) and y.shape == (4, 2, 1)
    np.testing.assert_array_equal(x[0, :, 0], [0, 1])
    np.testing.assert_array_equal(y[0, :, 0], [2, 3])
    np.testing.assert_array_equal(x[3, :, 0], [100, 101])
    np.testing.assert_array_equal(y[3, :, 0], [102, 103])


def test_gather_windows_target_columns():
    values = np.stack([np.arange(5.0), -np.arange(5.0)], axis=1)  # (5, 2)
    x, y = gather_windows(values, np.array([0]), 2, 3, target_columns=[1])
    assert x.shape == (1, 2, 2) and y.shape == (1, 3, 1)
    np.testing.assert_array_equal(y[0, :, 0], [-2, -3, -4])


def test_tail_rows_pad_short_series_with_nan():
    values, offsets = _panel()
    tails = tail_rows(values, offsets, 5)
    np.testing.assert_array_equal(tails[0, :, 0], [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(tails[1, 1:, 0], [100, 101, 102, 103])
    assert np.isnan(tails[1, 0, 0])


def test_gather_blocks_are_whole_windows():
    values, offsets = _panel()
    block = gather_blocks(values, np.array([1, 6]), 4)
    x, y = gather_windows(values, np.array([1, 6]), 2, 2)
    np.testing.assert_array_equal(block, np.concatenate([x, y], axis=1))


def test_partial_window_positions_continue_the_grid():
    positions = np.array([10, 12, 14, 20, 22])  # grid step 2, two series
    pos = partial_window_positions(positions, np.array([1, 3]), 3, np.array([3, 5]), 2)
    np.testing.assert_array_equal(pos, [[12, 14, 16], [20, 22, 24]])


def test_new_row_starts_hold_a_new_row():
    # 2 tails of 6 rows; span 3; series 0 has 1 new row, series 1 none, or 4
    starts = new_row_starts(2, 6, np.array([1, 0]), 3)
    np.testing.assert_array_equal(starts, [3])
    starts = new_row_starts(2, 6, np.array([1, 4]), 3)
    np.testing.assert_array_equal(starts, [3, 6, 7, 8, 9])  # rows 2..5 new


def test_complete_windows_mask_nan():
    values = np.arange(8.0)[:, None]
    values[4] = np.nan
    mask = complete_windows(values, np.array([0, 1, 2, 5]), 3)
    np.testing.assert_array_equal(mask, [True, True, False, True])


def test_fill_window_gaps_interpolates_and_warns():
    windows = np.array([[[1.0], [np.nan], [3.0], [np.nan]]])
    with pytest.warns(UserWarning, match="series 0"):
        filled = fill_window_gaps(windows, lambda i: f"series {i}")
    np.testing.assert_array_equal(filled[0, :, 0], [1, 2, 3, 3])
    with pytest.raises(ValueError, match="no observed value"):
        fill_window_gaps(np.full((1, 3, 1), np.nan), lambda i: "y")


def test_split_train_validation_purges_target_overlap():
    offsets = np.array([0, 20])
    starts = window_starts(offsets, window=3, decoder_length=2)  # 16 windows: 0..15
    train, val = split_train_validation(
        offsets, starts, decoder_length=2, fraction=0.25
    )
    np.testing.assert_array_equal(val, [12, 13, 14, 15])
    # first validation target is at 12 + 3 = 15; a training window k has
    # targets k + 3, k + 4, so k + 4 < 15 -> k <= 10
    np.testing.assert_array_equal(train, np.arange(11))
    last_train_target = train[-1] + 3 + 2 - 1
    first_val_target = val[0] + 3
    assert last_train_target < first_val_target


def test_split_train_validation_per_series():
    offsets = np.array([0, 10, 30])
    starts = window_starts(offsets, window=2, decoder_length=1)
    train, val = split_train_validation(offsets, starts, decoder_length=1, fraction=0.1)
    # ceil(0.1 * 8) = 1 and ceil(0.1 * 18) = 2 latest windows per series
    np.testing.assert_array_equal(val, [7, 26, 27])
    assert set(train) == set(starts) - {7, 26, 27}


def test_split_backtest_trains_before_the_cut_and_tests_after_it():
    offsets = np.array([0, 20, 32])  # series of 20 and 12 points
    window, decoder_length, held_back = 4, 3, 6
    train, test = split_backtest(offsets, window, decoder_length, held_back)
    ends = {0: 20, 1: 32}
    for s in train:
        series = int(s >= 20)
        assert s + window + decoder_length <= ends[series] - held_back  # before the cut
    for s in test:
        series = int(s >= 20)
        start = 0 if series == 0 else 20
        assert s >= start  # a complete input window
        assert s + window >= ends[series] - held_back  # targets held back
        assert s + window <= ends[series] - 1  # at least one target
    # one origin per held-back point but the last, in both series
    assert len(test) == 2 * held_back
    assert len(train) == (20 - 6 - 7 + 1) + 0


def test_gather_partial_windows_repeats_the_last_row_past_the_end():
    values = np.arange(10.0)[:, None]
    block, valid = gather_partial_windows(values, np.array([5]), 3, 4, np.array([10]))
    np.testing.assert_array_equal(block[0, :, 0], [5, 6, 7, 8, 9, 9, 9])
    np.testing.assert_array_equal(valid[0], [1, 1, 1, 1, 1, 0, 0])


def test_training_windows_drop_windows_with_nan_and_hold_out_the_latest():
    values = np.arange(6, dtype=float)[:, None]
    values[5] = np.nan
    offsets = np.array([0, 6])
    train, held_out = training_windows(offsets, values, 2, 1, None)
    np.testing.assert_array_equal(train, [0, 1, 2])  # start 3 reaches the NaN
    assert held_out.size == 0
    train, held_out = training_windows(offsets, values, 2, 1, 0.5)
    assert set(train).isdisjoint(held_out)
    with pytest.raises(ValueError, match="no complete training window"):
        training_windows(offsets, np.full((6, 1), np.nan), 2, 1, None)
    empty, _ = training_windows(offsets, np.full((6, 1), np.nan), 2, 1, None, False)
    assert empty.size == 0


def test_training_windows_recent_keeps_windows_ending_near_each_series_end():
    offsets = np.array([0, 30, 50])
    values = np.zeros((50, 1))
    all_starts, _ = training_windows(offsets, values, 5, 3, None)
    recent, _ = training_windows(offsets, values, 5, 3, None, recent=4)
    # targets ending in the last 4 points: series 0 ends at 29, series 1 at 49
    np.testing.assert_array_equal(recent, [19, 20, 21, 22, 39, 40, 41, 42])
    assert set(recent) <= set(all_starts)
    long, _ = training_windows(offsets, values, 5, 3, None, recent=1000)
    np.testing.assert_array_equal(long, all_starts)
    gap = values.copy()
    gap[[28, 29, 48, 49]] = np.nan  # each series ends in NaN: no recent window left
    with pytest.raises(ValueError, match="recent_windows=2 leaves none"):
        training_windows(offsets, gap, 5, 3, None, recent=2)
    # the backtest's training windows count from its cut (5 points back)
    train, _ = split_backtest(offsets, 5, 3, 5, recent=4)
    np.testing.assert_array_equal(train, [14, 15, 16, 17, 34, 35, 36, 37])


def test_interpolate_gaps_known_values_and_equal_to_predicts_filling():
    nan = np.nan
    windows = np.array(
        [
            [[nan, 1.0], [2.0, nan], [nan, nan], [6.0, 4.0], [nan, nan]],
            [[nan, 5.0], [nan, 5.0], [nan, 5.0], [nan, 5.0], [nan, 5.0]],
        ]
    )
    out = interpolate_gaps(windows)
    # linear inside, nearest at the edges; a column without values stays NaN
    np.testing.assert_allclose(out[0, :, 0], [2, 2, 4, 6, 6])
    np.testing.assert_allclose(out[0, :, 1], [1, 2, 3, 4, 4])
    assert np.isnan(out[1, :, 0]).all()
    np.testing.assert_array_equal(out[1, :, 1], 5.0)
    with pytest.warns(UserWarning, match="filled by linear interpolation"):
        filled = fill_window_gaps(windows[:1], lambda i: f"s{i}")
    np.testing.assert_allclose(out[:1], filled)
    clean = np.ones((2, 3, 1))
    assert interpolate_gaps(clean) is clean
