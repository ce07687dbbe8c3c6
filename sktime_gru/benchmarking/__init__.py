"""Thin helpers for benchmarking forecasters on panels with sktime's ``evaluate``.

Used by the scripts in ``benchmarks/``; importable on their own to score other
forecasters the same way:

>>> from sktime_gru.benchmarking import expanding_splitter, evaluate_long
>>> from sktime_gru.datasets import load_weather_au
>>> from sktime.forecasting.naive import NaiveForecaster
>>> y = load_weather_au()
>>> cv = expanding_splitter(n_timepoints=96, horizon=18, n_folds=3, step_length=6)
>>> naive = NaiveForecaster(sp=12)
>>> scores = evaluate_long(naive, y, cv, model="naive")  # doctest: +SKIP

Metric definitions (see :func:`scoring`): every score is computed per series by
sktime's metric classes (``multilevel="uniform_average"``) and then averaged over
the series of the panel, with equal weight per series; MASE scales each series
by the in-sample MAE of its own seasonal naive forecast on that fold's training
data. Scores over several folds are averaged with equal weight per fold.
"""

from __future__ import annotations

from sktime_gru.benchmarking._evaluation import (
    METRICS,
    evaluate_long,
    expanding_splitter,
    fold_cutoffs,
    scoring,
    summarise,
)
from sktime_gru.benchmarking._models import (
    DEFAULT_MODELS,
    MODELS,
    ModelSpec,
    gru_params,
    make_model,
    missing_dependencies,
    tutorial_params,
)
from sktime_gru.benchmarking._report import (
    fill_output_paths,
    machine_info,
    machine_line,
    markdown_table,
    update_markdown_section,
)

__all__ = [
    "METRICS",
    "DEFAULT_MODELS",
    "MODELS",
    "ModelSpec",
    "evaluate_long",
    "expanding_splitter",
    "fill_output_paths",
    "fold_cutoffs",
    "gru_params",
    "machine_info",
    "machine_line",
    "make_model",
    "markdown_table",
    "missing_dependencies",
    "scoring",
    "summarise",
    "tutorial_params",
    "update_markdown_section",
]
