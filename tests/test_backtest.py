"""Known-value tests of the backtest's pure helpers (no Keras)."""

import numpy as np

from sktime_gru._backtest import departure_weight
from sktime_gru._windowing import evenly_at_most


def test_departure_weight_is_the_clipped_least_squares_factor():
    backbone = np.array([2.0, -2.0, np.nan])
    # departure = backbone - trained = [1, -1]; w = sum(d * b) / sum(d^2) = 2
    trained = np.array([1.0, -1.0, 5.0])
    assert departure_weight(backbone, trained) == 1.0  # clipped from 2
    trained = np.array([0.0, 0.0, 5.0])  # departure = backbone: w = 1
    assert departure_weight(backbone, trained) == 1.0
    trained = np.array([4.0, -4.0, 5.0])  # departure = -backbone: w < 0 -> 0
    assert departure_weight(backbone, trained) == 0.0
    trained = backbone.copy()  # no departure
    assert departure_weight(backbone, trained) == 0.0


def test_departure_weight_between_zero_and_one():
    backbone = np.array([1.0, 1.0])
    trained = np.array([-3.0, -3.0])  # departure 4: w = 4 / 16
    assert departure_weight(backbone, trained) == 0.25


def test_evenly_at_most_keeps_first_and_last():
    starts = np.arange(10)
    assert evenly_at_most(starts, 20) is starts
    np.testing.assert_array_equal(evenly_at_most(starts, 4), [0, 3, 6, 9])


def test_one_step_decoder_gets_a_backtest_on_long_series():
    # fh=[1] with 96-month series: 2 x 1 held-back points gave no origin
    # seen 3 times, and the intervals fell back to training windows with a
    # warning that blamed the series' length
    import warnings

    from sktime_gru.datasets import load_weather_au
    from tests.conftest import tiny_forecaster

    y = load_weather_au()
    y = y[y.index.get_level_values(0).isin(["Sydney", "Cairns", "Hobart"])]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", message=".*remember_data")
        f = tiny_forecaster(interval_calibration="backtest").fit(y, fh=[1])
    assert f.calibration_ == "backtest"
    assert f.predict_interval(coverage=0.8).notna().all().all()
