"""The statistical backbone: known values, no Keras."""

import numpy as np
import pytest

from sktime_gru._backbone import (
    Backbone,
    anchor_matrix,
    estimate_period,
    fit_profile,
    with_own_levels,
)
from sktime_gru._backbone_choice import PARSIMONY, choose_per_series, select_backbone


def _flat(series):
    offsets = np.r_[0, np.cumsum([len(s) for s in series])]
    return np.concatenate(series)[:, None].astype(float), offsets


def _phase(offsets, period, start=0):
    series = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    return (np.arange(offsets[-1]) - offsets[series] + start) % period


def test_anchor_without_level_is_zero():
    assert not anchor_matrix(6, 3, None, None).any()


@pytest.mark.parametrize("alpha", [0.05, 0.4, 1.0])
def test_anchor_level_forecasts_a_constant_window_as_itself(alpha):
    matrix = anchor_matrix(8, 4, alpha, None)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(matrix @ np.full(8, 3.5), 3.5, rtol=1e-6)


@pytest.mark.parametrize("alpha", [0.05, 0.4, 1.0])
def test_anchor_with_undamped_trend_extrapolates_a_line(alpha):
    window = 2.0 + 0.5 * np.arange(10)
    forecast = anchor_matrix(10, 5, alpha, 1.0) @ window
    np.testing.assert_allclose(forecast, 2.0 + 0.5 * np.arange(10, 15), rtol=1e-5)


def test_anchor_smoothing_weights_newest_points_most():
    row = anchor_matrix(12, 1, 0.4, None)[0]
    assert np.all(np.diff(row[1:]) > 0)
    assert row[-1] == pytest.approx(0.4, rel=1e-5)


def test_profile_recovers_mean_and_smooth_season():
    rng = np.random.default_rng(0)
    t = np.arange(96)
    season = 3 * np.sin(2 * np.pi * t / 12) + np.cos(4 * np.pi * t / 12)
    values, offsets = _flat([10 + season + 0.1 * rng.standard_normal(96)])
    profile = fit_profile(values, offsets, _phase(offsets, 12), 12, harmonics=2)
    assert profile.shape == (1, 12, 1)
    np.testing.assert_allclose(profile[0, :, 0], 10 + season[:12], atol=0.1)


def test_profile_without_trend_term_is_the_harmonic_regression():
    # a backbone without a level forecasts mean + shape: its shape is the
    # least squares of [1, Fourier terms] (no trend term), gaps included
    rng = np.random.default_rng(3)
    t = np.arange(41)  # incomplete last cycle: trend and season correlate
    series = 0.2 * t + 3 * np.sin(2 * np.pi * t / 12) + rng.standard_normal(41)
    series[[5, 17]] = np.nan
    values, offsets = _flat([series])
    phase = _phase(offsets, 12)
    profile = fit_profile(values, offsets, phase, 12, harmonics=2, trend=False)
    angle = 2 * np.pi * np.arange(12) / 12
    waves = [f(k * angle) for k in (1, 2) for f in (np.cos, np.sin)]
    terms = np.stack([np.ones(12), *waves], axis=1)  # -> (P, 5)
    known = ~np.isnan(series)
    coef = np.linalg.lstsq(terms[phase][known], series[known], rcond=None)[0]
    np.testing.assert_allclose(profile[0, :, 0], terms @ coef, atol=1e-8)
    with_trend = fit_profile(values, offsets, phase, 12, harmonics=2)
    assert np.abs(with_trend - profile).max() > 0.05  # the trend term matters here


def test_backbone_fits_its_shape_with_a_trend_term_only_with_a_level():
    assert not Backbone(2, False, None, None).shape_trend
    assert Backbone(2, False, 0.4, None).shape_trend
    assert Backbone(2, True, 0.2, 0.9).shape_trend
    # a level that reverts to the mean forecasts the climatology in the long run
    assert not Backbone(2, False, 0.4, None, reversion=0.75).shape_trend


