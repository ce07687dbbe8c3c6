"""Panels whose series end at different times: the warning, and aligning ends.

sktime forecasts a panel at common time points after its cutoff; ``fit``
warns when some series end before it, and ``align_series_ends`` /
``restore_series_times`` forecast each series from its own end instead.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sktime_gru import (
    GRUEncoderDecoderForecaster,
    align_series_ends,
    restore_series_times,
)

# n_epochs=0: the backbone alone, fitted in well under a second; the time
# stamps are what is tested here
QUICK = dict(n_epochs=0, ensemble_size=1, units=4, random_state=0)
ENDS_WARNING = "end before the panel's cutoff"
M1_PATH = Path("/work/shared/data/m1_monthly.csv.gz")


def m1_like(horizon: int = 6, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long data as M1's: integer steps from 1, lengths (and so ends) differ.

    Returns ``(train, test)`` panels indexed ``(series_id, t)``; ``test`` holds
    each series' next ``horizon`` steps after its own training end.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i, n in enumerate([30, 48, 41, 60, 36]):
        t = np.arange(1, n + horizon + 1)
        value = 100 + 5 * i + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, t.size)
        split = np.where(t <= n, "train", "test")
        rows.append(
            pd.DataFrame({"series_id": f"M{i}", "t": t, "value": value, "split": split})
        )
    long = pd.concat(rows, ignore_index=True)
    panel = long.set_index(["series_id", "t"])
    return (
        panel.loc[panel["split"] == "train", ["value"]],
        panel.loc[panel["split"] == "test", ["value"]],
    )


def _ends_warnings(record) -> list[str]:
    return [str(w.message) for w in record if ENDS_WARNING in str(w.message)]


# --------------------------------------------------------------- the warning --
def test_fit_warns_once_when_series_end_before_the_cutoff():
    train, _ = m1_like()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        f = GRUEncoderDecoderForecaster(**QUICK).fit(train, fh=[1, 2])
    (message,) = _ends_warnings(record)  # one warning per fit
    # 4 of 5 series end before step 60; gaps 30, 12, 19, 24: median 21, max 30
    assert message.startswith("4 of 5 series end before the panel's cutoff (60")
    assert "fh=1 is not their next time point but 21 steps later" in message
    assert "at most 30" in message
    assert "instance 'M0'" in message
    assert "align_series_ends" in message and "restore_series_times" in message
    # predict and update (which fit nothing) do not repeat it
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        f.predict()
        f.update(
            train.loc[["M3"]].iloc[-1:].rename(index={60: 61}), update_params=False
        )
        f.predict()
    assert not _ends_warnings(record)


def test_no_warning_when_all_series_end_together():
    train, _ = m1_like()
    aligned, _ = align_series_ends(train)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        GRUEncoderDecoderForecaster(**QUICK).fit(aligned, fh=[1, 2])
    assert not _ends_warnings(record)


# ------------------------------------------------------------------ aligning --
def test_align_known_values_and_round_trip():
    train, _ = m1_like()
    before = train.copy()
    aligned, ends = align_series_ends(train)
    pd.testing.assert_frame_equal(train, before)  # not changed
    # every series ends at 0 and keeps its rows and values
    last = aligned.groupby(level=0).tail(1).index.get_level_values("t")
    assert (last == 0).all()
    m0 = aligned.loc["M0"]
    assert m0.index.tolist() == list(range(-29, 1))
    np.testing.assert_array_equal(m0["value"], train.loc["M0", "value"])
    assert ends["last_time"].to_dict() == {
        "M0": 30,
        "M1": 48,
        "M2": 41,
        "M3": 60,
        "M4": 36,
    }
    assert aligned.index.names == ["series_id", "t"]
    pd.testing.assert_frame_equal(restore_series_times(aligned, ends), train)
    # another end: the same alignment, shifted
    shifted, _ = align_series_ends(train, end=100)
    assert (shifted.groupby(level=0).tail(1).index.get_level_values("t") == 100).all()


def test_align_period_and_datetime_panels():
    idx = []
    for sid, start, n in [("a", "2000-01", 10), ("b", "2000-03", 5)]:
        idx += [(sid, p) for p in pd.period_range(start, periods=n, freq="M")]
    y = pd.DataFrame(
        {"v": np.arange(15.0)}, index=pd.MultiIndex.from_tuples(idx, names=["id", "m"])
    )
    aligned, ends = align_series_ends(y)
    assert aligned.loc["b"].index.tolist() == [-4, -3, -2, -1, 0]
    assert list(ends["last_time"]) == [
        pd.Period("2000-10", "M"),
        pd.Period("2000-07", "M"),
    ]
    pd.testing.assert_frame_equal(restore_series_times(aligned, ends), y)
    # forecast steps map to each series' own next months
    future = pd.DataFrame(
        {"v": [0.0, 0.0]},
        index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["id", "m"]),
    )
    restored = restore_series_times(future, ends)
    assert restored.index.tolist() == [
        ("a", pd.Period("2000-11", "M")),
        ("b", pd.Period("2000-09", "M")),
    ]
    # dates (month ends, no frequency set): the same via the inferred one
    dated = y.copy()
    dated.index = dated.index.set_levels(
        dated.index.levels[-1].to_timestamp(how="end").normalize(), level=-1
    )
    aligned_d, ends_d = align_series_ends(dated)
    assert aligned_d.index.equals(aligned.index)
    assert restore_series_times(future, ends_d).index.get_level_values(-1).tolist() == [
        pd.Timestamp("2000-11-30"),
        pd.Timestamp("2000-09-30"),
    ]


def test_align_x_past_the_end_of_y_with_the_ends_of_y():
    train, test = m1_like()
    _, ends = align_series_ends(train)
    x_future, same = align_series_ends(test, ends=ends)
    assert same is ends
    # the test part is every series' steps 1..6 after its own end
    assert (x_future.groupby(level=0).head(1).index.get_level_values("t") == 1).all()
    assert sorted(set(x_future.index.get_level_values("t"))) == [1, 2, 3, 4, 5, 6]


def test_bad_input_is_refused_with_the_fix():
    train, _ = m1_like()
    with pytest.raises(TypeError, match="single series, which needs no aligning"):
        align_series_ends(train.loc["M0"])
    _, ends = align_series_ends(train.drop(index="M4"))
    with pytest.raises(ValueError, match=r"instances that ends does not hold.*M4"):
        align_series_ends(train, ends=ends)
    with pytest.raises(TypeError, match="DataFrame returned by align_series_ends"):
        restore_series_times(train, ends={"M0": 30})
    with pytest.raises(ValueError, match="missing time points"):
        align_series_ends(train.drop(index=("M0", 5)))


# ---------------------------------------------------------------- end to end --
def test_m1_like_panel_forecast_from_each_series_own_end():
    """Align, fit, predict, map back: the rows are each series' next steps."""
    train, test = m1_like(horizon=6)
    aligned, ends = align_series_ends(train)
    f = GRUEncoderDecoderForecaster(**QUICK).fit(aligned, fh=range(1, 7))
    y_pred = restore_series_times(f.predict(), ends)
    # exactly the test rows: every series' own next 6 steps, in order
    assert y_pred.index.equals(test.index)
    assert np.isfinite(y_pred.to_numpy()).all()
    intervals = restore_series_times(f.predict_interval(coverage=0.8), ends)
    assert intervals.index.equals(test.index)
    lower, upper = intervals.iloc[:, 0], intervals.iloc[:, 1]
    assert (lower <= y_pred["value"]).all() and (y_pred["value"] <= upper).all()
    # without aligning, sktime's common time points miss most test rows
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=f".*{ENDS_WARNING}")
        common = GRUEncoderDecoderForecaster(**QUICK).fit(train, fh=range(1, 7))
    assert common.predict().index.isin(test.index).sum() == 6  # only M3's


@pytest.mark.slow
@pytest.mark.skipif(not M1_PATH.exists(), reason="M1 data not present")
def test_m1_official_split_lines_up_with_every_test_row():
    long = pd.read_csv(M1_PATH)
    panel = long.set_index(["series_id", "t"])[["value", "split"]]
    train = panel.loc[panel["split"] == "train", ["value"]]
    test = panel.loc[panel["split"] == "test", ["value"]]
    aligned, ends = align_series_ends(train)
    f = GRUEncoderDecoderForecaster(**QUICK).fit(aligned, fh=range(1, 19))
    y_pred = restore_series_times(f.predict(), ends)
    assert len(test) == 11106 and y_pred.index.equals(test.sort_index().index)


def test_docstring_example_runs():
    import doctest

    from sktime_gru import _alignment

    result = doctest.testmod(_alignment)
    assert result.attempted >= 5 and result.failed == 0
