"""Bad input battery: wrong data and wrong parameters fail early and clearly.

Every case must raise an error of a sensible type, raised by sktime_gru's own
code (not deep inside sktime or Keras), whose message names the problem and the
fix. The caller's ``y`` and ``X`` are never modified, not even by a failing call.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from sktime.exceptions import NotFittedError

from sktime_gru._validation import InvalidParameterError, check_y
from sktime_gru.forecaster import InSampleHorizonError
from tests.conftest import make_panel, seasonal, tiny_forecaster

MONTHS = pd.period_range("2000-01", periods=40, freq="M")


def _series(values=None, index=MONTHS, name="y"):
    return pd.Series(
        seasonal(len(index)) if values is None else values, index, name=name
    )


def _with(y, row, value, column=0):
    y = y.copy()
    if isinstance(y, pd.Series):
        y.iloc[row] = value
    else:
        y.iloc[row, column] = value
    return y


def _assert_raised_by_us(excinfo):
    """The exception was raised inside the sktime_gru package."""
    origin = str(excinfo.traceback[-1].path)
    assert "/sktime_gru/" in origin, f"raised in {origin}"


@pytest.fixture(scope="module")
def fitted():
    """Fitted on a univariate series (no X)."""
    return tiny_forecaster(n_epochs=1).fit(_series(), fh=[1, 2])


@pytest.fixture(scope="module")
def fitted_x():
    """Fitted on a series with one exogenous column x."""
    X = pd.DataFrame({"x": np.arange(40.0)}, index=MONTHS)
    return tiny_forecaster(n_epochs=1).fit(_series(), X=X, fh=[1, 2])


def _future_x(periods=2, column="x"):
    index = pd.period_range(MONTHS[-1] + 1, periods=periods, freq="M")
    return pd.DataFrame({column: np.arange(40.0, 40.0 + periods)}, index=index)


def _holey():
    """A 40-month series with a NaN every 5 months: no 7-month window is whole."""
    values = seasonal(40)
    values[4::5] = np.nan
    return _series(values)


# -------------------------------------------------------------- data cases --
panel = make_panel()
panel_inf = _with(panel, 40, np.inf)  # row 40 is instance 's1'
str_column = pd.DataFrame({"y": seasonal(40), "city": ["Perth"] * 40}, index=MONTHS)
daily = pd.date_range("2000-01-01", periods=40, freq="D")
duplicated_day = daily[:-1].append(pd.DatetimeIndex(["2000-01-20"]))
irregular = pd.Timestamp("2000-01-01") + pd.to_timedelta(
    np.cumsum([1, 2, 1, 5, 3, 1, 2, 4] * 5), unit="D"
)

# (id, call(fitted, fitted_x), exception type, message pattern)
DATA_CASES = [
    (
        "empty_series",
        lambda f, fx: tiny_forecaster().fit(pd.Series([], dtype=float), fh=[1]),
        ValueError,
        r"y is empty \(0 rows.*pass at least window_length \+ output_length",
    ),
    (
        "empty_panel",
        lambda f, fx: tiny_forecaster().fit(panel.iloc[:0], fh=[1]),
        ValueError,
        r"y is empty \(0 rows",
    ),
    (
        "frame_without_columns",
        lambda f, fx: tiny_forecaster().fit(pd.DataFrame(index=MONTHS), fh=[1]),
        ValueError,
        r"y is empty \(40 rows, 0 columns\)",
    ),
    (
        "no_window_without_nan",
        lambda f, fx: tiny_forecaster().fit(_holey(), fh=[1]),
        ValueError,
        r"no complete training window: every window of window_length \+ "
        r"output_length = 7 time points contains NaN.*fill missing values",
    ),
    (
        "series_all_shorter_than_output_plus_one",
        lambda f, fx: tiny_forecaster().fit(
            make_panel(lengths=(3, 2), start_offsets=(0, 0)), fh=[1]
        ),
        ValueError,
        r"the longest series has 3 time points, fewer than output_length \+ 1 = "
        r"4 needed for one training window.*use a shorter output_length",
    ),
    (
        "inf_in_panel",
        lambda f, fx: tiny_forecaster().fit(panel_inf, fh=[1]),
        ValueError,
        r"y contains an infinite value \(inf\) at column 'y', instance 's1', "
        r"time 2001-05 .*replace them",
    ),
    (
        "minus_inf_in_series",
        lambda f, fx: tiny_forecaster().fit(_with(_series(), 7, -np.inf), fh=[1]),
        ValueError,
        r"infinite value \(-inf\) at column 'y', time 2000-08 \(1 value in total\)",
    ),
    (
        "non_numeric_column",
        lambda f, fx: tiny_forecaster().fit(str_column, fh=[1]),
        TypeError,
        r"y column 'city' has non-numeric \(categorical\) dtype .* first "
        r"non-numeric value is "
        r"'Perth' at time 2000-01.*pd.to_numeric or drop the column",
    ),
    (
        "numbers_stored_as_object",
        lambda f, fx: tiny_forecaster().fit(_series().astype(object), fh=[1]),
        TypeError,
        r"y column 'y' has non-numeric \(categorical\) dtype object although its "
        r"values are "
        r"numbers.*astype\(float\)",
    ),
    (
        "duplicate_time_stamp",
        lambda f, fx: tiny_forecaster().fit(_series(index=duplicated_day), fh=[1]),
        ValueError,
        r"duplicate index entry at time 2000-01-20.*drop the duplicates",
    ),
    (
        "duplicate_row_in_panel",
        lambda f, fx: tiny_forecaster().fit(
            pd.concat([panel, panel.iloc[[3]]]), fh=[1]
        ),
        ValueError,
        r"duplicate index entry at instance 's0', time 2000-04",
    ),
    (
        "irregular_datetime_index",
        lambda f, fx: tiny_forecaster().fit(_series(index=irregular), fh=[1]),
        ValueError,
        r"DatetimeIndex has no frequency and none can be inferred.*y\.resample",
    ),
    (
        "gap_in_period_index",
        lambda f, fx: tiny_forecaster().fit(_series().drop(MONTHS[10]), fh=[1]),
        ValueError,
        r"missing time points between 2000-10 and 2000-12.*reindex",
    ),
    (
        "string_time_index",
        lambda f, fx: tiny_forecaster().fit(
            _series(index=pd.Index([f"t{i}" for i in range(40)])), fh=[1]
        ),
        TypeError,
        r"index of y has dtype .* no time index.*PeriodIndex, a DatetimeIndex or "
        r"an integer index",
    ),
    (
        "list_of_numbers",
        lambda f, fx: tiny_forecaster().fit(list(range(40)), fh=[1]),
        TypeError,
        r"y has an unsupported type: a list of plain values; pass a pandas Series",
    ),
    # ----------------------------------------------------------------- fh --
    (
        # 40 months: step -39 is the first one, -40 lies before the data
        "fh_before_the_training_data",
        lambda f, fx: f.predict(fh=[-41, -40, -2, 0]),
        InSampleHorizonError,
        r"fh contains steps \[-41, -40\] before the first time point of the "
        r"training data \(step -39 relative to the cutoff\).*pass steps >= -38",
    ),
    (
        "empty_fh",
        lambda f, fx: f.predict(fh=[]),
        ValueError,
        r"fh is empty: pass at least one step ahead",
    ),
    (
        "float_fh",
        lambda f, fx: f.predict(fh=[1.5, 2.0]),
        TypeError,
        r"fh must be integer steps ahead, got float64 values \[1.5, 2.0\]",
    ),
    (
        "string_fh",
        lambda f, fx: tiny_forecaster().fit(_series(), fh="3"),
        TypeError,
        r"fh must be steps ahead \(integers\) or time stamps, got '3'",
    ),
    # ------------------------------------------------------------------ X --
    (
        "X_missing_in_predict",
        lambda f, fx: fx.predict(),
        ValueError,
        r"fitted with exogenous X, so predict needs X for the forecast period",
    ),
    (
        "X_too_short_in_predict",
        lambda f, fx: fx.predict(X=_future_x(periods=1)),
        ValueError,
        r"X for predict has no complete row for y at 2003-06: X must cover",
    ),
    (
        "X_other_columns_in_predict",
        lambda f, fx: fx.predict(X=_future_x(column="z")),
        ValueError,
        r"X has columns \['z'\], but the forecaster was fitted with X columns "
        r"\['x'\]",
    ),
    (
        "X_in_predict_but_not_in_fit",
        lambda f, fx: f.predict(X=_future_x()),
        ValueError,
        r"X was passed, but the forecaster was fitted without X",
    ),
    (
        "X_too_short_in_fit",
        lambda f, fx: tiny_forecaster().fit(
            _series(), X=pd.DataFrame({"x": np.arange(30.0)}, MONTHS[:30]), fh=[1]
        ),
        ValueError,
        r"X has no row for 10 of the 40 rows of y, the first at time 2002-07.*"
        r"pass X over the whole training period",
    ),
    (
        "X_with_inf",
        lambda f, fx: tiny_forecaster().fit(
            _series(), X=pd.DataFrame({"x": [np.inf] * 40}, MONTHS), fh=[1]
        ),
        ValueError,
        r"X contains an infinite value \(inf\) at column 'x', time 2000-01 "
        r"\(40 values in total\)",
    ),
    (
        "X_non_numeric",
        lambda f, fx: tiny_forecaster().fit(
            _series(), X=pd.DataFrame({"x": ["a"] * 40}, MONTHS), fh=[1]
        ),
        TypeError,
        r"X column 'x' has non-numeric \(categorical\) dtype",
    ),
    # ----------------------------------------------------------- pretrain --
    (
        "pretrain_with_inf",
        lambda f, fx: tiny_forecaster().pretrain(_with(_series(), 3, np.inf)),
        ValueError,
        r"y contains an infinite value \(inf\) at column 'y', time 2000-04",
    ),
    # ------------------------------------------------------------- update --
    (
        "update_leaving_a_gap",
        lambda f, fx: copy.deepcopy(f).update(_series(index=MONTHS + 42)),
        ValueError,
        r"update data for y starts at 2003-07, leaving a gap.*pass the missing",
    ),
    (
        "update_with_inf",
        lambda f, fx: copy.deepcopy(f).update(
            _with(_series(index=MONTHS + 40), 2, np.inf)
        ),
        ValueError,
        r"y contains an infinite value \(inf\) at column 'y', time 2003-07",
    ),
    (
        "update_other_columns",
        lambda f, fx: copy.deepcopy(f).update(_series(index=MONTHS + 40, name="z")),
        ValueError,
        r"update got columns \['z'\], but the forecaster was fitted on \['y'\]",
    ),
]


@pytest.mark.parametrize(
    "call, error, match",
    [case[1:] for case in DATA_CASES],
    ids=[case[0] for case in DATA_CASES],
)
def test_bad_data_raises_our_clear_error(fitted, fitted_x, call, error, match):
    with pytest.raises(error, match=match) as excinfo:
        call(fitted, fitted_x)
    _assert_raised_by_us(excinfo)


def test_no_complete_window_fails_before_any_training():
    """The clear error comes first: no backtest network trains, nothing warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the backtest's fallback warning would fail
        with pytest.raises(ValueError, match="no complete training window"):
            tiny_forecaster(callbacks=[_FailIfTrained()]).fit(_holey(), fh=[1])