def test_reverting_anchor_decays_the_level_towards_zero():
    persistent = anchor_matrix(12, 6, 0.4, None)
    reverting = anchor_matrix(12, 6, 0.4, None, reversion=0.5)
    np.testing.assert_allclose(persistent.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(reverting.sum(axis=1), 0.5 ** np.arange(1, 7), rtol=1e-6)
    np.testing.assert_allclose(reverting, persistent * 0.5 ** np.arange(1, 7)[:, None])


def test_profile_drops_an_insignificant_season_and_keeps_the_mean():
    rng = np.random.default_rng(1)
    values, offsets = _flat([5 + rng.standard_normal(120)])
    profile = fit_profile(values, offsets, _phase(offsets, 12), 12, harmonics=3)
    np.testing.assert_allclose(profile[0, :, 0], values.mean())


def test_profile_of_a_trending_series_is_the_season_around_its_mean():
    t = np.arange(72)
    series = 0.5 * t + 2 * np.cos(2 * np.pi * t / 12)
    values, offsets = _flat([series])
    profile = fit_profile(values, offsets, _phase(offsets, 12), 12, harmonics=1)
    shape = profile[0, :, 0] - profile[0, :, 0].mean()
    np.testing.assert_allclose(
        shape, 2 * np.cos(2 * np.pi * np.arange(12) / 12), atol=0.05
    )
    assert profile[0, :, 0].mean() == pytest.approx(series.mean(), abs=0.05)


def test_profile_shape_equals_per_series_least_squares_with_gaps_and_offsets():
    """The shape from per-phase sums is each series' own least-squares fit on
    [1, t, Fourier], whatever its level, missing values and first phase."""
    from sktime_gru._backbone import _fourier_basis

    rng = np.random.default_rng(2)
    lengths, starts, levels = [40, 59, 26], [0, 5, 11], [0.0, 1e3, -1e5]
    parts = []
    for n, start, level in zip(lengths, starts, levels):
        t = np.arange(n) + start
        part = level + 0.02 * t + 2 * np.sin(2 * np.pi * t / 12)
        part = part + 0.3 * rng.standard_normal(n)
        part[rng.random(n) < 0.15] = np.nan
        parts.append(part)
    values, offsets = _flat(parts)
    phase = np.concatenate([(np.arange(n) + s) % 12 for n, s in zip(lengths, starts)])
    profile = fit_profile(values, offsets, phase, 12, harmonics=2)[..., 0]
    basis = _fourier_basis(12, 2)
    for s, part in enumerate(parts):
        known = ~np.isnan(part)
        rows = phase[offsets[s] : offsets[s + 1]][known]
        t = np.arange(len(part))[known] / 12
        design = np.column_stack([np.ones(len(t)), t, basis[rows]])
        coef = np.linalg.lstsq(design, part[known], rcond=None)[0]
        shape = coef[2:] @ basis.T
        got = profile[s] - profile[s].mean()
        np.testing.assert_allclose(got, shape - shape.mean(), atol=1e-7)


def test_profile_without_period_is_the_series_mean_ignoring_nan():
    values, offsets = _flat([np.array([1.0, np.nan, 3.0]), np.array([4.0, 6.0])])
    profile = fit_profile(values, offsets, None, None, harmonics=2)
    np.testing.assert_allclose(profile[:, 0, 0], [2.0, 5.0])


def test_estimate_period_finds_the_cycle_of_a_panel():
    rng = np.random.default_rng(2)
    t = np.arange(80)
    series = [
        np.sin(2 * np.pi * t / 7) + 0.3 * rng.standard_normal(80) + 0.1 * t
        for _ in range(5)
    ]
    values, offsets = _flat(series)
    assert estimate_period(values, offsets) == 7


def test_estimate_period_finds_twelve_in_three_years_of_monthly_data():
    # 36 points: 35 differences, two cycles of 12 (three were needed before)
    rng = np.random.default_rng(4)
    t = np.arange(36)
    series = [
        10 + 3 * np.sin(2 * np.pi * (t + s) / 12) + 0.5 * rng.standard_normal(36)
        for s in range(10)
    ]
    values, offsets = _flat(series)
    assert estimate_period(values, offsets) == 12
    # 23 points: not two cycles of 12, and no shorter candidate fits
    values, offsets = _flat([x[:23] for x in series])
    assert estimate_period(values, offsets) != 12


def test_estimate_period_of_noise_is_none():
    rng = np.random.default_rng(3)
    values, offsets = _flat([rng.standard_normal(100) for _ in range(5)])
    assert estimate_period(values, offsets) is None


def _select(series, period=12, **fixed):
    values, offsets = _flat(series)
    phase = None if period is None else _phase(offsets, period)
    return select_backbone(
        values,
        offsets,
        phase,
        period,
        window=24,
        decoder_length=12,
        held_back=24,
        **fixed,
    )


def test_select_stationary_seasonal_noise_gives_climatology():
    rng = np.random.default_rng(4)
    t = np.arange(120)
    series = [
        20 + 5 * np.sin(2 * np.pi * t / 12) + rng.standard_normal(120)
        for _ in range(10)
    ]
    chosen, scores = _select(series)
    assert chosen.alpha is None and chosen.phi is None
    assert chosen.harmonics >= 1
    # the simplest candidate within PARSIMONY of the best (a reverting level
    # scores within 1% on pure noise)
    assert scores[chosen] <= min(scores.values()) * (1 + PARSIMONY)


def test_select_persistent_anomalies_take_a_reverting_level():
    # seasonal series whose anomalies are AR(1) with coefficient 0.8: a level
    # that reverts to the mean beats both the climatology and a level that
    # persists
    rng = np.random.default_rng(11)
    t = np.arange(120)
    series = []
    for _ in range(20):
        anomaly = np.zeros(120)
        for i in range(1, 120):
            anomaly[i] = 0.8 * anomaly[i - 1] + rng.standard_normal()
        series.append(20 + 5 * np.sin(2 * np.pi * t / 12) + anomaly)
    chosen, scores = _select(series)
    assert chosen.alpha is not None and chosen.reversion is not None
    assert chosen.phi is None
    climatology = min(v for c, v in scores.items() if c.alpha is None)
    persistent = min(v for c, v in scores.items() if c.alpha and not c.reversion)
    assert scores[chosen] < 0.97 * min(climatology, persistent)


def test_select_random_walks_anchor_at_the_last_values():
    rng = np.random.default_rng(5)
    series = [100 + np.cumsum(rng.standard_normal(120)) for _ in range(10)]
    chosen, _ = _select(series, period=None)
    assert chosen.alpha is not None and chosen.alpha >= 0.7
    assert chosen.harmonics == 0


def test_select_trending_multiplicative_series_takes_logs_and_a_trend():
    rng = np.random.default_rng(6)
    t = np.arange(144)
    series = [
        np.exp(
            4
            + 0.01 * t
            + 0.2 * np.sin(2 * np.pi * t / 12)
            + 0.02 * rng.standard_normal(144)
        )
        * scale
        for scale in (1, 3, 10)
    ]
    chosen, _ = _select(series)
    assert chosen.log and chosen.phi is not None and chosen.alpha is not None


def test_select_keeps_fixed_components():
    rng = np.random.default_rng(7)
    series = [rng.standard_normal(80) for _ in range(3)]
    fixed = dict(harmonics=1, log=False, alpha=0.2, phi=None)
    chosen, scores = _select(series, **fixed, reversion=None)
    assert chosen == Backbone(1, False, 0.2, None)
    assert list(scores) == [chosen]
    chosen, scores = _select(series, **fixed, reversion=0.5)
    assert chosen == Backbone(1, False, 0.2, None, reversion=0.5)
    assert list(scores) == [chosen]


def test_select_without_held_back_windows_gives_the_default():
    chosen, scores = _select([np.arange(5.0)], period=None)
    assert scores == {}
    assert chosen == Backbone(0, False, 0.4, None)


def test_per_series_choice_finds_each_series_own_season_and_scale():
    rng = np.random.default_rng(0)
    t = np.arange(120)
    angle = 2 * np.pi * t / 12
    # multiplicative: the seasonal swing grows with the level (exact in logs)
    growing = np.exp(3 + 0.02 * t + 0.3 * np.sin(angle))
    # additive, with a sharp three-harmonic shape and noise; it crosses zero
    sharp = (
        np.sin(angle) + 0.8 * np.cos(2 * angle) + 0.6 * np.sin(3 * angle)
        + 0.05 * rng.standard_normal(120)
    )  # fmt: skip
    values, offsets = _flat([growing, sharp])
    phase = _phase(offsets, 12)
    panel = Backbone(1, False, 0.4, 1.0)
    chosen = choose_per_series(values, offsets, phase, 12, panel, window=24)
    assert chosen.series_log == (True, False)  # the second series is not positive
    # the sharp shape needs 3 harmonics; a 4th (nested, nearly as good on
    # the last 48 origins scored) may come along
    assert chosen.series_harmonics[1] in (3, 4)
    # the panel's level and trend are kept
    assert (chosen.alpha, chosen.phi) == (0.4, 1.0)
    assert chosen.panel_level() == panel


def test_per_series_choice_respects_fixed_components():
    t = np.arange(60)
    y = 10 + np.sin(2 * np.pi * t / 12)
    values, offsets = _flat([y, y + 5])
    phase = _phase(offsets, 12)
    chosen = choose_per_series(
        values, offsets, phase, 12, Backbone(2, False, None, None), window=12,
        harmonics=2, log=False,
    )  # fmt: skip
    assert chosen.series_harmonics == (2, 2)
    assert chosen.series_log == (False, False)


def test_profile_with_per_series_harmonics_is_each_series_own_fit():
    t = np.arange(48)
    a = 5 + np.sin(2 * np.pi * t / 12) + 0.5 * np.cos(4 * np.pi * t / 12)
    values, offsets = _flat([a, a + 1.0])
    phase = _phase(offsets, 12)
    mixed = fit_profile(values, offsets, phase, 12, (1, 2))
    one = fit_profile(values, offsets, phase, 12, 1)
    two = fit_profile(values, offsets, phase, 12, 2)
    np.testing.assert_array_equal(mixed[0], one[0])
    np.testing.assert_array_equal(mixed[1], two[1])


def test_backbone_from_saved_lists_is_hashable():
    saved = {"harmonics": 2, "log": False, "alpha": 0.4, "phi": None,
             "series_harmonics": [1, 2], "series_log": [True, False]}  # fmt: skip
    backbone = Backbone(**saved)
    assert backbone.series_harmonics == (1, 2)
    assert hash(backbone) == hash(Backbone(**saved))


def test_per_series_shape_reaches_a_one_month_spike_but_not_noise():
    # a December peak needs the full monthly shape (up to 6 harmonics); a
    # smooth season with noise must not buy extra terms with its in-sample
    # errors (the degrees-of-freedom correction of the score)
    rng = np.random.default_rng(0)
    t = np.arange(96)
    spike = 100 * (1 + 0.8 * (t % 12 == 11)) + rng.normal(0, 2, 96)
    smooth = 100 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, 96)
    values, offsets = _flat([spike, smooth])
    phase = _phase(offsets, 12)
    panel = Backbone(2, False, 0.2, None)
    chosen = choose_per_series(values, offsets, phase, 12, panel, window=12)
    assert chosen.series_harmonics[0] >= 5
    assert chosen.series_harmonics[1] <= 3
    # the full shape forecasts the spike: its profile peaks in December
    profile = fit_profile(values, offsets, phase, 12, chosen.series_harmonics)
    assert np.argmax(profile[0, :, 0]) == 11
    assert profile[0, 11, 0] - np.median(profile[0, :, 0]) > 60


