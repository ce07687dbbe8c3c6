"""No configuration decodes to absurd forecasts: the range every forecast keeps."""

import numpy as np
import pandas as pd
import pytest

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru._bounds import departure_limits, forecast_bounds, limit_departure
from sktime_gru._encoding import Encoding
from sktime_gru._scaling import MinMaxStats


def _encoding(log=None):
    identity = MinMaxStats(np.array([[-1.0]]), np.array([[1.0]]))
    return Encoding(scaler=identity, per_series=False, n_targets=1, step=1, log=log)


def test_bounds_known_values():
    # series 0: 0, 1, 2, 3 (span 3, every 2-row slope 1, 3-row slope 1)
    # series 1: 5, 5, 9 (span 4, 3-row slope 2, but a gap makes one window)
    observed = np.array([[0.0], [1.0], [2.0], [3.0], [5.0], [5.0], [9.0]])
    offsets = np.array([0, 4, 7])
    steps = np.array([[1, 3], [0, 2]])  # in-sample step 0 counts as 1
    lo, hi = forecast_bounds(_encoding(), observed, offsets, steps, window=3)
    assert lo.shape == hi.shape == (2, 2, 1)
    np.testing.assert_allclose(lo[0, :, 0], [0 - 3 - 1, 0 - 3 - 3])
    np.testing.assert_allclose(hi[0, :, 0], [3 + 3 + 1, 3 + 3 + 3])
    np.testing.assert_allclose(lo[1, :, 0], [5 - 4 - 2, 5 - 4 - 4])
    np.testing.assert_allclose(hi[1, :, 0], [9 + 4 + 2, 9 + 4 + 4])
    # twice the reach for the quantiles of intervals
    lo2, hi2 = forecast_bounds(_encoding(), observed, offsets, steps, 3, widen=2)
    np.testing.assert_allclose(hi2[0, :, 0], [3 + 2 * 4, 3 + 2 * 6])


def test_bounds_on_the_log_scale_and_short_series():
    # a logged series is bounded on the log scale (a factor in its units);
    # a series shorter than the window falls back to its largest change
    observed = np.array([[1.0], [np.e], [np.e**2], [10.0], [12.0]])
    offsets = np.array([0, 3, 5])
    enc = _encoding(log=np.array([True, False]))
    lo, hi = forecast_bounds(enc, observed, offsets, np.array([[1], [1]]), 3)
    np.testing.assert_allclose([lo[0, 0, 0], hi[0, 0, 0]], [0 - 2 - 1, 2 + 2 + 1])
    np.testing.assert_allclose([lo[1, 0, 0], hi[1, 0, 0]], [10 - 2 - 2, 12 + 2 + 2])


def test_decode_clips_only_outside_the_bounds_and_keeps_nan():
    enc = _encoding(log=np.array([True]))
    values = np.array([[[0.5], [9.0], [np.nan], [-9.0]]])  # (1, 4, 1)
    bounds = (np.full((1, 4, 1), -1.0), np.array([[[1.0], [1.0], [1.0], [np.nan]]]))
    out = enc.decode(values, np.array([[0]]), bounds)
    np.testing.assert_allclose(out[0, :, 0], [np.exp(0.5), np.e, np.nan, np.exp(-1)])


def _levels_panel(n_steps=60, seed=0):
    """Monthly series at levels 10 .. 3e6, multiplicative; one not positive."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 12)
    frames = []
    for i, level in enumerate([10, 30, 100, 1e3, 1e4, 1e5, 1e6, 3e6]):
        noise = np.exp(rng.normal(0, 0.1, n_steps))
        values = level * season * noise * (1 + 0.01 * t)
        frames.append(pd.DataFrame({"id": f"s{i}", "t": t, "y": values}))
    values = 1e6 * season + rng.normal(0, 1e4, n_steps)
    values[5] = 0.0  # never logged: its targets stay in data units
    frames.append(pd.DataFrame({"id": "zero", "t": t, "y": values}))
    return pd.concat(frames).set_index(["id", "t"])


@pytest.mark.parametrize("scaling", ["global", None])
def test_levels_10_to_1e6_stay_in_a_sane_range(scaling):
    # with one min-max scale for series from 10 to 3e6, partly on the log
    # scale, the trained network's departures decoded to forecasts 300 times
    # the series' level before the bound (1e100 on M1)
    y = _levels_panel()
    f = GRUEncoderDecoderForecaster(
        scaling=scaling,
        n_epochs=10,
        ensemble_size=1,
        interval_calibration="windows",  # the full network: no backtest
        random_state=0,
    ).fit(y, fh=range(1, 13))
    assert f.departure_weight_ == 1.0
    y_pred = f.predict()["y"]
    quantiles = f.predict_interval(coverage=0.9)
    high = y["y"].groupby(level=0).max()
    low = y["y"].groupby(level=0).min()
    for name, forecast in y_pred.groupby(level=0):
        assert np.isfinite(forecast).all(), name
        assert forecast.max() <= 5 * high[name], name
        assert forecast.min() >= min(low[name] / 5, low[name] - high[name]), name
    assert np.isfinite(quantiles.to_numpy()).all()
    top = quantiles.max(axis=1).groupby(level=0).max()
    assert (top <= 400 * high.reindex(top.index)).all()


def test_departure_limits_are_each_series_range():
    scaled = np.array([[0.1], [0.5], [-0.2], [np.nan], [2.0], [2.0]])
    limits = departure_limits(scaled, np.array([0, 3, 6]))
    np.testing.assert_allclose(limits[:, 0], [0.7, 0.0])


def test_limit_departure_clips_only_what_exceeds_the_limit():
    # anchor: the window's mean; window values 1 and 3 -> base 2 at each step
    anchor = np.full((2, 2), 0.5)
    inputs = np.array([[[1.0, 9.0], [3.0, 9.0]]] * 3)  # (3, W=2, F=2), T=1
    out = np.array([[[2.3], [1.1]], [[2.0 + 1e-9], [2.4]], [[50.0], [-50.0]]])
    limit = np.array([[0.5], [0.5], [np.nan]])  # the third: no limit
    got = limit_departure(out, inputs, anchor, limit)
    # within the limit: exactly the network's value; beyond: base +- limit
    assert got[0, 0, 0] == 2.3 and got[1, 0, 0] == 2.0 + 1e-9
    np.testing.assert_allclose(got[0, 1, 0], 1.5)
    np.testing.assert_allclose(got[1, 1, 0], 2.4)
    np.testing.assert_array_equal(got[2], out[2])
    # without an anchor the departure is the whole output
    np.testing.assert_allclose(
        limit_departure(out[:1], inputs[:1], None, limit[:1])[0, :, 0], [0.5, 0.5]
    )


def test_fitted_limits_survive_save_and_load(tmp_path):
    from tests.conftest import tiny_forecaster

    y = _levels_panel(n_steps=30)
    f = tiny_forecaster().fit(y, fh=[1, 2])
    assert f.departure_limit_.shape == (y.index.get_level_values(0).nunique(), 1)
    assert (f.departure_limit_ > 0).all()
    f.save_model(tmp_path / "m")
    g = GRUEncoderDecoderForecaster.load_model(tmp_path / "m")
    np.testing.assert_array_equal(g.departure_limit_, f.departure_limit_)
    pd.testing.assert_frame_equal(g.predict(), f.predict())