class _FailIfTrained:
    """A callback that fails if any network starts training."""

    def __new__(cls):
        import keras

        class _Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                raise AssertionError("a network was trained")

        return _Callback()


def test_update_with_unseen_instance_names_it():
    f = tiny_forecaster(n_epochs=1).fit(panel, fh=[1])
    new = make_panel(lengths=(5,), start_offsets=(36,)).rename(index={"s0": "s9"})
    with pytest.raises(ValueError, match=r"instances not seen in fit: \['s9'\]"):
        f.update(new)


def test_predict_before_fit_raises_sktimes_clear_not_fitted_error():
    # sktime's own error is kept on purpose: its message says what to do
    with pytest.raises(NotFittedError, match=r"has not been fitted yet.*call `fit`"):
        tiny_forecaster().predict(fh=[1])


def test_nan_rejected_with_position_when_missing_values_unsupported():
    # the forecaster supports NaN (capability:missing_values); check_y still
    # names the first NaN for configurations or callers that do not
    y = _with(panel, 41, np.nan)
    with pytest.raises(
        ValueError,
        match=r"y contains missing values \(NaN\), the first at column 'y', "
        r"instance 's1', time 2001-06 \(1 value in total\).*interpolate",
    ):
        check_y(y, allow_missing=False)


def test_nan_accepted_when_missing_values_supported():
    f = tiny_forecaster(n_epochs=1)
    assert f.get_tag("capability:missing_values")
    y = _with(_series(), 20, np.nan)
    assert np.isfinite(f.fit(y, fh=[1, 2]).predict()).all()