def test_panel_shape_starts_at_two_harmonics_whatever_the_held_back_points():
    from sktime_gru._backbone_choice import _harmonics

    assert _harmonics(12) == (1, 2, 3, 4, 5, 6)
    assert _harmonics(4) == (1, 2)  # at most period // 2, no duplicates
    rng = np.random.default_rng(12)
    t = np.arange(96)
    # one harmonic (its held-back points used to pick 1) and three (used to
    # pick 3): the panel starts at 2 either way, each series then takes its own
    for harmonics in (1, 3):
        shape = sum(np.sin(2 * np.pi * k * t / 12) / k for k in range(1, harmonics + 1))
        series = [10 + 3 * shape + 0.3 * rng.standard_normal(96) for _ in range(4)]
        chosen, scores = _select(series)
        assert chosen.harmonics == 2
        assert {c.harmonics for c in scores} == {2}
    # a cycle of 2 has one harmonic only
    series = [
        np.tile([1.0, -1.0], 40) + 0.1 * rng.standard_normal(80) for _ in range(3)
    ]
    assert _select(series, period=2)[0].harmonics == 1
    # a fixed value is kept
    assert _select(series, period=12, harmonics=3)[0].harmonics == 3


def test_per_series_choice_is_the_same_in_blocks_of_series():
    rng = np.random.default_rng(5)
    t = np.arange(60)
    series = [
        50
        + (k + 1) * np.sin(2 * np.pi * t[: 36 + 4 * k] / 12)
        + rng.standard_normal(36 + 4 * k) * (k % 3 + 0.5)
        + (20 * (t[: 36 + 4 * k] % 12 == 11) if k % 2 else 0)
        for k in range(7)
    ]
    series.append(20 + 3 * t + np.sin(2 * np.pi * t / 12))  # its own trend
    values, offsets = _flat(series)
    phase = _phase(offsets, 12)
    panel = Backbone(2, False, 0.4, None)
    whole = choose_per_series(values, offsets, phase, 12, panel, window=12, levels=True)
    for max_rows in (1, 50, 100, 10_000):
        blocks = choose_per_series(
            values, offsets, phase, 12, panel, window=12, max_rows=max_rows,
            levels=True,
        )  # fmt: skip
        assert blocks == whole
    assert len(set(whole.series_harmonics)) > 1  # the series do choose
    assert whole.series_level[-1] is not None


