"""Every capability tag says what the forecaster does: each one checked by behaviour.

A check runs what the tag promises when it is True and expects a clear error
when it is False, so a tag flipped without the behaviour (or the other way
round) fails here. A new ``capability:*`` tag without a check fails
:func:`test_every_capability_tag_has_a_check`.
"""

import numpy as np
import pandas as pd
import pytest

from sktime_gru import GRUEncoderDecoderForecaster
from tests.conftest import make_panel, seasonal, tiny_forecaster

MONTHS = pd.period_range("2000-01", periods=40, freq="M")
FAST = dict(interval_calibration="windows")


def _series():
    return pd.Series(seasonal(40), index=MONTHS, name="y")


def _fitted(**params):
    return tiny_forecaster(**FAST, **params).fit(_series(), fh=[1, 2])


def _check_insample(supported):
    f = _fitted()
    if not supported:
        with pytest.raises(NotImplementedError, match="in-sample"):
            f.predict(fh=[-1, 0])
        return
    pred = f.predict(fh=[-1, 0])
    assert list(pred.index) == list(MONTHS[-2:]) and pred.notna().all()


def _check_pred_int(supported):
    f = _fitted()
    if not supported:
        with pytest.raises(NotImplementedError):
            f.predict_interval()
        return
    intervals = f.predict_interval(coverage=0.9)
    assert (intervals.iloc[:, 0] < intervals.iloc[:, 1]).all()


def _check_pred_int_insample(supported):
    f = _fitted()
    if not supported:
        with pytest.raises(NotImplementedError):
            f.predict_interval(fh=[-1, 0])
        return
    intervals = f.predict_interval(fh=[-1, 0], coverage=0.9)
    assert list(intervals.index) == list(MONTHS[-2:])
    assert (intervals.iloc[:, 0] < intervals.iloc[:, 1]).all()


def _check_missing_values(supported):
    y = _series()
    y.iloc[[5, 17]] = np.nan
    if not supported:
        with pytest.raises(ValueError):
            tiny_forecaster(**FAST).fit(y, fh=[1])
        return
    pred = tiny_forecaster(**FAST).fit(y, fh=[1, 2]).predict()
    assert np.isfinite(pred).all()


def _check_exogenous(supported):
    months = pd.period_range("2000-01", periods=42, freq="M")
    X = pd.DataFrame({"x": np.sin(np.arange(42.0))}, index=months)
    if not supported:
        pytest.fail("no check written for a forecaster without X")
    f = tiny_forecaster(**FAST).fit(_series(), X=X.iloc[:40], fh=[1, 2])
    a = f.predict(X=X.iloc[40:])
    b = f.predict(X=X.iloc[40:] + 5.0)
    assert not np.allclose(a, b)  # X is read


def _check_multivariate(supported):
    y = pd.DataFrame({"a": seasonal(40), "b": seasonal(40, phase=3)}, index=MONTHS)
    if not supported:
        with pytest.raises(ValueError):
            tiny_forecaster(**FAST).fit(y, fh=[1])
        return
    pred = tiny_forecaster(**FAST).fit(y, fh=[1, 2]).predict()
    assert list(pred.columns) == ["a", "b"] and np.isfinite(pred.to_numpy()).all()


def _check_categorical_in_X(supported):
    X = pd.DataFrame({"x": np.where(np.arange(40) % 2, "wet", "dry")}, index=MONTHS)
    if supported:
        f = tiny_forecaster(**FAST).fit(_series(), X=X, fh=[1])
        assert f.is_fitted
        return
    with pytest.raises(
        TypeError, match=r"X column 'x' has non-numeric \(categorical\)"
    ):
        tiny_forecaster(**FAST).fit(_series(), X=X, fh=[1])


def _check_non_contiguous_X(supported):
    months = pd.period_range("2000-01", periods=43, freq="M")
    X = pd.DataFrame({"x": np.arange(43.0)}, index=months)
    f = tiny_forecaster(**FAST).fit(_series(), X=X.iloc[:40], fh=[1, 3])
    gappy = X.iloc[[40, 42]]  # the steps of fh only: step 2 is missing
    if supported:
        assert np.isfinite(f.predict(X=gappy)).all()
        return
    with pytest.raises(ValueError, match="X has missing time points between"):
        f.predict(X=gappy)
    assert np.isfinite(f.predict(X=X.iloc[40:])).all()  # contiguous X works


def _check_unequal_length(supported):
    y = make_panel(lengths=(30, 24), start_offsets=(0, 6))
    if not supported:
        with pytest.raises(ValueError):
            tiny_forecaster(**FAST).fit(y, fh=[1])
        return
    pred = tiny_forecaster(**FAST).fit(y, fh=[1]).predict()
    assert len(pred) == 2 and np.isfinite(pred.to_numpy()).all()


def _check_update(supported):
    f = tiny_forecaster(**FAST).fit(_series().iloc[:36], fh=[1])
    f.update(_series().iloc[36:], update_params=supported)
    assert f.cutoff[0] == MONTHS[-1]
    assert f.predict().index[0] == MONTHS[-1] + 1
    if supported:
        assert f.last_positions_[0] == MONTHS[-1].ordinal  # read natively


def _check_pretrain(supported):
    if not supported:
        pytest.fail("no check written for a forecaster without pretrain")
    panel = make_panel(lengths=(30, 30), start_offsets=(0, 0))
    f = tiny_forecaster(**FAST).pretrain(panel, fh=[1, 2])
    pred = f.fit(_series(), fh=[1, 2]).predict()  # a series never seen
    assert np.isfinite(pred).all()


def _check_random_state(supported):
    a = _fitted(random_state=3).predict()
    b = _fitted(random_state=3).predict()
    pd.testing.assert_series_equal(a, b)
    if supported:
        c = _fitted(random_state=4).predict()
        assert not np.allclose(a, c)


CHECKS = {
    "capability:categorical_in_X": _check_categorical_in_X,
    "capability:exogenous": _check_exogenous,
    "capability:insample": _check_insample,
    "capability:missing_values": _check_missing_values,
    "capability:multivariate": _check_multivariate,
    "capability:non_contiguous_X": _check_non_contiguous_X,
    "capability:pred_int": _check_pred_int,
    "capability:pred_int:insample": _check_pred_int_insample,
    "capability:pretrain": _check_pretrain,
    "capability:random_state": _check_random_state,
    "capability:unequal_length": _check_unequal_length,
    "capability:update": _check_update,
}


def test_every_capability_tag_has_a_check():
    tags = GRUEncoderDecoderForecaster().get_tags()
    assert {tag for tag in tags if tag.startswith("capability:")} == set(CHECKS)


def test_tags_promised_in_this_issue():
    tags = GRUEncoderDecoderForecaster().get_tags()
    assert tags["capability:insample"] is True
    assert tags["capability:pred_int:insample"] is True
    assert tags["capability:categorical_in_X"] is False


@pytest.mark.parametrize("tag", sorted(CHECKS))
def test_tag_matches_behaviour(tag):
    CHECKS[tag](GRUEncoderDecoderForecaster.get_class_tag(tag))
