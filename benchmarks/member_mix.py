"""Members that differ, combined by the mean or the median (issue 20, item 3).

A prototype measured on M1's selection split only (each series' last 18
training points held out; the test part is never read): every "member" is a
whole forecaster (``ensemble_size=1``, its own backbone and backtest weight)
with its own seed and, per recipe, its own ``window_length`` and/or ``loss``;
the members' point forecasts are combined by their mean and by their median
(per series and step) and scored like ``benchmarks/m1.py`` (sMAPE, MASE with
the series' lag-12 in-sample scale). Members of a whole forecaster differ by
seed only; this asks whether members that differ more, combined robustly,
forecast better.

    python benchmarks/member_mix.py --m1-path ../shared/data/m1_monthly.csv.gz \
        --recipes seeds losses windows mixed --seeds 0 1 2
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sktime_gru import GRUEncoderDecoderForecaster  # noqa: E402
from sktime_gru.benchmarking._holdout import (  # noqa: E402
    holdout_split,
    load_m1,
    long_to_panel,
    panel_to_long,
    score_forecasts,
)

HORIZON = 18
SP = 12
# each recipe: the members' own parameters (one dict per member)
RECIPES = {
    "seeds": [{}, {}, {}],
    "losses": [{"loss": "mse"}, {"loss": "mae"}, {"loss": "huber"}],
    "windows": [{"window_length": 12}, {"window_length": 24}, {"window_length": 36}],
    "mixed": [
        {"window_length": 12, "loss": "mse"},
        {"window_length": 24, "loss": "mae"},
        {"window_length": 36, "loss": "huber"},
    ],
}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--m1-path", required=True)
    p.add_argument("--recipes", nargs="+", default=list(RECIPES))
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    p.add_argument("--output", default=None, help="CSV of the scores")
    p.add_argument("--series", type=int, default=None, help="first N series only")
    args = p.parse_args(argv)
    long = load_m1(args.m1_path)
    if args.series is not None:
        keep = long["series_id"].drop_duplicates().iloc[: args.series]
        long = long[long["series_id"].isin(keep)]
    train, test, _ = holdout_split(long, HORIZON, "selection")
    panel = long_to_panel(train)
    fh = np.arange(1, HORIZON + 1)
    rows = []
    for recipe in args.recipes:
        for seed in args.seeds:
            forecasts, weights, fit_s = [], [], 0.0
            for k, member in enumerate(RECIPES[recipe]):
                f = GRUEncoderDecoderForecaster(
                    ensemble_size=1, random_state=seed * 100 + k, **member
                )
                start = time.perf_counter()
                f.fit(panel, fh=fh)
                fit_s += time.perf_counter() - start
                forecasts.append(f.predict()["value"])
                weights.append(round(float(f.departure_weight_), 3))
            stacked = np.stack([s.to_numpy() for s in forecasts])
            for how, values in (
                ("mean", stacked.mean(0)),
                ("median", np.median(stacked, 0)),
            ):
                point = pd.Series(values, index=forecasts[0].index)
                long = panel_to_long(point, panel.attrs["shift"])
                scores = score_forecasts(long, train, test, SP).mean()
                row = {
                    "recipe": recipe,
                    "combine": how,
                    "seed": seed,
                    "sMAPE": scores["sMAPE"],
                    "MASE": scores["MASE"],
                    "weights": json.dumps(weights),
                    "fit_s": round(fit_s, 1),
                }
                rows.append(row)
                print(row, flush=True)
    table = pd.DataFrame(rows)
    summary = table.groupby(["recipe", "combine"])[["sMAPE", "MASE"]].mean()
    print(summary.round(3).to_string())
    if args.output:
        table.to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
