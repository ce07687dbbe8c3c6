"""How every fit starts, and the fitted encoding rebuilt from saved state.

Owns the one prologue shared by ``fit``, ``fit`` after ``pretrain`` and
``pretrain`` on a pretrained forecaster (:func:`prologue`): join y and X
into one raw matrix, check the series are long enough, resolve the decoder
length (``output_length_``) and the seasonal period, choose the backbone's
components (:func:`choose_backbone`) and fit the
:class:`~sktime_gru._encoding.Encoding`. After ``pretrain``, columns,
decoder length, seasonal settings, the backbone's panel-level components
and (unless scaled per series) the scale are the pretrained network's.

Also owns the way back from the fitted state that ``save_model`` writes
(``scaler_``, ``profile_``, ``seasonal_period_``, ``backbone_``,
``log_series_``) to the :class:`~sktime_gru._encoding.Encoding` that
``predict`` and ``update`` use (:func:`fitted_encoding`).

The forecaster is passed in for its parameters and fitted state; this
module never imports it. No Keras.
"""

from __future__ import annotations

import numpy as np

from sktime_gru._backbone import Backbone
from sktime_gru._backbone_choice import select_for_panel
from sktime_gru._data import Data, assemble
from sktime_gru._encoding import Encoding, resolve_period
from sktime_gru._memory import release_free_memory
from sktime_gru._validation import (
    check_long_enough,
    check_pretrain_columns,
    warn_if_ends_differ,
)

__all__ = [
    "choose_backbone",
    "fitted_backbone",
    "fitted_encoding",
    "prologue",
    "resolve_output_length",
]


def prologue(est, y, X, fh, *, pretrained=False, whole_windows=True):
    """Assemble, check and encode training data: how every fit starts.

    Returns ``(data, decoder_length, encoding)``. With ``pretrained``, columns,
    decoder length, seasonal settings and (unless scaled per series) the
    scale are the pretrained network's; ``whole_windows=False``: series
    need only one input window.
    """
    # what sktime's checks of y freed: before this fit's own largest steps
    release_free_memory()
    data = assemble(y, X, x_columns=getattr(est, "_x_columns", None))
    scaler = None
    if pretrained:
        check_pretrain_columns(data, est.pretrain_columns_)
        decoder_length = est.pretrain_output_length_
        if whole_windows:
            check_long_enough(data.panel, decoder_length)
        seasonal_period = est.seasonal_period_
        deseasonalize = est.deseasonalize_
        backbone = fitted_backbone(est)
        if backbone is not None and backbone.series_harmonics is not None:
            # the pretrained level and trend; each new series' own shape
            backbone = choose_backbone(
                est, data, decoder_length, seasonal_period, backbone
            )
        if est.scaling != "per_series":
            # the network learned the pretraining panel's global scale
            scaler = est.pretrain_scaler_
    else:
        decoder_length = resolve_output_length(est, fh)
        check_long_enough(data.panel, decoder_length)
        seasonal_period = resolve_period(est.seasonal_period, data.panel)
        deseasonalize = est.deseasonalize in ("auto", True)
        backbone = None
        if deseasonalize:
            backbone = choose_backbone(est, data, decoder_length, seasonal_period)
    encoding = Encoding.fit(
        data.raw,
        data.panel,
        scaling=est.scaling,
        seasonal_period=seasonal_period,
        deseasonalize=deseasonalize,
        scaler=scaler,
        backbone=backbone,
    )
    warn_if_ends_differ(data.panel)  # once per fit, when the data is usable
    release_free_memory()  # the backbone's choice's temporaries
    return data, decoder_length, encoding


def choose_backbone(
    est, data: Data, decoder_length, seasonal_period, panel_choice=None
) -> Backbone:
    """Return the backbone's components for ``data`` with ``est``'s parameters."""
    return select_for_panel(
        data.panel,
        decoder_length,
        seasonal_period,
        window=est.window_length,
        harmonics=est.harmonics,
        log=est.log_transform,
        alpha=est.level_smoothing,
        phi=est.trend_damping,
        # a forecaster pickled before the parameter existed: no reversion
        reversion=getattr(est, "level_reversion", None),
        panel_choice=panel_choice,
    )


def resolve_output_length(est, fh) -> int:
    """Return the decoder length of a fit: ``output_length``, or from ``fh``."""
    if est.output_length is not None:
        return int(est.output_length)
    if fh is None:
        return int(est.window_length)
    # in-sample steps are forecast one step ahead: they need 1
    steps = np.asarray(fh.to_relative(est.cutoff), dtype=np.int64)
    return max(1, int(steps.max()))


def fitted_backbone(est) -> Backbone | None:
    """Return the fitted backbone (``backbone_``), or None."""
    params = getattr(est, "backbone_", None)
    return None if params is None else Backbone(**params)


def fitted_encoding(est) -> Encoding:
    """Return the fitted encoding, from the fitted state that is saved."""
    return Encoding(
        scaler=est.scaler_,
        per_series=est.scaling == "per_series",
        n_targets=len(est._y_columns),
        step=est._grid.step,
        seasonal_period=est.seasonal_period_,
        profile=est.profile_,
        backbone=fitted_backbone(est),
        log=getattr(est, "log_series_", None),
    )