@pytest.mark.parametrize("start", ["2021-03-27", "2021-10-30"], ids=["spring", "fall"])
def test_tz_aware_hourly_series_across_dst_is_regular(start):
    """Hours count in absolute time: a DST change is neither a gap nor a repeat."""
    index = pd.date_range(start, periods=60, freq="h", tz="Europe/Berlin")
    y = _series(index=index)
    f = tiny_forecaster(n_epochs=1).fit(y, fh=[1, 2])
    pred = f.predict()
    assert np.isfinite(pred).all()
    expected = pd.date_range(index[-1], periods=3, freq="h")[1:]
    assert pred.index.equals(expected)
    # update across the change moves the cutoff by one hour per new row
    more = pd.date_range(index[-1], periods=5, freq="h")[1:]
    f.update(_series(index=more), update_params=False)
    assert f.cutoff[0] == more[-1]
    assert f.predict().index.equals(pd.date_range(more[-1], periods=3, freq="h")[1:])


MULTIPLES = {
    "15min": pd.date_range("2021-01-01", periods=40, freq="15min"),
    "2h": pd.date_range("2021-01-01", periods=40, freq="2h"),
    "2D": pd.date_range("2021-01-01", periods=40, freq="2D"),
    "2M periods": pd.period_range("2000-01", periods=40, freq="2M"),
}


