"""A user's date-indexed panel: dates from ``pd.to_datetime``, and unsorted rows.

A panel's time level built with ``pd.to_datetime`` carries no frequency
(sktime's cutoff then has none, and relative horizons cannot be made
absolute); the forecaster infers it in ``fit`` and forecasts at those dates
through predict, intervals, update and evaluate. Rows out of time order are
refused with our message; the user's frame is never changed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.datasets import load_weather_au

# n_epochs=0: the backbone alone, fitted in well under a second; the dates are
# what is tested here, not the training
QUICK = dict(n_epochs=0, ensemble_size=1, units=4, random_state=0)
STATIONS = ["Sydney", "Wollongong", "Brisbane", "Cairns"]


def _dated(month_end: bool = False) -> pd.DataFrame:
    """The weatherAUS panel as a user loads it from a CSV: plain dates."""
    y = load_weather_au()
    y = y[y.index.get_level_values("Location").isin(STATIONS)]
    long = y.reset_index()
    long["Date"] = pd.to_datetime(long["Date"].astype(str))  # '2009-01' -> 01-01
    if month_end:
        long["Date"] = long["Date"] + pd.offsets.MonthEnd(0)
    y = long.set_index(["Location", "Date"])
    assert y.index.levels[-1].freq is None  # what pd.to_datetime gives
    return y


@pytest.mark.parametrize("month_end", [False, True], ids=["month-start", "month-end"])
def test_dates_without_frequency_forecast_end_to_end(month_end):
    y = _dated(month_end)
    history = y[y.index.get_level_values("Date") <= "2016-06-30"]
    new = y[y.index.get_level_values("Date") > "2016-06-30"]
    history_before, new_before = history.copy(), new.copy()
    f = GRUEncoderDecoderForecaster(**QUICK).fit(history)  # no fh in fit
    pred = f.predict(fh=[1, 2, 3])  # failed in sktime's _fh.py before
    freq = "ME" if month_end else "MS"
    expected = pd.date_range("2016-07-01", periods=4, freq=freq)
    assert list(pred.index.get_level_values("Date").unique()) == list(expected[:3])
    assert len(pred) == 3 * len(STATIONS) and np.isfinite(pred.to_numpy()).all()
    intervals = f.predict_interval(fh=[1, 2, 3], coverage=0.8)
    assert intervals.index.equals(pred.index)
    assert f.predict_quantiles(fh=[1], alpha=[0.5]).shape == (len(STATIONS), 1)
    assert np.isfinite(f.predict_var(fh=[1, 2]).to_numpy()).all()
    # update with three new months of dates (again without a frequency)
    f.update(new[new.index.get_level_values("Date") <= expected[2]])
    after = f.predict(fh=[1])
    assert list(after.index.get_level_values("Date").unique()) == [expected[3]]
    # nothing the user passed was changed, not even the level's freq attribute
    pd.testing.assert_frame_equal(history, history_before)
    pd.testing.assert_frame_equal(new, new_before)
    assert history.index.levels[-1].freq is None


@pytest.mark.parametrize("strategy", ["refit", "update"])
def test_dates_without_frequency_work_in_evaluate(strategy):
    from sktime.forecasting.model_evaluation import evaluate
    from sktime.split import ExpandingWindowSplitter

    y = _dated()
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=84, step_length=6)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        results = evaluate(
            GRUEncoderDecoderForecaster(**QUICK), cv=cv, y=y, strategy=strategy
        )
    assert len(results) == 2
    assert np.isfinite(results.iloc[:, 0].to_numpy()).all()


def test_rows_out_of_time_order_are_refused_and_the_frame_is_not_changed():
    y = _dated()
    shuffled = y.sample(frac=1.0, random_state=0)
    before = shuffled.copy()
    f = GRUEncoderDecoderForecaster(**QUICK)
    with pytest.raises(ValueError, match=r"not in time order.*y = y\.sort_index\(\)"):
        f.fit(shuffled, fh=[1, 2])
    pd.testing.assert_frame_equal(shuffled, before)  # not sorted in place
    assert not f.is_fitted
    f.fit(shuffled.sort_index(), fh=[1, 2])  # the fix the message names works
    assert f.is_fitted


def test_instances_in_any_order_are_accepted_as_sktime_does():
    y = _dated()
    # times in order within each station, stations in reverse order
    reordered = pd.concat([y.loc[[s]] for s in reversed(sorted(STATIONS))])
    before = reordered.copy()
    a = GRUEncoderDecoderForecaster(**QUICK).fit(reordered, fh=[1, 2]).predict()
    b = GRUEncoderDecoderForecaster(**QUICK).fit(y, fh=[1, 2]).predict()
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index())
    pd.testing.assert_frame_equal(reordered, before)


def test_unsorted_single_series_and_x_are_refused_by_name():
    y = load_weather_au().loc["Sydney"]
    f = GRUEncoderDecoderForecaster(**QUICK)
    with pytest.raises(ValueError, match=r"y's rows are not in time order"):
        f.fit(y.iloc[::-1], fh=[1])
    X = y.rename(columns={"MedTemp": "x"})
    with pytest.raises(ValueError, match=r"X's rows are not in time order.*X\.sort"):
        f.fit(y, X=X.iloc[::-1], fh=[1])


def test_dates_with_missing_days_are_refused_with_a_fix_that_works():
    rng = np.random.default_rng(0)
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    keep = np.ones(60, dtype=bool)
    keep[[10, 11, 30]] = False  # a weather station's missing days
    frames = [
        pd.DataFrame(
            {"temp": rng.normal(20, 2, keep.sum())},
            index=pd.MultiIndex.from_product([[station], days[keep]]),
        )
        for station in ("Albury", "Sydney")
    ]
    y = pd.concat(frames).rename_axis(["Location", "Date"])
    f = GRUEncoderDecoderForecaster(**QUICK)
    with pytest.raises(ValueError, match=r"none can be inferred.*asfreq\('D'\)"):
        f.fit(y, fh=[1, 2])
    # the fix the message names: missing days become NaN rows
    regular = y.groupby(level=0).apply(lambda s: s.droplevel(0).asfreq("D"))
    pred = f.fit(regular, fh=[1, 2]).predict()
    assert list(pred.index.get_level_values("Date").unique()) == list(
        pd.date_range("2020-03-01", periods=2, freq="D")
    )
