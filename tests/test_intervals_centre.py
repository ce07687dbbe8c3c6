"""Interval offsets are centred: the 50% quantile is the point forecast."""

import numpy as np

from sktime_gru._intervals import residual_offsets


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