SEASONAL_STEPS = {"15min": None, "2h": 12, "2D": None, "2M": 6}


@pytest.mark.parametrize("index", MULTIPLES.values(), ids=MULTIPLES.keys())
def test_multiplied_frequency_is_regular(index):
    """A 15-minute (2-hour, ...) series is regular: one step is one row."""
    y = _series(index=index)
    f = tiny_forecaster(n_epochs=1).fit(y, fh=[1, 2])
    pred = f.predict()
    assert np.isfinite(pred).all()
    assert pred.index.equals(index.shift(2)[-2:])  # the next two steps
    assert np.isfinite(f.predict_interval(coverage=0.8).to_numpy()).all()
    # "auto" calendar: the year / day in steps of the multiple, if they divide it
    assert f.seasonal_period_ == SEASONAL_STEPS[str(index.freqstr)]
    # update by three steps moves the cutoff three steps
    more = index.shift(3)[-3:]
    f.update(_series(values=seasonal(3), index=more), update_params=False)
    assert f.cutoff[0] == more[-1]
    assert f.predict().index.equals(more.shift(2)[-2:])


def test_gap_in_a_multiplied_frequency_is_still_refused():
    index = pd.date_range("2021-01-01", periods=40, freq="2h")
    frames = [
        pd.DataFrame({"y": seasonal(40)}, index=index),
        pd.DataFrame({"y": seasonal(39)}, index=index.delete(20)),
    ]
    y = pd.concat(frames, keys=["s0", "s1"], names=["series", "time"])
    with pytest.raises(ValueError, match=r"instance 's1' has missing time points"):
        tiny_forecaster(n_epochs=1).fit(y, fh=[1])