def test_own_level_goes_to_the_trending_series_only():
    # seasonal series around a steady level (the panel's level fits them) and
    # one with a steep trend: only that one forecasts its own history at
    # least twice as well with a trend of its own
    rng = np.random.default_rng(6)
    t = np.arange(72)
    season = 3 * np.sin(2 * np.pi * t / 12)
    series = [50 + k + season + rng.normal(0, 1, 72) for k in range(5)]
    series.append(50 + 2 * t + season + rng.normal(0, 1, 72))
    values, offsets = _flat(series)
    phase = _phase(offsets, 12)
    panel = Backbone(2, False, 0.4, None)
    chosen = choose_per_series(
        values, offsets, phase, 12, panel, window=12, levels=True
    )
    assert chosen.series_level[:5] == (None,) * 5
    alpha, phi, reversion = chosen.series_level[5]
    assert alpha is not None and phi is not None and reversion is None
    # the panel's components are kept; without levels=True nothing is own
    assert (chosen.alpha, chosen.phi, chosen.reversion) == (0.4, None, None)
    assert chosen.panel_level() == panel
    plain = choose_per_series(values, offsets, phase, 12, panel, window=12)
    assert plain.series_level is None


def test_own_level_candidates_keep_the_panel_shape_fit():
    # the profile is fitted once for the panel (a trend term next to the
    # shape, or not): a series' own level is one that fits its shape the same
    rng = np.random.default_rng(7)
    t = np.arange(72)
    series = [
        10 + np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.3, 72) for _ in range(3)
    ]
    series.append(10 + 0.5 * t + rng.normal(0, 0.3, 72))
    values, offsets = _flat(series)
    phase = _phase(offsets, 12)
    for panel in (
        Backbone(2, False, None, None),
        Backbone(2, False, 0.4, None, reversion=0.5),
    ):
        chosen = choose_per_series(
            values, offsets, phase, 12, panel, window=12, levels=True
        )
        # the trending series reverts slowly from its last level (no trend
        # candidate fits the harmonic regression's shape); the others keep
        # the panel's
        assert chosen.series_level[:3] == (None,) * 3
        alpha, phi, reversion = chosen.series_level[3]
        mine = Backbone(2, False, alpha, phi, reversion=reversion)
        assert mine.shape_trend == panel.shape_trend
        assert phi is None and reversion is not None


