"""sktime's own conformance suite on GRUEncoderDecoderForecaster.

Runs every check of ``sktime.utils.estimator_checks`` for every parameter set of
``get_test_params`` (tiny networks, eager mode, one or two epochs).
"""

import pytest
from sktime.utils.estimator_checks import check_estimator, parametrize_with_checks

from sktime_gru import GRUEncoderDecoderForecaster

# Every exclusion is listed here with its reason; none at the moment.
EXCLUDED_CHECKS: dict[str, str] = {}


@parametrize_with_checks(GRUEncoderDecoderForecaster)
def test_sktime_conformance(obj, test_name):
    if any(name in test_name for name in EXCLUDED_CHECKS):
        pytest.skip(EXCLUDED_CHECKS[next(n for n in EXCLUDED_CHECKS if n in test_name)])
    check_estimator(obj, tests_to_run=test_name, raise_exceptions=True)
