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


def _cuts_trained(weights, asked):
    """Cuts a backtest trains: ``asked``, or up to the first weight 0."""
    zero = [i for i, w in enumerate(weights) if w == 0.0]
    return min(asked, zero[0] + 1) if zero else asked


def test_several_backtest_cuts_keep_the_departure_only_as_far_as_each_helped():
    from tests.conftest import make_panel, tiny_forecaster

    # 30 points, window 4 + decoder 3: cuts 6, 9, ... 21 points back have
    # training windows (a cut needs window + decoder points before it)
    y = make_panel(lengths=(30, 24, 30), start_offsets=(0, 6, 0))
    one = tiny_forecaster(interval_calibration="backtest").fit(y, fh=[1, 2, 3])
    three = tiny_forecaster(interval_calibration="backtest", backtest_origins=3).fit(
        y, fh=[1, 2, 3]
    )
    assert len(one.backtest_weights_) == 1
    assert one.departure_weight_ == one.backtest_weights_[0]
    weights = three.backtest_weights_
    # a cut whose weight is 0 ends the search (the minimum cannot rise)
    assert len(weights) == _cuts_trained(weights, 3)
    # the latest cut is the same network (same seed): the same weight
    assert weights[0] == one.backtest_weights_[0]
    assert three.departure_weight_ == min(weights)
    assert all(0.0 <= w <= 1.0 for w in weights)
    # the intervals still come from the latest cut
    np.testing.assert_array_equal(np.isnan(three.residuals_), np.isnan(one.residuals_))


def test_backtest_cuts_stop_where_the_series_have_no_training_window(monkeypatch):
    import sktime_gru._backtest as backtest
    from tests.conftest import make_panel, tiny_forecaster

    # every cut helps half: nothing ends the search but the series' length
    monkeypatch.setattr(backtest, "departure_weight", lambda b, t: 0.5)
    y = make_panel(lengths=(30, 24, 30), start_offsets=(0, 6, 0))
    many = tiny_forecaster(backtest_origins=50).fit(y, fh=[1, 2, 3])
    # cuts 6, 9, ..., 21 points back: 30 - 21 = 9 >= window 4 + decoder 3
    assert many.backtest_weights_ == [0.5] * 6
    assert many.departure_weight_ == 0.5
