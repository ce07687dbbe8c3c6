"""End-to-end behaviour of GRUEncoderDecoderForecaster through sktime's API."""

import random
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sktime.forecasting.base import ForecastingHorizon

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru._predicting import horizon_steps
from sktime_gru._specs import predict_state
from tests.conftest import make_panel, seasonal, tiny_forecaster


def test_import_loads_no_keras_backend():
    # sktime's own forecasting package imports torch when it is installed
    # (its pytorch adapters): what it loads is no part of ours
    code = (
        "import sys; backends = {'tensorflow', 'keras', 'jax', 'torch'}; "
        "import sktime_gru; assert not (backends | {'sktime'}) & set(sys.modules); "
        "import sktime.forecasting.base; baseline = backends & set(sys.modules); "
        "from sktime_gru import GRUEncoderDecoderForecaster; "
        "GRUEncoderDecoderForecaster(); "
        "assert backends & set(sys.modules) == baseline, baseline"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_series_fit_predict_index_and_name(series):
    f = tiny_forecaster().fit(series, fh=[1, 2, 3])
    pred = f.predict()
    assert isinstance(pred, pd.Series) and pred.name == "y"
    expected = pd.period_range(series.index[-1] + 1, periods=3, freq="M")
    assert pred.index.equals(expected)
    assert np.all(np.isfinite(pred))


def test_multivariate_dataframe_jointly():
    idx = pd.period_range("2000-01", periods=40, freq="M")
    y = pd.DataFrame(
        {"a": seasonal(40), "b": seasonal(40, phase=3, level=50)}, index=idx
    )
    pred = tiny_forecaster().fit(y, fh=[1, 2]).predict()
    assert list(pred.columns) == ["a", "b"] and len(pred) == 2
    assert tiny_forecaster().fit(y, fh=[1]).network_.output_shape[-1] == 2


@pytest.mark.parametrize(
    "index",
    [
        pd.date_range("2000-01-01", periods=40, freq="D"),
        pd.RangeIndex(40),
        pd.Index(np.arange(100, 140)),
    ],
    ids=["datetime", "range", "int"],
)
def test_index_types(index):
    y = pd.Series(seasonal(40), index=index)
    pred = tiny_forecaster().fit(y, fh=[1, 5]).predict()
    if isinstance(index, pd.DatetimeIndex):
        expected = [index[-1] + pd.Timedelta(days=k) for k in (1, 5)]
    else:
        expected = [index[-1] + k for k in (1, 5)]
    assert list(pred.index) == expected


def test_panel_with_different_lengths_and_starts(panel):
    f = tiny_forecaster().fit(panel, fh=[1, 2, 3])
    pred = f.predict()
    assert pred.index.names == panel.index.names
    cutoff = panel.index.get_level_values(-1).max()
    expected_times = pd.period_range(cutoff + 1, periods=3, freq="M")
    for name in ["s0", "s1", "s2"]:
        assert pred.loc[name].index.equals(expected_times)
    assert np.all(np.isfinite(pred.to_numpy()))
    assert f.n_windows_ == sum(n - 4 - 3 + 1 for n in (30, 24, 36))


def test_series_ending_before_cutoff_is_rolled_to_the_common_times():
    # s0 ends 6 months before s1: its forecast for cutoff + 1 is 7 steps ahead
    y = make_panel(lengths=(30, 30), start_offsets=(0, 6))
    f = tiny_forecaster(output_length=2).fit(y, fh=[1, 2])
    np.testing.assert_array_equal(horizon_steps(predict_state(f), f.fh)[:, 0], [7, 1])
    pred = f.predict()
    assert pred.shape == (4, 1) and np.all(np.isfinite(pred.to_numpy()))


def test_hierarchical_data():
    from sktime.utils._testing.hierarchical import _make_hierarchical

    y = _make_hierarchical(
        hierarchy_levels=(2, 2), min_timepoints=20, max_timepoints=20
    )
    pred = tiny_forecaster().fit(y, fh=[1, 2]).predict()
    assert pred.index.nlevels == 3 and len(pred) == 8


def test_subset_and_long_horizon_rolls_recursively(series):
    f = tiny_forecaster(output_length=3).fit(series, fh=[1, 6, 18])
    assert f.output_length_ == 3
    pred = f.predict()
    assert len(pred) == 3 and np.all(np.isfinite(pred))
    # the recursive path agrees with predicting the full range
    full = f.predict(fh=range(1, 19))
    np.testing.assert_allclose(pred.to_numpy(), full.iloc[[0, 5, 17]].to_numpy())


def test_output_length_defaults_to_largest_fit_step(series):
    f = tiny_forecaster(output_length=None).fit(series, fh=[2, 5])
    assert f.output_length_ == 5
    g = tiny_forecaster(output_length=None, window_length=6).fit(series)
    assert g.output_length_ == 6
    assert len(g.predict(fh=[1, 2])) == 2


def test_absolute_fh(series):
    f = tiny_forecaster().fit(series)
    fh = ForecastingHorizon(
        pd.PeriodIndex(["2003-06", "2003-08"], freq="M"), is_relative=False
    )
    pred = f.predict(fh=fh)
    assert list(pred.index.astype(str)) == ["2003-06", "2003-08"]


def test_same_random_state_same_forecasts_and_global_rng_untouched(panel):
    random.seed(123)
    np.random.seed(123)
    py_state, np_state = random.getstate(), np.random.get_state()
    # "windows" calibration: no backtest that could set the departure to 0
    kw = dict(n_epochs=3, interval_calibration="windows")
    a = tiny_forecaster(random_state=7, **kw).fit(panel, fh=[1, 2, 3]).predict()
    assert random.getstate() == py_state
    after = np.random.get_state()
    assert after[0] == np_state[0] and np.array_equal(after[1], np_state[1])
    assert after[2:] == np_state[2:]
    b = tiny_forecaster(random_state=7, **kw).fit(panel, fh=[1, 2, 3]).predict()
    pd.testing.assert_frame_equal(a, b)
    c = tiny_forecaster(random_state=8, **kw).fit(panel, fh=[1, 2, 3]).predict()
    assert not np.allclose(a.to_numpy(), c.to_numpy())


def test_graph_mode_matches_eager_mode(series):
    eager = tiny_forecaster(run_eagerly=True).fit(series, fh=[1, 2]).predict()
    graph = tiny_forecaster(run_eagerly=False).fit(series, fh=[1, 2]).predict()
    np.testing.assert_allclose(eager.to_numpy(), graph.to_numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("scaling", ["global", "per_series", None])
def test_scaling_options_fit_and_predict(panel, scaling):
    f = tiny_forecaster(scaling=scaling).fit(panel, fh=[1])
    assert np.all(np.isfinite(f.predict().to_numpy()))
    groups = {"global": 1, "per_series": 3, None: 1}[scaling]
    assert f.scaler_.data_min.shape == (groups, 1)


def test_training_learns_a_seasonal_pattern():
    # a clean seasonal panel: a trained network beats the global mean clearly
    y = make_panel(lengths=(120, 120, 120), start_offsets=(0, 0, 0))
    train = y.groupby(level=0).head(108)
    test = y.groupby(level=0).tail(12)
    f = GRUEncoderDecoderForecaster(
        window_length=12,
        output_length=12,
        units=16,
        n_epochs=30,
        random_state=0,
        scaling="per_series",
    ).fit(train, fh=range(1, 13))
    pred = f.predict()
    mae = np.abs(pred.to_numpy() - test.loc[pred.index].to_numpy()).mean()
    mean_mae = np.abs(
        test.to_numpy()
        - train.groupby(level=0)
        .mean()
        .reindex(test.index.get_level_values(0))
        .to_numpy()
    ).mean()
    assert mae < 0.5 * mean_mae, (mae, mean_mae)


def test_recent_windows_trains_on_the_latest_windows_only(panel):
    # "windows" calibration: no backtest, so the network is kept whole
    params = dict(n_epochs=1, interval_calibration="windows")
    with pytest.warns(UserWarning):  # in-sample intervals are optimistic
        f = tiny_forecaster(recent_windows=6, **params).fit(panel, fh=[1, 2, 3])
        every = tiny_forecaster(**params).fit(panel, fh=[1, 2, 3])
    pred = f.predict().to_numpy()
    assert np.isfinite(pred).all()
    assert not np.allclose(pred, every.predict().to_numpy())


def test_validation_split_and_early_stopping(panel):
    # no backtest: it may keep none of the network (then the members do not train)
    f = tiny_forecaster(
        validation_split=0.2, patience=1, n_epochs=5, interval_calibration="windows"
    ).fit(panel, fh=[1])
    assert "val_loss" in f.history_
    assert len(f.history_["loss"]) <= 5


def test_update_without_params_moves_window(series):
    train, new = series.iloc[:36], series.iloc[36:]
    f = tiny_forecaster().fit(train, fh=[1, 2])
    weights = [w.copy() for w in f.network_.get_weights()]
    f.update(new, update_params=False)
    assert f.cutoff[0] == series.index[-1]
    pred = f.predict()
    assert pred.index[0] == series.index[-1] + 1
    for a, b in zip(weights, f.network_.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_update_with_params_fine_tunes(series):
    train, new = series.iloc[:30], series.iloc[30:]
    # no backtest: it may keep none of the network (then update trains nothing)
    f = tiny_forecaster(update_epochs=2, interval_calibration="windows")
    f.fit(train, fh=[1, 2])
    before = [w.copy() for w in f.network_.get_weights()]
    f.update(new, update_params=True)
    changed = any(
        not np.array_equal(a, b) for a, b in zip(before, f.network_.get_weights())
    )
    assert changed
    assert np.all(np.isfinite(f.predict()))


def test_caller_data_not_mutated(panel):
    original = panel.copy(deep=True)
    tiny_forecaster().fit(panel, fh=[1, 2]).predict()
    pd.testing.assert_frame_equal(panel, original)


def test_series_too_short_for_any_training_window_are_refused():
    y = make_panel(lengths=(3, 2), start_offsets=(0, 0))
    with pytest.raises(ValueError, match=r"longest series has 3 time points.*= 4"):
        tiny_forecaster().fit(y, fh=[1])


def test_short_series_in_a_panel_are_learned_from_and_forecast():
    # window 4 + output 3 = 7: 's1' (5 points) and 's2' (2 points) are short
    y = make_panel(lengths=(30, 5, 2), start_offsets=(0, 25, 28))
    f = tiny_forecaster(interval_calibration="windows").fit(y, fh=[1, 2, 3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "NaN filled" warning for them
        pred = f.predict()
        intervals = f.predict_interval()
    assert pred.shape == (9, 1) and np.isfinite(pred.to_numpy()).all()
    assert np.isfinite(intervals.to_numpy()).all()
    # 's1' gives training windows (2 observed targets after >= 1 input):
    # windows of the long series (24) + padded windows of 's1' (5 - 3 = 2)
    assert f.n_windows_ == 24 + 2


@pytest.mark.parametrize(
    "param, value, match",
    [
        ("units", 0, "units must be an integer >= 1, got 0"),
        ("window_length", 0, "window_length must be"),
        ("scaling", "robust", "scaling must be one of"),
        ("batch_size", 0, "batch_size must be"),
        ("validation_split", 1.0, r"validation_split must be a number in \[0, 1\)"),
        ("n_epochs", -1, "epochs must be"),
    ],
)
def test_invalid_params_raise_named_errors(series, param, value, match):
    with pytest.raises(ValueError, match=match):
        tiny_forecaster(**{param: value}).fit(series, fh=[1])


def test_failed_fit_leaves_fitted_forecaster_intact(series):
    f = tiny_forecaster().fit(series, fh=[1, 2])
    before = f.predict()
    cutoff = f.cutoff
    with pytest.raises(ValueError, match="fewer than output_length"):
        f.fit(series.iloc[:2], fh=[1, 2])
    assert f.is_fitted and f.cutoff.equals(cutoff)
    pd.testing.assert_series_equal(f.predict(), before)
    g = tiny_forecaster()
    with pytest.raises(ValueError):
        g.fit(series.iloc[:2], fh=[1, 2])
    assert not g.is_fitted


def _panel_with_one_trend(n_flat=6, n=72):
    rng = np.random.default_rng(11)
    t = np.arange(n)
    season = 3 * np.sin(2 * np.pi * t / 12)
    values = [50 + k + season + rng.normal(0, 1, n) for k in range(n_flat)]
    values.append(50 + 2 * t + season + rng.normal(0, 1, n))
    idx = pd.period_range("2000-01", periods=n, freq="M")
    return pd.concat(
        pd.DataFrame(
            {"y": v},
            index=pd.MultiIndex.from_product([[f"s{i}"], idx], names=["id", "t"]),
        )
        for i, v in enumerate(values)
    )


@pytest.mark.parametrize("calibration", ["windows", "backtest"])
def test_a_series_with_its_own_trend_is_forecast_by_its_own_backbone(calibration):
    # six seasonal series around steady levels and one with a steep trend:
    # the panel's backbone has no trend, the trending series takes its own
    # (backbone_["series_level"]) and is forecast by its own backbone alone,
    # whatever the network learned for the others
    y = _panel_with_one_trend()
    params = dict(window_length=12, output_length=6, interval_calibration=calibration)
    untrained = tiny_forecaster(n_epochs=0, **params).fit(y, fh=range(1, 7))
    trained = tiny_forecaster(n_epochs=1, max_steps_per_epoch=3, **params)
    trained.fit(y, fh=range(1, 7))
    own = trained.backbone_["series_level"]
    assert trained.backbone_["phi"] is None
    assert own[:6] == (None,) * 6 and own[6] is not None
    before, after = untrained.predict(), trained.predict()
    np.testing.assert_allclose(after.loc["s6"], before.loc["s6"], rtol=1e-5)
    # the trend goes on: about 2 a month past the last point
    last = y.loc["s6", "y"].iloc[-12:].mean()
    assert (np.diff(after.loc["s6", "y"].to_numpy()) > 0).sum() >= 3
    assert after.loc["s6", "y"].mean() > last + 10
    if calibration == "windows":  # no backtest: the network's departure is kept
        assert not np.allclose(after.loc["s0"], before.loc["s0"])
    intervals = trained.predict_interval(coverage=0.8)
    lower, upper = intervals.iloc[:, 0], intervals.iloc[:, 1]
    assert (
        (lower.loc["s6"] < after.loc["s6", "y"])
        & (after.loc["s6", "y"] < upper.loc["s6"])
    ).all()