def test_with_own_levels_replaces_only_the_own_series_rows():
    backbone = Backbone(2, False, 0.4, None, series_level=(None, (1.0, 1.0, None)))
    ramp = np.arange(12, dtype=np.float32)
    inputs = np.stack([ramp, 2 * ramp, 3 * ramp, ramp])[..., None]  # (4, 12, 1)
    inputs = np.concatenate([inputs, np.ones_like(inputs)], axis=-1)  # + an X column
    out = np.full((4, 6, 1), 7.0, np.float32)
    got = with_own_levels(backbone, np.array([0, 1, 1, 0]), inputs, out)
    np.testing.assert_array_equal(got[[0, 3]], out[[0, 3]])
    # level 1 with an undamped trend continues a straight line exactly
    ahead = np.arange(12, 18, dtype=float)
    np.testing.assert_allclose(got[1, :, 0], 2 * ahead, rtol=1e-5)
    np.testing.assert_allclose(got[2, :, 0], 3 * ahead, rtol=1e-5)
    assert (out == 7.0).all()  # the caller's array is not changed
    # no own level: the forecasts as they are
    same = out[:1]
    assert with_own_levels(Backbone(), np.array([0]), inputs[:1], same) is same
    assert with_own_levels(None, np.array([0]), inputs[:1], same) is same


def test_own_levels_from_saved_lists_are_hashable():
    saved = {"series_level": [None, [1.0, 0.9, None]], "series_log": [False, True]}
    backbone = Backbone(**saved)
    assert backbone.series_level == (None, (1.0, 0.9, None))
    assert hash(backbone) == hash(Backbone(**saved))
