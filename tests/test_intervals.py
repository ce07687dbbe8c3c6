"""Split-conformal quantiles and variances from held-out residuals (pure numpy)."""

import numpy as np

from sktime_gru._intervals import residual_offsets, residual_variance


def test_conformal_quantiles_known_values():
    # 9 residuals 1..9 at one step and target: (n + 1) * 0.9 = 9 -> the 9th,
    # (n + 1) * 0.1 = 1 -> the 1st; centred on the median, 5; 50%: the point
    residuals = np.arange(1.0, 10.0)[:, None, None]  # -> (N, H=1, T=1)
    offsets = residual_offsets(residuals, [0.1, 0.5, 0.9], np.array([[1]]))
    assert offsets.shape == (3, 1, 1, 1)
    np.testing.assert_array_equal(offsets[:, 0, 0, 0], [1.0 - 5, 0.0, 9.0 - 5])


def test_offsets_keep_the_callers_alpha_order_and_are_monotone():
    rng = np.random.default_rng(0)
    residuals = rng.normal(size=(200, 3, 2))
    alphas = [0.9, 0.05, 0.5, 0.95, 0.1]
    steps = np.array([[1, 2, 3]])
    offsets = residual_offsets(residuals, alphas, steps)
    ordered = residual_offsets(residuals, sorted(alphas), steps)
    np.testing.assert_array_equal(offsets, ordered[np.argsort(np.argsort(alphas))])
    assert np.all(np.diff(ordered, axis=0) >= 0)


def test_steps_beyond_the_decoder_widen_by_sqrt_of_step():
    residuals = np.tile(np.arange(-4.0, 5.0)[:, None, None], (1, 2, 1))  # H = 2
    offsets = residual_offsets(residuals, [0.9], np.array([[2, 8]]))
    np.testing.assert_allclose(offsets[0, 0, 1, 0], offsets[0, 0, 0, 0] * 2.0)


def test_nan_steps_reuse_the_last_step_with_residuals():
    residuals = np.array([[[1.0], [np.nan]], [[-1.0], [np.nan]], [[3.0], [np.nan]]])
    offsets = residual_offsets(residuals, [0.5], np.array([[1, 2]]))
    np.testing.assert_array_equal(offsets[0, 0, 0], offsets[0, 0, 1])
    variance = residual_variance(residuals, np.array([[1, 2]]))
    np.testing.assert_allclose(variance[0, :, 0], [11 / 3, 11 / 3])


def test_variance_is_mean_square_and_grows_linearly_past_the_decoder():
    residuals = np.array([[[1.0], [2.0]], [[-1.0], [-2.0]]])  # (N=2, H=2, T=1)
    variance = residual_variance(residuals, np.array([[1, 2, 4]]))
    np.testing.assert_allclose(variance[0, :, 0], [1.0, 4.0, 8.0])


def test_median_offset_is_zero_even_for_biased_residuals():
    rng = np.random.default_rng(0)
    residuals = 2.0 + rng.standard_normal((200, 3, 2))  # biased by +2
    residuals[:50, 2] = np.nan  # fewer residuals at the last step
    steps = np.array([[1, 2, 3, 5]])
    offsets = residual_offsets(residuals, [0.1, 0.5, 0.9], steps)
    np.testing.assert_array_equal(offsets[1], 0.0)
    assert (offsets[0] < 0).all() and (offsets[2] > 0).all()
    # the width is the residuals' spread, not their bias
    np.testing.assert_allclose(offsets[2, 0, 0] - offsets[0, 0, 0], 2.56, atol=0.4)
