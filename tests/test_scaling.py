"""Min-max scaling: known values, zero-range guard, inverse, NaN."""

import numpy as np

from sktime_gru._scaling import fit_minmax


def test_global_minmax_known_values():
    values = np.array([[0.0], [5.0], [10.0]])
    stats = fit_minmax(values, np.zeros(3, dtype=int), 1)
    scaled = stats.transform(values, np.zeros(3, dtype=int))
    np.testing.assert_allclose(scaled[:, 0], [-1, 0, 1])
    back = stats.inverse_transform(scaled, np.zeros(3, dtype=int))
    np.testing.assert_allclose(back, values)


def test_per_series_groups_are_independent():
    values = np.array([[0.0], [2.0], [100.0], [300.0]])
    groups = np.array([0, 0, 1, 1])
    stats = fit_minmax(values, groups, 2)
    np.testing.assert_allclose(stats.transform(values, groups)[:, 0], [-1, 1, -1, 1])


def test_zero_range_maps_to_mid_and_inverts():
    values = np.array([[3.0, 1.0], [3.0, 2.0]])
    stats = fit_minmax(values, np.zeros(2, dtype=int), 1)
    scaled = stats.transform(values, np.zeros(2, dtype=int))
    np.testing.assert_allclose(scaled[:, 0], [0.0, 0.0])
    assert np.all(np.isfinite(scaled))
    np.testing.assert_allclose(
        stats.inverse_transform(scaled, np.zeros(2, int)), values
    )


def test_nan_ignored_in_fit():
    values = np.array([[np.nan], [1.0], [3.0]])
    stats = fit_minmax(values, np.zeros(3, dtype=int), 1)
    assert stats.data_min[0, 0] == 1.0 and stats.data_max[0, 0] == 3.0


def test_inverse_of_target_columns_only():
    values = np.array([[0.0, 10.0], [4.0, 30.0]])
    groups = np.zeros(2, dtype=int)
    stats = fit_minmax(values, groups, 1)
    scaled = stats.transform(values, groups)
    back = stats.inverse_transform(scaled[:, 1:], groups, columns=slice(1, 2))
    np.testing.assert_allclose(back, values[:, 1:])


def test_statistics_come_from_training_rows_only():
    train = np.array([[0.0], [10.0]])
    stats = fit_minmax(train, np.zeros(2, dtype=int), 1)
    # a later value outside the training range is extrapolated, not refit
    np.testing.assert_allclose(
        stats.transform(np.array([[20.0]]), np.zeros(1, int)), [[3.0]]
    )
