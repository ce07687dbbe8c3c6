"""In-sample forecasts through sktime's API: what a user does with them.

An in-sample time point is forecast one step ahead, as ``predict`` would have
forecast it had the series ended just before it (see the class Notes).
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from sktime_gru import _insample
from tests.conftest import make_panel, seasonal, tiny_forecaster

# "windows" calibration: no backtest network, so these fit in about a second
FAST = dict(interval_calibration="windows")


@pytest.fixture(scope="module")
def panel_fit():
    # s1 starts 6 months after s0; s2 runs 6 months past s0 and s1
    y = make_panel()
    return y, tiny_forecaster(**FAST).fit(y, fh=[1, 2, 3])


def test_mixed_fh_on_a_panel_keeps_the_out_of_sample_forecasts(panel_fit):
    y, f = panel_fit
    mixed = f.predict(fh=[-2, -1, 0, 1, 2])
    ahead = f.predict(fh=[1, 2])
    cutoff = y.index.get_level_values(-1).max()
    times = pd.period_range(cutoff - 2, cutoff + 2, freq="M")
    for name in ["s0", "s1", "s2"]:
        assert mixed.loc[name].index.equals(times)
    # the out-of-sample part is exactly what predict(fh=[1, 2]) gives
    pd.testing.assert_frame_equal(mixed.loc[ahead.index], ahead, check_exact=True)
    assert np.isfinite(mixed.to_numpy()).all()


def test_in_sample_point_is_the_one_step_forecast_made_before_it():
    # window 4 + output 3: 's1' (5 points) is a short series, forecast from a
    # padded window; in-sample after update must reproduce predict's forecast
    y = make_panel(lengths=(30, 5, 36), start_offsets=(6, 31, 0))
    times = y.index.get_level_values(-1)
    cut = times.max() - 3
    f = tiny_forecaster(**FAST).fit(y[times <= cut], fh=[1, 2, 3])
    before = f.predict(fh=[1])
    f.update(y[times > cut], update_params=False)
    after = f.predict(fh=[-2])  # new cutoff - 2 == old cutoff + 1
    assert after.index.equals(before.index)
    np.testing.assert_allclose(after.to_numpy(), before.to_numpy(), rtol=1e-6)


def test_in_sample_with_X_uses_the_known_X_of_the_point():
    idx = pd.period_range("2000-01", periods=40, freq="M")
    y = pd.Series(seasonal(40), index=idx, name="y")
    X = pd.DataFrame({"x": np.cos(np.arange(40.0))}, index=idx)
    f = tiny_forecaster(**FAST).fit(y[:37], X=X[:37], fh=[1, 2, 3])
    before = f.predict(fh=[1], X=X[37:])
    f.update(y[37:], X=X[37:], update_params=False)
    after = f.predict(fh=[-2])  # no X needed: the X of fit and update is kept
    np.testing.assert_allclose(after.to_numpy(), before.to_numpy(), rtol=1e-6)
    other = f.predict(fh=[-2, -1, 0, 1], X=pd.DataFrame({"x": [0.0]}, idx[-1:] + 1))
    np.testing.assert_allclose(other.iloc[:1].to_numpy(), after.to_numpy())


def test_nan_before_and_at_each_series_first_observation(panel_fit):
    y, f = panel_fit
    earliest = -35  # s0 and s2 start 35 months before the cutoff
    pred = f.predict(fh=range(earliest, 1))
    for name, first in [("s0", "2000-01"), ("s1", "2000-07"), ("s2", "2000-01")]:
        values = pred.loc[name, "y"]
        start = pd.Period(first, freq="M")
        assert values[values.index <= start].isna().all()
        # s0 ends 6 months early: its later points are forecast from its end
        assert values[values.index > start].notna().all()


def test_predict_residuals_without_and_with_y(panel_fit):
    y, f = panel_fit
    fh = list(f.fh)
    res = f.predict_residuals()
    assert res.index.equals(y.index)
    pd.testing.assert_frame_equal(res, f.predict_residuals(y))
    assert list(f.fh) == fh  # no side effect on the stored fh
    # exactly y minus the in-sample forecasts; NaN at the first observations
    pred = f.predict(fh=range(-35, 1))
    np.testing.assert_allclose(res, y - pred.loc[y.index])
    assert res.isna().sum().item() == 3


def test_predict_residuals_of_a_series_is_a_series(series):
    f = tiny_forecaster(**FAST).fit(series, fh=[1, 2])
    res = f.predict_residuals()
    assert isinstance(res, pd.Series) and res.name == "y"
    assert res.index.equals(series.index) and res.isna().sum() == 1
    assert res.abs().mean() < series.std()  # forecasts, not garbage


def test_in_sample_intervals_use_the_first_step_residuals(panel_fit):
    y, f = panel_fit
    fh = [-3, -1, 0]
    pred = f.predict(fh=fh)
    q = f.predict_quantiles(fh=fh, alpha=[0.05, 0.5, 0.95])
    np.testing.assert_allclose(q[("y", 0.5)], pred["y"])
    assert (q[("y", 0.05)] < pred["y"]).all() and (pred["y"] < q[("y", 0.95)]).all()
    # s2 ends at the cutoff: one step ahead in-sample, as step 1 out of sample
    width = (q[("y", 0.95)] - q[("y", 0.05)]).loc["s2"]
    ahead = f.predict_interval(fh=[1], coverage=0.9).loc["s2"]
    step1 = (ahead[("y", 0.9, "upper")] - ahead[("y", 0.9, "lower")]).iloc[0]
    if f.log_series_ is None or not f.log_series_[2]:  # logs: widths vary
        np.testing.assert_allclose(width, step1)
    var = f.predict_var(fh=fh)
    assert np.isfinite(var.to_numpy()).all() and (var.to_numpy() > 0).all()


def test_in_sample_after_update_follows_the_new_cutoff(series):
    f = tiny_forecaster(**FAST).fit(series.iloc[:34], fh=[1, 2])
    old = f.predict(fh=range(-10, 1))
    f.update(series.iloc[34:], update_params=False)
    new = f.predict(fh=range(-16, 1))  # the same points and the 6 new ones
    assert new.index.equals(series.index[-17:])
    pd.testing.assert_series_equal(new.loc[old.index], old)
    assert np.isfinite(new.to_numpy()).all()


def test_in_sample_fills_gaps_in_the_input_window(series):
    y = series.copy()
    y.iloc[[10, 11, 20]] = np.nan
    f = tiny_forecaster(**FAST).fit(y, fh=[1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # in-sample gaps are filled silently
        pred = f.predict(fh=range(-38, 1))
    assert np.isfinite(pred.to_numpy()).all()


def test_all_in_sample_points_go_through_one_network_call(panel_fit, monkeypatch):
    y, f = panel_fit
    calls = []
    original = _insample.predict_network

    def counting(network, inputs, *args, **kwargs):
        calls.append(len(inputs))
        return original(network, inputs, *args, **kwargs)

    monkeypatch.setattr(_insample, "predict_network", counting)
    f.predict(fh=range(-35, 1))
    # every series x every time in one batch; s0 and s1 end 6 months before
    # the cutoff: their last 6 points are forecast from their end instead
    assert calls == [3 * 36 - 2 * 6]


def test_reconciler_mint_shrink_on_a_hierarchy():
    from sktime.forecasting.reconcile import ReconcilerForecaster
    from sktime.utils._testing.hierarchical import _make_hierarchical

    y = _make_hierarchical(
        hierarchy_levels=(2, 2), min_timepoints=24, max_timepoints=24, random_state=0
    )
    r = ReconcilerForecaster(tiny_forecaster(**FAST), method="mint_shrink")
    r.fit(y, fh=[1, 2])
    assert np.isfinite(r.error_cov_matrix_.to_numpy()).all()
    assert r.residuals_.notna().to_numpy().mean() > 0.95  # first points only
    pred = r.predict()
    assert np.isfinite(pred.to_numpy()).all()
    # coherent: every total is the sum of the series below it
    flat = pred["c0"].unstack(-1)  # -> (node, time)
    top, leaf = (flat.index.get_level_values(i) for i in (0, 1))
    bottom = flat[(top != "__total") & (leaf != "__total")]
    total = flat.loc[("__total", "__total")]
    np.testing.assert_allclose(total, bottom.sum(), rtol=1e-6)


def test_evaluate_with_in_sample_fh_and_metrics():
    from sktime.forecasting.model_evaluation import evaluate
    from sktime.performance_metrics.forecasting import (
        MeanAbsoluteError,
        MeanAbsoluteScaledError,
    )
    from sktime.performance_metrics.forecasting.probabilistic import PinballLoss
    from sktime.split import ExpandingWindowSplitter

    y = make_panel(lengths=(36, 36), start_offsets=(0, 0))
    cv = ExpandingWindowSplitter(fh=[-1, 0, 1, 2], initial_window=24, step_length=6)
    results = evaluate(
        tiny_forecaster(**FAST),
        cv=cv,
        y=y,
        scoring=[MeanAbsoluteError(), MeanAbsoluteScaledError(), PinballLoss()],
        return_data=True,
    )
    assert len(results) == 2
    for column in ["test_MeanAbsoluteError", "test_MeanAbsoluteScaledError"]:
        assert np.isfinite(results[column]).all()
    assert np.isfinite(results["test_PinballLoss"]).all()
    assert len(results["y_pred"].iloc[0]) == 2 * 4


def test_forecaster_without_kept_rows_refuses_in_sample_clearly(series):
    # as one saved by an older version: future steps work, in-sample cannot
    from sktime_gru.forecaster import InSampleHorizonError

    f = tiny_forecaster(**FAST).fit(series, fh=[1, 2])
    expected = f.predict()
    del f.observed_, f.observed_offsets_
    pd.testing.assert_series_equal(f.predict(), expected)
    with pytest.raises(InSampleHorizonError, match=r"in-sample steps \[-1, 0\].*fit"):
        f.predict(fh=[-1, 0, 1])
    with pytest.raises(ValueError, match="pass y to predict_residuals"):
        f.predict_residuals()
