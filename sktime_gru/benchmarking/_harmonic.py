"""Harmonic regression from sktime parts, for the benchmarks.

``ForecastingPipeline([FourierFeatures(...), YfromX(LinearRegression())])`` is
how sktime builds a regression on Fourier terms, but its transformers act on
``X``, and with ``X=None`` the pipeline skips them (the forecast would be the
training mean). This forecaster passes the pipeline a zero-column ``X`` on the
index of the training data and of the forecasting horizon, so that
``FourierFeatures`` makes its terms from the time index alone.
"""

from __future__ import annotations

import pandas as pd
from sktime.forecasting.base import BaseForecaster

__all__ = ["HarmonicRegressionForecaster"]


class HarmonicRegressionForecaster(BaseForecaster):
    """Linear regression on Fourier terms of the time index, one per series.

    ``y_t = a + sum_k b_k sin(2 pi k t / sp) + c_k cos(2 pi k t / sp) + e_t``,
    fitted by least squares (scikit-learn ``LinearRegression``) on the
    training data; no trend term.

    Parameters
    ----------
    sp : int, default=12
        Seasonal period.
    fourier_terms : int, default=2
        Number of harmonics ``K`` (``2 K`` regressors).
    """

    _tags = {
        # estimator type
        # --------------
        "y_inner_mtype": "pd.Series",
        "X_inner_mtype": "pd.DataFrame",
        "capability:exogenous": False,
        "requires-fh-in-fit": False,
        "capability:missing_values": False,
        "capability:pred_int": False,
    }

    def __init__(self, sp: int = 12, fourier_terms: int = 2):
        self.sp = sp
        self.fourier_terms = fourier_terms
        super().__init__()

    def _pipeline(self):
        from sklearn.linear_model import LinearRegression
        from sktime.forecasting.compose import ForecastingPipeline, YfromX
        from sktime.transformations.fourier import FourierFeatures

        return ForecastingPipeline(
            [
                (
                    "fourier",
                    FourierFeatures(
                        sp_list=[self.sp], fourier_terms_list=[self.fourier_terms]
                    ),
                ),
                ("regression", YfromX(LinearRegression())),
            ]
        )

    def _fit(self, y, X=None, fh=None):
        self.pipeline_ = self._pipeline()
        self.pipeline_.fit(y, X=pd.DataFrame(index=y.index), fh=fh)
        return self

    def _predict(self, fh, X=None):
        index = fh.to_absolute_index(self.cutoff)
        return self.pipeline_.predict(fh=fh, X=pd.DataFrame(index=index))

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Two small parameter sets."""
        return [{"sp": 12, "fourier_terms": 1}, {"sp": 4, "fourier_terms": 2}]