# -------------------------------------------------------------- parameters --
PARAM_CASES = [
    ("units", 0, r"units must be an integer >= 1, got 0"),
    ("units", True, r"units must be an integer >= 1, got True \(a bool\)"),
    ("units", 4.0, r"units must be an integer >= 1, got 4.0 \(a float\)"),
    ("window_length", 0, r"window_length must be an integer >= 1, got 0"),
    ("output_length", 0, r"output_length must be an integer >= 1 or None"),
    ("n_layers", 0, r"n_layers must be an integer >= 1"),
    ("batch_size", 0, r"batch_size must be an integer >= 1, got 0"),
    ("recent_windows", 0, r"recent_windows must be an integer >= 1 or None, got 0"),
    ("level_reversion", 0.0, r"level_reversion must be a number in \(0, 1\], 'auto'"),
    ("level_reversion", "yes", r"level_reversion must be a number in \(0, 1\]"),
    ("level_smoothing", 1.5, r"level_smoothing must be a number in \(0, 1\], 'auto'"),
    ("trend_damping", -1, r"trend_damping must be a number in \(0, 1\], 'auto' or N"),
    ("n_epochs", -1, r"epochs must be an integer >= 0, got -1"),
    ("update_epochs", -2, r"update_epochs must be an integer >= 0"),
    ("backtest_origins", 0, r"backtest_origins must be an integer >= 1, got 0"),
    ("jit_compile", "xla", r"jit_compile must be True, False or 'auto', got 'xla'"),
    ("verbose", -1, r"verbose must be False or 0 \(silent\), True or 1 .* got -1"),
    ("verbose", 3, r"verbose must be False or 0 .* or 2 \(also Keras' own"),
    ("verbose", "yes", r"verbose must be False or 0 .* got 'yes'"),
    ("scaling", "robust", r"scaling must be one of 'global', 'per_series' or None"),
    ("validation_split", 1.0, r"validation_split must be a number in \[0, 1\)"),
    ("validation_split", -0.1, r"validation_split must be a number in \[0, 1\)"),
    ("dropout", 1.0, r"dropout must be a number in \[0, 1\)"),
    ("learning_rate", 0.0, r"learning_rate must be a number in \(0, inf\)"),
    ("learning_rate", float("nan"), r"learning_rate must be a number"),
    ("patience", 3, r"patience=3 \(early stopping\) needs validation windows"),
    ("bidirectional", "yes", r"bidirectional must be True or False"),
    (
        "interval_calibration",
        "conformal",
        r"interval_calibration must be 'backtest' or 'windows', got 'conformal'",
    ),
    ("optimizer", "adamm", r"optimizer 'adamm' is not a Keras optimizer name"),
    ("optimizer", 3, r"optimizer must be a Keras optimizer name"),
    ("loss", "msee", r"loss 'msee' is not a Keras loss name"),
    ("callbacks", "early", r"callbacks must be a list of keras.callbacks.Callback"),
    ("callbacks", [print], r"callbacks\[0\] is .* not a keras.callbacks.Callback"),
    ("random_state", -1, r"random_state must be in \[0, 2\*\*32\)"),
    ("random_state", "seed", r"random_state must be None, an int"),
    ("seasonal_period", 1, r"seasonal_period must be an integer >= 2, 'auto'"),
]


