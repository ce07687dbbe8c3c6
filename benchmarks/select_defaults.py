"""Choose the forecaster's defaults on validation months of the training period.

The scored months of the accuracy benchmark (2014-07..2016-12) are never used
here. Split A (the default): fit on the history up to 2012-12, score
2013-01..2014-06; split B: ``--split 2013-06 2014-06``. Prints a table of MAE /
MASE per candidate (mean and std over seeds) next to the per-month mean and
seasonal naive on the same split.

    python benchmarks/select_defaults.py --seeds 0 1 2 --candidates all
    python benchmarks/select_defaults.py --split 2013-06 2014-06 --candidates units16
    python benchmarks/select_defaults.py --candidates none --peers darts_gru

(Rounds before the splits were moved in front of the scored months used
``--split 2013-12 2015-06``; BENCHMARKS.md, note 1.)
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from sktime.forecasting.naive import NaiveForecaster
from sktime.performance_metrics.forecasting import (
    mean_absolute_error,
    mean_absolute_scaled_error,
)

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.benchmarking import make_model
from sktime_gru.datasets import load_weather_au

TUTORIAL = dict(window_length=18, scaling="global")
CANDIDATES = {
    "tutorial": TUTORIAL,
    "per_series": dict(window_length=18, scaling="per_series"),
    "per_series+cal": dict(
        window_length=18, scaling="per_series", seasonal_period="auto"
    ),
    "per_series+cal+w24": dict(
        window_length=24, scaling="per_series", seasonal_period="auto"
    ),
    "per_series+cal+w12": dict(
        window_length=12, scaling="per_series", seasonal_period="auto"
    ),
    "per_series+cal+val": dict(
        window_length=18,
        scaling="per_series",
        seasonal_period="auto",
        validation_split=0.2,
        patience=10,
        n_epochs=200,
    ),
    "per_series+cal+mae": dict(
        window_length=18, scaling="per_series", seasonal_period="auto", loss="mae"
    ),
    "deseason+w12": dict(
        window_length=12,
        scaling="per_series",
        seasonal_period="auto",
        deseasonalize=True,
    ),
    "deseason+w18": dict(
        window_length=18,
        scaling="per_series",
        seasonal_period="auto",
        deseasonalize=True,
    ),
    "deseason+w12+val": dict(
        window_length=12,
        scaling="per_series",
        seasonal_period="auto",
        deseasonalize=True,
        validation_split=0.2,
        patience=10,
        n_epochs=200,
    ),
    "deseason+w6": dict(
        window_length=6,
        scaling="per_series",
        seasonal_period="auto",
        deseasonalize=True,
    ),
    "per_series+cal+u64": dict(
        window_length=18, scaling="per_series", seasonal_period="auto", units=64
    ),
    # second round: one change each from the current defaults
    "default": {},
    "units16": {"units": 16},
    "units64": {"units": 64},
    "layers2": {"n_layers": 2},
    "ens5": {"ensemble_size": 5},
    "dropout0.1": {"dropout": 0.1},
    "batch64": {"batch_size": 64},
    "adamw": {"optimizer": "adamw"},
    "epochs15": {"n_epochs": 15},
    "unidir": {"bidirectional": False},
}


def split(y, train_end="2012-12", test_end="2014-06"):
    t = y.index.get_level_values(-1)
    train = y[t <= pd.Period(train_end, "M")]
    test = y[(t > pd.Period(train_end, "M")) & (t <= pd.Period(test_end, "M"))]
    return train, test


def score(train, test, pred):
    pred = pred.loc[test.index]
    mae = mean_absolute_error(test, pred)
    mases = [
        mean_absolute_scaled_error(
            test.loc[loc], pred.loc[loc], y_train=train.loc[loc], sp=12
        )
        for loc in test.index.get_level_values(0).unique()
    ]
    return float(mae), float(np.mean(mases))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--candidates", nargs="+", default=["all"])
    parser.add_argument("--extra", type=json.loads, default={})
    parser.add_argument("--name", default=None)
    parser.add_argument(
        "--peers",
        nargs="*",
        default=[],
        help="models of sktime_gru.benchmarking.MODELS (e.g. darts_gru, nf_gru; "
        "the peers extra) scored with the same seeds",
    )
    parser.add_argument(
        "--split",
        nargs=2,
        default=["2012-12", "2014-06"],
        help="last training month and last scored month",
    )

    args = parser.parse_args(argv)
    y = load_weather_au()
    train, test = split(y, *args.split)

    fh = list(range(1, len(test.index.get_level_values(-1).unique()) + 1))
    rows = []
    for name, model in [
        ("per-month mean", NaiveForecaster(strategy="mean", sp=12)),
        ("seasonal naive", NaiveForecaster(strategy="last", sp=12)),
    ]:
        pred = model.fit(train, fh=fh).predict()
        rows.append((name, *score(train, test, pred), 0.0, 0.0))
    names = list(CANDIDATES) if args.candidates == ["all"] else args.candidates
    cands = {n: CANDIDATES[n] for n in names if n in CANDIDATES}
    if args.extra:
        cands[args.name or "extra"] = args.extra
    builders = {
        name: lambda seed, p=params: GRUEncoderDecoderForecaster(
            **{**p, "random_state": seed}
        )
        for name, params in cands.items()
    }
    for peer in args.peers:
        builders[peer] = lambda seed, p=peer: make_model(p, seed=seed)
    for name, build in builders.items():
        maes, mases, times, weights = [], [], [], []
        for seed in args.seeds:
            f = build(seed)
            t0 = time.perf_counter()
            f.fit(train, fh=fh)
            times.append(time.perf_counter() - t0)
            mae, mase = score(train, test, f.predict())
            maes.append(mae)
            mases.append(mase)
            # how much of the network the backtest kept (peers: none)
            weights.append(float(getattr(f, "departure_weight_", float("nan"))))
        rows.append(
            (name, np.mean(maes), np.mean(mases), np.std(maes), np.median(times))
        )
        print(
            f"{name:28s} MAE {np.mean(maes):.3f} ± {np.std(maes):.3f}  "
            f"MASE {np.mean(mases):.4f}  fit {np.median(times):.1f}s  departure "
            f"weights {' '.join(f'{w:.2f}' for w in weights)}",
            flush=True,
        )
    table = pd.DataFrame(rows, columns=["model", "MAE", "MASE", "MAE std", "fit s"])
    print(table.round(3).to_string(index=False))
    return table


if __name__ == "__main__":
    main()
