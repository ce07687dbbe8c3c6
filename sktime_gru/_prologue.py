"""How every fit starts.

Owns the one prologue shared by ``fit``, ``fit`` after ``pretrain`` and
``pretrain`` on a pretrained forecaster (:func:`prologue`): join y and X
into one raw matrix, check the series are long enough, resolve the decoder
length (``output_length_``) and the seasonal period, choose the backbone's
components (:func:`choose_backbone`) and fit the
:class:`~sktime_gru._encoding.Encoding`. After ``pretrain``, columns,
decoder length, seasonal settings, the backbone's panel-level components
and (unless scaled per series) the scale are the pretrained network's.

The forecaster's parameters come in as an :class:`EncodingSpec`, what a fit
after ``pretrain`` takes over as a :class:`Pretrained`, both made once per
call by :mod:`sktime_gru._specs` (which also rebuilds the fitted encoding
from the saved state). This module never sees the forecaster. No Keras.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "EncodingSpec",
    "Pretrained",
    "choose_backbone",
    "prologue",
    "resolve_output_length",
]


@dataclass(frozen=True)
class EncodingSpec:
    """The forecaster's parameters that how a fit starts reads.

    The fields are the parameters of the same names
    (:func:`sktime_gru._specs.encoding_spec`).
    """

    window_length: int
    output_length: int | None
    scaling: str | None
    seasonal_period: int | str | None
    deseasonalize: bool | str
    harmonics: int | str | None
    log_transform: bool | str
    level_smoothing: float | str | None
    trend_damping: float | str | None
    level_reversion: float | str | None


@dataclass(frozen=True)
class Pretrained:
    """What a fit after ``pretrain`` takes over from the pretrained forecaster.

    ``columns``: ``pretrain_columns_``; ``output_length``:
    ``pretrain_output_length_``; ``seasonal_period`` and ``deseasonalize``:
    the resolved ``seasonal_period_`` / ``deseasonalize_``; ``backbone``: the
    fitted backbone (or None); ``scaler``: ``pretrain_scaler_``.
    """

    columns: tuple
    output_length: int
    seasonal_period: int | None
    deseasonalize: bool
    backbone: Backbone | None
    scaler: object


def prologue(
    spec: EncodingSpec, y, X, fh, *, cutoff, x_columns=None,
    pretrained: Pretrained | None = None, whole_windows=True,
):  # fmt: skip
    """Assemble, check and encode training data: how every fit starts.

    Returns ``(data, decoder_length, encoding)``. ``cutoff``: the fit's
    cutoff (for ``fh``); ``x_columns``: the X columns of an earlier fit, or
    None. With ``pretrained``, columns, decoder length, seasonal settings
    and (unless scaled per series) the scale are the pretrained network's;
    ``whole_windows=False``: series need only one input window.
    """
    # what sktime's checks of y freed: before this fit's own largest steps
    release_free_memory()
    data = assemble(y, X, x_columns=x_columns)
    scaler = None
    if pretrained is not None:
        check_pretrain_columns(data, pretrained.columns)
        decoder_length = pretrained.output_length
        if whole_windows:
            check_long_enough(data.panel, decoder_length)
        seasonal_period = pretrained.seasonal_period
        deseasonalize = pretrained.deseasonalize
        backbone = pretrained.backbone
        if backbone is not None and backbone.series_harmonics is not None:
            # the pretrained level and trend; each new series' own shape
            backbone = choose_backbone(
                spec, data, decoder_length, seasonal_period, backbone
            )
        if spec.scaling != "per_series":
            # the network learned the pretraining panel's global scale
            scaler = pretrained.scaler
    else:
        decoder_length = resolve_output_length(spec, fh, cutoff)
        check_long_enough(data.panel, decoder_length)
        seasonal_period = resolve_period(spec.seasonal_period, data.panel)
        deseasonalize = spec.deseasonalize in ("auto", True)
        backbone = None
        if deseasonalize:
            backbone = choose_backbone(spec, data, decoder_length, seasonal_period)
    encoding = Encoding.fit(
        data.raw,
        data.panel,
        scaling=spec.scaling,
        seasonal_period=seasonal_period,
        deseasonalize=deseasonalize,
        scaler=scaler,
        backbone=backbone,
    )
    warn_if_ends_differ(data.panel)  # once per fit, when the data is usable
    release_free_memory()  # the backbone's choice's temporaries
    return data, decoder_length, encoding


def choose_backbone(
    spec: EncodingSpec, data: Data, decoder_length, seasonal_period, panel_choice=None
) -> Backbone:
    """Return the backbone's components for ``data`` with ``spec``'s parameters."""
    return select_for_panel(
        data.panel,
        decoder_length,
        seasonal_period,
        window=spec.window_length,
        harmonics=spec.harmonics,
        log=spec.log_transform,
        alpha=spec.level_smoothing,
        phi=spec.trend_damping,
        reversion=spec.level_reversion,
        panel_choice=panel_choice,
    )


def resolve_output_length(spec: EncodingSpec, fh, cutoff) -> int:
    """Return the decoder length of a fit: ``output_length``, or from ``fh``."""
    if spec.output_length is not None:
        return int(spec.output_length)
    if fh is None:
        return int(spec.window_length)
    # in-sample steps are forecast one step ahead: they need 1
    steps = np.asarray(fh.to_relative(cutoff), dtype=np.int64)
    return max(1, int(steps.max()))