@pytest.mark.parametrize(
    "param, value, match",
    PARAM_CASES,
    ids=[f"{p}={v!r}"[:30] for p, v, _ in PARAM_CASES],
)
def test_invalid_parameter_raises_our_clear_error(param, value, match):
    f = tiny_forecaster(**{param: value})
    # both a ValueError and a TypeError, so either kind of handler catches it
    with pytest.raises(InvalidParameterError, match=match) as excinfo:
        f.fit(_series(), fh=[1])
    assert isinstance(excinfo.value, ValueError) and isinstance(
        excinfo.value, TypeError
    )
    _assert_raised_by_us(excinfo)
    assert not f.is_fitted


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(level_smoothing=None, trend_damping=0.9), r"trend_damping=0.9 needs a"),
        (
            dict(level_smoothing=None, level_reversion=0.5),
            r"level_reversion=0.5 needs a level: set level_smoothing",
        ),
        (
            dict(trend_damping=0.9, level_reversion=0.5),
            r"reverts to the training mean only without a trend",
        ),
    ],
)
def test_backbone_components_that_do_not_go_together(params, match):
    f = tiny_forecaster(**params)
    with pytest.raises(InvalidParameterError, match=match) as excinfo:
        f.fit(_series(), fh=[1])
    _assert_raised_by_us(excinfo)


# ---------------------------------------------------- caller data untouched --
def _calls_on_copies():
    """(id, y, X, call(y, X)) where call may fail; y / X must stay unchanged."""
    y_nan = _with(panel, 41, np.nan)
    X_panel = pd.DataFrame({"x": np.arange(len(panel), dtype=float)}, panel.index)
    X_inf = _with(X_panel, 5, np.inf)
    y_unsorted = panel.iloc[::-1]
    return [
        ("fit_predict_nan", y_nan, None, lambda y, X: tiny_forecaster().fit(y, fh=[1])),
        ("fit_unsorted", y_unsorted, None, lambda y, X: tiny_forecaster().fit(y)),
        ("fit_with_X", panel, X_panel, lambda y, X: tiny_forecaster().fit(y, X=X)),
        ("fails_X_inf", panel, X_inf, lambda y, X: tiny_forecaster().fit(y, X=X)),
        ("fails_inf", panel_inf, None, lambda y, X: tiny_forecaster().fit(y)),
        ("fails_str", str_column, None, lambda y, X: tiny_forecaster().fit(y)),
        (
            "fails_params",
            panel,
            X_panel,
            lambda y, X: tiny_forecaster(units=0).fit(y, X=X),
        ),
        (
            "fit_then_update",
            panel,
            None,
            lambda y, X: (
                tiny_forecaster(n_epochs=1)
                .fit(y.groupby(level=0).head(20), fh=[1])
                .update(y.groupby(level=0).tail(5))
            ),
        ),
    ]


@pytest.mark.parametrize(
    "y, X, call",
    [c[1:] for c in _calls_on_copies()],
    ids=[c[0] for c in _calls_on_copies()],
)
def test_caller_data_never_modified(y, X, call):
    y_before = copy.deepcopy(y)
    X_before = copy.deepcopy(X)
    try:
        call(y, X)
    except (ValueError, TypeError):
        pass  # failing calls must not modify the data either
    pd.testing.assert_frame_equal(y, y_before, check_exact=True)
    assert y.index.equals(y_before.index)
    if X is not None:
        pd.testing.assert_frame_equal(X, X_before, check_exact=True)


def test_predict_and_update_leave_X_and_y_unmodified(fitted_x):
    f = copy.deepcopy(fitted_x)
    X_future = _future_x(periods=3)
    X_copy = X_future.copy(deep=True)
    f.predict(X=X_future)
    new_y = _series([1.0, 2.0], pd.period_range(MONTHS[-1] + 1, periods=2, freq="M"))
    new_copy = new_y.copy(deep=True)
    f.update(new_y, X=X_future.iloc[:2])
    pd.testing.assert_frame_equal(X_future, X_copy, check_exact=True)
    pd.testing.assert_series_equal(new_y, new_copy, check_exact=True)
