"""The rest of the forecaster contract: intervals, X, update, pretrain, NaN."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sktime.forecasting.model_evaluation import evaluate
from sktime.performance_metrics.forecasting import mean_absolute_error
from sktime.split import ExpandingWindowSplitter, SlidingWindowSplitter

from sktime_gru._backend import to_numpy
from tests.conftest import make_panel, tiny_forecaster

# ------------------------------------------------------------- intervals --


def test_quantiles_monotone_and_sktime_format(panel):
    f = tiny_forecaster(
        validation_split=0.3, n_epochs=2, interval_calibration="windows"
    ).fit(panel, fh=[1, 2, 3])
    alpha = [0.05, 0.1, 0.5, 0.9, 0.95]
    q = f.predict_quantiles(alpha=alpha)
    assert list(q.columns) == [("y", a) for a in alpha]
    assert q.index.equals(f.predict().index)
    values = q.to_numpy()
    assert np.all(np.diff(values, axis=1) >= 0)
    assert f.calibration_ == "held-out"


def test_backtest_calibration_uses_held_back_windows_only(panel):
    """Default: residuals of a network that never saw the held-back points."""
    f = tiny_forecaster(n_epochs=1).fit(panel, fh=[1, 2, 3])
    assert f.calibration_ == "backtest"
    # longest series 36: held back min(2 * 3, 36 - 4 - 3) = 6 points, one
    # forecast origin per held-back point but the last: 6 per series; the
    # later origins' targets run past the series' end (NaN)
    assert f.residuals_.shape == (3 * 6, 3, 1)
    finite_per_step = np.isfinite(f.residuals_).sum(axis=0)[:, 0]
    assert list(finite_per_step) == [18, 15, 12]
    q = f.predict_quantiles(alpha=[0.1, 0.5, 0.9])
    assert np.all(np.diff(q.to_numpy(), axis=1) >= 0)


def test_backtest_falls_back_with_a_warning_on_short_series():
    y = make_panel(lengths=(9, 8), start_offsets=(0, 0))  # < 4 + 2 * 3
    with pytest.warns(UserWarning, match="interval_calibration='backtest' needs"):
        f = tiny_forecaster(n_epochs=1).fit(y, fh=[1, 2, 3])
    assert f.calibration_ == "training"
    assert np.isfinite(f.predict_interval(coverage=0.9).to_numpy()).all()


@pytest.mark.parametrize("calibration", ["windows", "backtest"])
def test_interval_contains_point_and_widens_beyond_decoder(series, calibration):
    f = tiny_forecaster(
        output_length=2,
        validation_split=0.3,
        interval_calibration=calibration,
        log_transform=False,  # widths in the scaled space are the data's
    ).fit(series, fh=[1])
    fh = list(range(1, 9))
    point = f.predict(fh=fh)
    pi = f.predict_interval(fh=fh, coverage=[0.8, 0.95])
    lo80, hi80 = pi[("y", 0.8, "lower")], pi[("y", 0.8, "upper")]
    lo95, hi95 = pi[("y", 0.95, "lower")], pi[("y", 0.95, "upper")]
    assert np.all(lo95 <= lo80) and np.all(hi80 <= hi95)
    # the residuals are centred on their median: every interval holds the point
    assert np.all(lo80 <= point) and np.all(point <= hi80)
    median = f.predict_quantiles(fh=fh, alpha=[0.5])
    np.testing.assert_allclose(median.to_numpy()[:, 0], point.to_numpy(), rtol=1e-12)
    width = (hi95 - lo95).to_numpy()
    # beyond output_length=2 the last step's quantiles grow with sqrt(step / 2)
    np.testing.assert_allclose(width[3] / width[1], np.sqrt(4 / 2), rtol=1e-6)
    assert np.all(np.diff(width[1:]) >= 0)


def test_predict_var_positive_and_indexed(panel):
    f = tiny_forecaster(validation_split=0.3).fit(panel, fh=[1, 2])
    var = f.predict_var()
    assert var.index.equals(f.predict().index)
    assert np.all(var.to_numpy() > 0)


@pytest.mark.parametrize(
    "calibration",
    [{}, {"interval_calibration": "windows", "validation_split": 0.25}],
    ids=["backtest", "held-out"],
)
def test_intervals_are_roughly_calibrated_on_synthetic_panel(calibration):
    # i.i.d. noise around a seasonal signal: out-of-sample residuals calibrate
    y = make_panel(lengths=(96,) * 6, start_offsets=(0,) * 6)
    train = y.groupby(level=0).head(84)
    test = y.groupby(level=0).tail(12)
    f = tiny_forecaster(
        window_length=12,
        output_length=12,
        units=8,
        n_epochs=15,
        run_eagerly=False,
        scaling="per_series",
        **calibration,
    ).fit(train, fh=range(1, 13))
    pi = f.predict_interval(coverage=0.8)
    actual = test.loc[pi.index, "y"].to_numpy()
    inside = (pi.iloc[:, 0].to_numpy() <= actual) & (actual <= pi.iloc[:, 1].to_numpy())
    assert 0.55 <= inside.mean() <= 1.0, inside.mean()


# ------------------------------------------------------------- exogenous --


def _driven_by_x(n_series=4, n=60, seed=0):
    rng = np.random.default_rng(seed)
    frames_y, frames_x = [], []
    for i in range(n_series):
        idx = pd.MultiIndex.from_product(
            [[f"s{i}"], pd.period_range("2000-01", periods=n, freq="M")],
            names=["series", "time"],
        )
        x = rng.normal(size=n)
        # the target is (almost) the exogenous signal itself: not predictable
        # from the target's own past, trivially so from X
        frames_x.append(pd.DataFrame({"x": x}, index=idx))
        frames_y.append(pd.DataFrame({"y": 3 * x + rng.normal(0, 0.1, n)}, index=idx))
    return pd.concat(frames_y), pd.concat(frames_x)


def test_model_uses_exogenous_x():
    y, X = _driven_by_x()
    is_train = y.index.get_level_values(1) < pd.Period("2004-07", "M")
    y_train, y_test = y[is_train], y[~is_train]
    X_train, X_test = X[is_train], X[~is_train]
    params = dict(
        window_length=4,
        output_length=3,
        units=16,
        n_epochs=40,
        batch_size=16,
        run_eagerly=False,
        learning_rate=3e-3,
        seasonal_period=None,  # white-noise data: no seasonal cycle to remove
    )
    with_x = tiny_forecaster(**params).fit(y_train, X_train, fh=[1, 2, 3])
    without = tiny_forecaster(**params).fit(y_train, fh=[1, 2, 3])
    y_true = y_test.groupby(level=0).head(3)
    mae_x = mean_absolute_error(y_true, with_x.predict(X=X_test).loc[y_true.index])
    mae_no = mean_absolute_error(y_true, without.predict().loc[y_true.index])
    assert mae_x < 0.5 * mae_no, (mae_x, mae_no)


def test_x_errors_name_the_problem():
    y, X = _driven_by_x(n_series=2, n=30)
    is_train = y.index.get_level_values(1) < pd.Period("2002-01", "M")
    f = tiny_forecaster().fit(y[is_train], X[is_train], fh=[1, 2])
    with pytest.raises(ValueError, match="needs X for the forecast period"):
        f.predict()
    X_test = X[~is_train]
    with pytest.raises(ValueError, match="X has columns"):
        f.predict(X=X_test.rename(columns={"x": "z"}))
    # X shorter than fh: the second step is missing for every series
    short = X_test.groupby(level=0).head(1)
    with pytest.raises(ValueError, match="X for predict has no complete row"):
        f.predict(fh=[1, 2], X=short)
    g = tiny_forecaster().fit(y[is_train], fh=[1])
    with pytest.raises(ValueError, match="fitted without X"):
        g.predict(X=X_test)


def test_calendar_feature_auto_monthly():
    y = make_panel()
    f = tiny_forecaster(seasonal_period="auto").fit(y, fh=[1, 2])
    assert f.seasonal_period_ == 12
    assert f.network_.input_shape[0][-1] == 1 + 2  # target + sin/cos
    assert np.all(np.isfinite(f.predict().to_numpy()))
    g = tiny_forecaster(seasonal_period="auto").fit(pd.Series(np.arange(30.0)), fh=[1])
    assert g.seasonal_period_ is None


# ----------------------------------------------------------------- update --


@pytest.mark.parametrize("strategy", ["refit", "update", "no-update_params"])
@pytest.mark.parametrize(
    "splitter_cls", [ExpandingWindowSplitter, SlidingWindowSplitter]
)
def test_evaluate_strategies(strategy, splitter_cls):
    y = make_panel(lengths=(40, 40), start_offsets=(0, 0))
    cv = (
        splitter_cls(fh=[1, 2, 3], window_length=30, step_length=3)
        if (splitter_cls is SlidingWindowSplitter)
        else splitter_cls(fh=[1, 2, 3], initial_window=30, step_length=3)
    )
    res = evaluate(tiny_forecaster(n_epochs=1), cv=cv, y=y, strategy=strategy)
    assert len(res) == 3
    assert np.all(np.isfinite(res.filter(like="test_").to_numpy(dtype=float)))


def test_update_without_params_equals_prediction_from_newer_window(series):
    f1 = tiny_forecaster().fit(series.iloc[:36], fh=[1, 2])
    f2 = tiny_forecaster().fit(series.iloc[:36], fh=[1, 2])
    f1.update(series.iloc[36:], update_params=False)
    # overlapping data is accepted: only the rows after the last seen are used
    f2.update(series, update_params=False)
    pd.testing.assert_series_equal(f1.predict(), f2.predict())


def test_update_rejects_gap_and_unknown_instance(panel):
    f = tiny_forecaster().fit(panel, fh=[1])
    later = make_panel(lengths=(3,), start_offsets=(40,))
    with pytest.raises(ValueError, match="leaving a gap"):
        f.update(later, update_params=False)
    other = later.rename(index={"s0": "unknown"}, level=0)
    with pytest.raises(ValueError, match="not seen in fit"):
        f.update(other, update_params=False)


# --------------------------------------------------------------- pretrain --


def test_pretrain_then_fit_unseen_series_keeps_weights():
    y = make_panel(lengths=(40,) * 4, start_offsets=(0,) * 4)
    seen = y.loc[["s0", "s1", "s2"]]
    unseen = y.loc[["s3"]]
    f = tiny_forecaster(scaling="per_series")
    f.pretrain(seen, fh=[1, 2, 3])
    assert f.state == "pretrained"
    weights = [w.copy() for w in f.pretrained_network_.get_weights()]
    f.fit(unseen)
    assert f.state == "fitted"
    for a, b in zip(weights, f.network_.get_weights()):
        np.testing.assert_array_equal(a, b)
    pred = f.predict(fh=[1, 2, 3])
    assert list(pred.index.get_level_values(0).unique()) == ["s3"]
    assert f.calibration_ == "new series"

    # fine-tuning changes a copy, never the pretrained network
    g = tiny_forecaster(scaling="per_series", fine_tune_epochs=2)
    g.pretrain(seen, fh=[1, 2, 3])
    g.fit(unseen)
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(g.pretrained_network_.get_weights(), g.network_.get_weights())
    )
    for a, b in zip(weights, g.pretrained_network_.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_pretrain_update_and_column_mismatch():
    y = make_panel(lengths=(40,) * 3, start_offsets=(0,) * 3)
    f = tiny_forecaster().pretrain(y, fh=[1, 2])
    f.pretrain(y)  # second call: continues training (_pretrain_update)
    wide = y.assign(z=1.0)
    with pytest.raises(ValueError, match=r"pretrained on 1 y column\(s\)"):
        f.fit(wide)


# ---------------------------------------------------------- missing values --


def test_nan_windows_are_dropped_and_forecasts_finite():
    y = make_panel(lengths=(40, 40), start_offsets=(0, 0))
    clean = tiny_forecaster().fit(y, fh=[1])
    holes = y.copy()
    holes.iloc[[5, 50]] = np.nan
    f = tiny_forecaster().fit(holes, fh=[1])
    # row 5 sits in the 6 windows starting at 0..5 of s0, row 50 (s1's 11th)
    # in the 7 windows starting at its local 4..10: all dropped
    assert f.n_windows_ == clean.n_windows_ - 6 - 7
    assert np.all(np.isfinite(f.predict().to_numpy()))


def test_nan_in_last_window_is_filled_with_warning():
    y = make_panel(lengths=(30, 30), start_offsets=(0, 0))
    y.iloc[-2] = np.nan
    f = tiny_forecaster().fit(y, fh=[1])
    with pytest.warns(UserWarning, match="instance 's1'"):
        pred = f.predict()
    assert np.all(np.isfinite(pred.to_numpy()))


def test_all_nan_last_window_raises_named_error():
    y = make_panel(lengths=(30, 30), start_offsets=(0, 0))
    y.iloc[-4:] = np.nan
    f = tiny_forecaster().fit(y, fh=[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="instance 's1' has no observed value"):
            f.predict()


# ----------------------------------------------------------- deseasonalize --


def test_deseasonalize_forecasts_departures_from_profile():
    y = make_panel(lengths=(60, 60), start_offsets=(0, 0))
    f = tiny_forecaster(
        seasonal_period=12, deseasonalize=True, scaling="per_series", n_epochs=1
    ).fit(y, fh=[1, 2, 3])
    assert f.profile_.shape == (2, 12, 1)
    pred = f.predict()
    # with a barely trained network the forecast stays near the climatology
    clim = y.groupby(
        [y.index.get_level_values(0), y.index.get_level_values(1).month]
    ).mean()
    expected = [clim.loc[(s, t.month), "y"] for s, t in pred.index]
    assert np.abs(pred["y"].to_numpy() - expected).mean() < 2.0
    assert np.all(np.isfinite(f.predict_interval().to_numpy()))


@pytest.mark.parametrize("reversion", [None, 0.5])
def test_backbone_without_a_period_is_a_level(series, reversion):
    f = tiny_forecaster(
        deseasonalize=True,
        seasonal_period=None,
        n_epochs=0,
        level_smoothing=1.0,
        trend_damping=None,
        level_reversion=reversion,
        log_transform=False,
    ).fit(series, fh=[1, 2, 3, 30])
    assert f.profile_.shape == (1, 1, 1) and f.backbone_["harmonics"] == 0
    assert f.backbone_["reversion"] == reversion
    # an untrained network with level_smoothing=1 and no trend: the last value,
    # or with a reversion its departure from the training mean shrinking by
    # that factor at every step
    mean, last = series.mean(), series.iloc[-1]
    decay = (1.0 if reversion is None else reversion) ** np.array([1, 2, 3, 30])
    expected = mean + (last - mean) * decay
    np.testing.assert_allclose(f.predict().to_numpy().ravel(), expected, rtol=1e-4)


# --------------------------------------------------------------- ensemble --


def test_ensemble_averages_independent_members(panel):
    # no backtest: the members are always trained and kept (a backtest can
    # drop the network, as it does on this panel's reverting level)
    f = tiny_forecaster(ensemble_size=3, interval_calibration="windows")
    f.fit(panel, fh=[1, 2])
    members = [layer for layer in f.network_.layers if layer.name.startswith("gru_")]
    assert len(members) == 3
    x = [np.zeros((2, 4, 3), "float32"), np.zeros((2, 3, 2), "float32")]
    outs = [to_numpy(m(x)) for m in members]
    assert not np.allclose(outs[0], outs[1])  # different seeds
    np.testing.assert_allclose(to_numpy(f.network_(x)), np.mean(outs, axis=0), 1e-5)
    assert np.all(np.isfinite(f.predict_interval().to_numpy()))
    f.update(panel.groupby(level=0).tail(1), update_params=True)  # compiles lazily


def test_ensemble_pretrain_then_fit():
    y = make_panel(lengths=(40,) * 3, start_offsets=(0,) * 3)
    f = tiny_forecaster(ensemble_size=2, fine_tune_epochs=1)
    f.pretrain(y.loc[["s0", "s1"]], fh=[1, 2])
    pred = f.fit(y.loc[["s2"]]).predict(fh=[1, 2])
    assert np.all(np.isfinite(pred.to_numpy()))


def test_update_does_not_fine_tune_a_backbone_the_backtest_kept_alone(series):
    f = tiny_forecaster(n_epochs=0).fit(series.iloc[:-6], fh=[1, 2, 3])
    assert f.departure_weight_ == 0.0
    weights = [w.copy() for w in f.network_.get_weights()]
    f.update(series.iloc[-6:], update_params=True)
    for before, after in zip(weights, f.network_.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert f.cutoff[0] == series.index[-1]  # the cutoff moved all the same
    assert f.predict().index[0] == series.index[-1] + 1
