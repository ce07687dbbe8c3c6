"""The model's input encoding: layout, scaling policy, profile, inverse (pure numpy)."""

import numpy as np
import pandas as pd
import pytest

from sktime_gru._encoding import (
    Encoding,
    calendar_features,
    fit_scaler,
    resolve_seasonal_period,
    seasonal_profile,
)
from sktime_gru._panel import panel_from_frame


def _panel(values_a, values_b, start="2000-01"):
    """Two monthly series ``a`` and ``b`` with one column ``y``."""
    frames = []
    for name, values in (("a", values_a), ("b", values_b)):
        idx = pd.period_range(start, periods=len(values), freq="M")
        frames.append(
            pd.DataFrame(
                {"y": np.asarray(values, dtype=float)},
                index=pd.MultiIndex.from_product([[name], idx]),
            )
        )
    return panel_from_frame(pd.concat(frames))


def test_calendar_features_known_values():
    # Period ordinals: 2000-01 is ordinal 360 -> month index 0 -> angle 0
    ordinal = pd.Period("2000-01", "M").ordinal
    feats = calendar_features(np.array([ordinal, ordinal + 3]), 12)
    np.testing.assert_allclose(feats, [[0, 1], [1, 0]], atol=1e-6)
    assert calendar_features(np.array([1, 2]), None).shape == (2, 0)


@pytest.mark.parametrize(
    "value, freq, expected",
    [
        ("auto", "M", 12),
        ("auto", "2h", 12),
        ("auto", "3MS", 4),
        ("auto", "2D", None),
        ("auto", None, None),
        (5, "M", 5),
        (None, "M", None),
    ],
)
def test_resolve_seasonal_period(value, freq, expected):
    assert resolve_seasonal_period(value, freq) == expected


def test_resolve_seasonal_period_refuses_bad_values():
    with pytest.raises(ValueError, match="seasonal_period must be"):
        resolve_seasonal_period(1, "M")


def test_seasonal_profile_known_values():
    values = np.array([[1.0], [2.0], [3.0], [5.0], [np.nan], [10.0]])
    series = np.array([0, 0, 0, 0, 1, 1])
    phase = np.array([0, 1, 0, 1, 0, 1])
    prof = seasonal_profile(values, series, phase, 2, 2)
    np.testing.assert_allclose(prof[0, :, 0], [2.0, 3.5])
    # series 1 never observed phase 0: its overall mean is used
    np.testing.assert_allclose(prof[1, :, 0], [10.0, 10.0])


@pytest.mark.parametrize(
    "scaling, n_groups", [("global", 1), ("per_series", 2), (None, 1)]
)
def test_fit_scaler_policies(scaling, n_groups):
    raw = np.array([[0.0], [10.0], [100.0], [200.0]])
    series = np.array([0, 0, 1, 1])
    stats = fit_scaler(raw, series, 2, scaling)
    assert stats.data_min.shape == (n_groups, 1)
    groups = series if scaling == "per_series" else np.zeros(4, dtype=int)
    scaled = stats.transform(raw, groups)[:, 0]
    expected = {
        "global": [-1, -0.9, 0, 1],
        "per_series": [-1, 1, -1, 1],
        None: [0, 10, 100, 200],  # the identity
    }[scaling]
    np.testing.assert_allclose(scaled, expected)


def test_encode_rows_layout_and_decode_round_trip():
    panel = _panel([0.0, 2.0, 4.0, 2.0], [10.0, 30.0, 20.0, 10.0])
    enc = Encoding.fit(
        panel.values,
        panel,
        scaling="per_series",
        seasonal_period=2,
        deseasonalize=False,
    )
    assert (enc.n_calendar, enc.n_known, enc.n_features) == (2, 2, 3)
    rows = enc.encode_rows(panel.values, panel)  # -> (R, F)
    assert rows.dtype == np.float32 and rows.shape == (8, 3)
    np.testing.assert_allclose(rows[:4, 0], [-1, 0, 1, 0])
    np.testing.assert_allclose(rows[4:, 0], [-1, 1, 0, -1])
    # calendar: sine and cosine of the month in a 2-step cycle
    np.testing.assert_allclose(np.abs(rows[:, 2]), 1.0)
    back = enc.decode(rows[:, :1].astype(np.float64), panel.series_of_rows())
    np.testing.assert_allclose(back, panel.values, atol=1e-5)


