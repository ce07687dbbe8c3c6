"""The forecasters of the benchmark, by short name, built lazily.

Classical models are per-series: sktime fits one clone per series of a panel
(vectorisation) automatically. The GRU is one global network for the panel.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_MODELS",
    "MODELS",
    "ModelSpec",
    "gru_params",
    "make_model",
    "missing_dependencies",
    "tutorial_params",
]


@dataclass(frozen=True)
class ModelSpec:
    """How to build one benchmark forecaster.

    Attributes
    ----------
    name : str
        Short name used on the command line and in result tables.
    estimator : str
        ``"module:Class"`` of the sktime forecaster.
    params : dict
        Constructor parameters.
    seeded : bool
        Whether ``random_state`` matters (the model is run once per seed).
    label : str
        Readable description for tables.
    seed_param : str
        The constructor parameter that takes the seed of a seeded model.
    extra : str
        The optional-dependency group of sktime-gru that installs what the
        model needs: ``"benchmark"`` (the default run) or ``"peers"`` (the
        peer GRUs, run on request).
    """

    name: str
    estimator: str
    params: dict = field(default_factory=dict)
    seeded: bool = False
    label: str = ""
    seed_param: str = "random_state"
    extra: str = "benchmark"

    def load_class(self):
        """Import and return the estimator class."""
        module, cls = self.estimator.split(":")
        return getattr(importlib.import_module(module), cls)


_SP = 12

MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in [
        ModelSpec(
            "gru",
            "sktime_gru.forecaster:GRUEncoderDecoderForecaster",
            {},
            seeded=True,
            label="GRUEncoderDecoderForecaster (defaults)",
        ),
        # the backbone alone: the untrained network (its statistical part)
        ModelSpec(
            "gru_backbone",
            "sktime_gru.forecaster:GRUEncoderDecoderForecaster",
            {"n_epochs": 0},
            seeded=True,
            label="GRUEncoderDecoderForecaster(n_epochs=0): the backbone alone",
        ),
        ModelSpec(
            "naive_last",
            "sktime.forecasting.naive:NaiveForecaster",
            {"strategy": "last", "sp": _SP},
            label="seasonal naive (last year)",
        ),
        ModelSpec(
            "naive_mean",
            "sktime.forecasting.naive:NaiveForecaster",
            {"strategy": "mean", "sp": _SP},
            label="per-month mean (climatology)",
        ),
        ModelSpec(
            "autoarima",
            "sktime.forecasting.statsforecast:StatsForecastAutoARIMA",
            {"sp": _SP},
            label="AutoARIMA (statsforecast)",
        ),
        ModelSpec(
            "autoets",
            "sktime.forecasting.statsforecast:StatsForecastAutoETS",
            {"season_length": _SP},
            label="AutoETS (statsforecast)",
        ),
        ModelSpec(
            "autotheta",
            "sktime.forecasting.statsforecast:StatsForecastAutoTheta",
            {"season_length": _SP, "decomposition_type": "additive"},
            label="AutoTheta, additive (statsforecast)",
        ),
        ModelSpec(
            "theta",
            "sktime.forecasting.theta:ThetaForecaster",
            {"sp": _SP, "deseasonalize": True, "deseasonalize_model": "additive"},
            label="Theta, additive deseasonalisation (sktime, statsmodels)",
        ),
        ModelSpec(
            "harmonic",
            "sktime_gru.benchmarking._harmonic:HarmonicRegressionForecaster",
            {"sp": _SP, "fourier_terms": 2},
            label="harmonic regression: FourierFeatures(sp 12, 2 terms) + "
            "YfromX(LinearRegression())",
        ),
        # peer GRUs: one global network each, 18 months in like the tutorial,
        # their libraries' defaults otherwise
        ModelSpec(
            "darts_gru",
            "sktime_gru.benchmarking._darts:DartsRNNForecaster",
            {
                "model_class": "RNNModel",
                "model": "GRU",
                "input_chunk_length": 18,
                "training_length": 36,
            },
            seeded=True,
            label="darts RNNModel(model='GRU'), autoregressive",
            extra="peers",
        ),  # fmt: skip
        ModelSpec(
            "darts_block_gru",
            "sktime_gru.benchmarking._darts:DartsRNNForecaster",
            {
                "model_class": "BlockRNNModel",
                "model": "GRU",
                "input_chunk_length": 18,
                "output_chunk_length": 18,
            },
            seeded=True,
            label="darts BlockRNNModel(model='GRU'), 18 steps at once",
            extra="peers",
        ),  # fmt: skip
        ModelSpec(
            "nf_gru",
            "sktime.forecasting.neuralforecast:NeuralForecastGRU",
            {
                "input_size": 18,
                "trainer_kwargs": {
                    "accelerator": "cpu",
                    "enable_progress_bar": False,
                    "enable_model_summary": False,
                    "logger": False,
                },
            },
            seeded=True,
            label="neuralforecast GRU (sktime's NeuralForecastGRU)",
            seed_param="random_seed",
            extra="peers",
        ),  # fmt: skip
    ]
}

#: What a plain run of ``benchmarks/accuracy.py`` backtests: everything the
#: "benchmark" extra installs (the peer GRUs need torch: ``--models``).
DEFAULT_MODELS = [name for name, spec in MODELS.items() if spec.extra == "benchmark"]


def missing_dependencies(name: str) -> list[str]:
    """Soft dependencies of model ``name`` that are missing (empty: runnable).

    Uses the estimator's own ``python_dependencies`` tag and sktime's check, so
    version bounds count too.
    """
    from sktime.utils.dependencies import _check_estimator_deps

    cls = MODELS[name].load_class()
    if _check_estimator_deps(cls, severity="none"):
        return []
    deps = cls.get_class_tag("python_dependencies", None) or []
    return [str(d) for d in (deps if isinstance(deps, list) else [deps])]


def make_model(name: str, seed: int | None = None, params: dict | None = None):
    """Build model ``name``; ``params`` override its defaults.

    ``seed`` is passed to seeded models only, as their ``seed_param``.
    """
    spec = MODELS[name]
    kwargs = {**spec.params, **(params or {})}
    if spec.seeded and seed is not None:
        kwargs[spec.seed_param] = seed
    return spec.load_class()(**kwargs)


#: The reference tutorial's network and recipe in our parameters. Options the
#: tutorial does not have (seasonal inputs, deseasonalising, ensembles) are
#: switched off where the forecaster has them.
_TUTORIAL = {
    "window_length": 18,
    "output_length": 18,
    "units": 32,
    "n_layers": 1,
    "bidirectional": True,
    "scaling": "global",
    "n_epochs": 50,
    "batch_size": 32,
    "seasonal_period": None,
    "deseasonalize": False,
    "ensemble_size": 1,
}


def tutorial_params(**overrides) -> dict:
    """Parameters of ``GRUEncoderDecoderForecaster`` for the tutorial's recipe.

    Only parameters the installed forecaster has are returned, so the recipe
    stays the tutorial's while options are added to the forecaster.
    """
    from sktime_gru.forecaster import GRUEncoderDecoderForecaster

    names = set(GRUEncoderDecoderForecaster.get_param_names())
    params = {**_TUTORIAL, **overrides}
    return {k: v for k, v in params.items() if k in names}


_NOT_MODEL = ("callbacks", "verbose", "random_state", "run_eagerly")


def gru_params(params: dict | None = None) -> dict:
    """Return the benchmark GRU's effective parameters (defaults + ``params``).

    Leaves out those that do not change the model (callbacks, verbosity, seed).
    """
    from sktime_gru.forecaster import GRUEncoderDecoderForecaster

    effective = GRUEncoderDecoderForecaster(**(params or {})).get_params()
    return {k: v for k, v in sorted(effective.items()) if k not in _NOT_MODEL}