def test_deseasonalized_targets_are_departures_from_profile():
    panel = _panel([1.0, 3.0, 1.0, 3.0], [5.0, 5.0, 7.0, 7.0])
    enc = Encoding.fit(
        panel.values, panel, scaling=None, seasonal_period=2, deseasonalize=True
    )
    assert enc.deseasonalized and enc.profile.shape == (2, 2, 1)
    rows = enc.encode_rows(panel.values, panel)
    # series a is exactly its profile: zero departures
    np.testing.assert_allclose(rows[:4, 0], 0.0)
    series, positions = np.array([[0], [1]]), panel.positions[[0, 1, 4, 5]]
    term = enc.seasonal_term(series, positions.reshape(2, 2))
    assert term.shape == (2, 2, 1)


def test_restricted_profile_sees_only_the_given_rows():
    panel = _panel([1.0, 1.0, 9.0, 9.0], [2.0, 2.0, 2.0, 2.0])
    enc = Encoding.fit(
        panel.values, panel, scaling=None, seasonal_period=2, deseasonalize=True
    )
    before = np.array([True, True, False, False] * 2)
    restricted = enc.restricted_to(panel, before)
    np.testing.assert_allclose(restricted.profile[0, :, 0], [1.0, 1.0])
    np.testing.assert_allclose(enc.profile[0, :, 0], [5.0, 5.0])
    assert restricted.scaler is enc.scaler
    plain = Encoding.fit(
        panel.values, panel, scaling=None, seasonal_period=2, deseasonalize=False
    )
    assert plain.restricted_to(panel, before) is plain


def test_window_and_flat_encodings_agree():
    """The predict window of a series equals its flat rows, encoded."""
    panel = _panel([0.0, 2.0, 4.0, 2.0], [10.0, 30.0, 20.0, 10.0])
    enc = Encoding.fit(
        panel.values, panel, scaling="per_series", seasonal_period=2, deseasonalize=True
    )
    flat = enc.encode_rows(panel.values, panel).reshape(2, 4, -1)
    windows = panel.values.reshape(2, 4, 1)
    encoded = enc.encode(windows, np.arange(2)[:, None], panel.positions.reshape(2, 4))
    np.testing.assert_array_equal(encoded, flat)


def test_encode_rows_in_chunks_equals_one_call(monkeypatch):
    """Rows encoded a chunk at a time are those of one call, bit for bit."""
    import sktime_gru._encoding as encoding_module

    values_a = [1.0, np.nan, 4.0, 2.0, 3.0, 8.0, 5.0]
    panel = _panel(values_a, [10.0, 30.0, 20.0, 10.0, 12.0, 11.0, 25.0])
    enc = Encoding.fit(
        panel.values, panel, scaling="per_series", seasonal_period=3, deseasonalize=True
    )
    whole = enc.encode(panel.values, panel.series_of_rows(), panel.positions)
    monkeypatch.setattr(encoding_module, "ENCODE_CHUNK_ROWS", 3)  # 14 rows: 5 chunks
    chunked = enc.encode_rows(panel.values, panel)
    assert chunked.dtype == whole.dtype == np.float32
    np.testing.assert_array_equal(chunked, whole)  # NaN where the row has NaN


def test_future_features_scale_x_and_add_calendar():
    panel = _panel([0.0, 2.0, 4.0, 2.0], [10.0, 30.0, 20.0, 10.0])
    raw = np.concatenate([panel.values, 10 * panel.values], axis=1)  # y | X
    enc = Encoding.fit(
        raw, panel, scaling="per_series", seasonal_period=12, deseasonalize=False
    )
    assert (enc.n_known, enc.n_features) == (3, 4)  # K = Fx + Fc, F = T + K
    positions = panel.positions.reshape(2, 4)[:, -1:] + np.arange(1, 3)  # (n, S)
    x_future = np.array([[[0.0], [40.0]], [[100.0], [300.0]]])  # -> (n, S, Fx)
    known = enc.future_features(x_future, np.arange(2)[:, None], positions)
    assert known.shape == (2, 2, 3) and known.dtype == np.float32
    np.testing.assert_allclose(known[..., 0], [[-1, 1], [-1, 1]])
    np.testing.assert_array_equal(known[..., 1:], enc.calendar(positions))
    without_x = enc.future_features(None, np.arange(2)[:, None], positions)
    assert without_x.shape == (2, 2, 2)


def test_no_seasonal_period_means_no_calendar_columns():
    panel = _panel([0.0, 2.0], [1.0, 3.0])
    enc = Encoding.fit(
        panel.values, panel, scaling="global", seasonal_period=None, deseasonalize=False
    )
    assert enc.n_calendar == 0 and enc.seasonal_term(0, panel.positions) == 0.0
    assert enc.encode_rows(panel.values, panel).shape == (4, 1)
    np.testing.assert_allclose(enc.target_scale(np.arange(2)), [[2 / 3], [2 / 3]])
