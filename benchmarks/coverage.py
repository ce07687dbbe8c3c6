"""Empirical coverage of the prediction intervals on weatherAUS splits.

For each split, fits on the history up to its cutoff and scores the 80% and 95%
intervals of ``predict_interval`` over all 44 stations and forecast months:
coverage = share of (station, month) pairs inside the interval.

Splits: ``ref`` (the reference split: fit to 2015-06, score 2015-07..2016-12,
fh 1..18), and the selection splits of ``select_defaults.py``, which lie before
every scored month of the accuracy benchmark: ``A`` (fit to 2012-12, score
2013-01..2014-06, fh 1..18) and ``B`` (fit to 2013-06, score 2013-07..2014-06,
fh 1..12).

    python benchmarks/coverage.py --seeds 0 1 --splits ref A B
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np
import pandas as pd

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.datasets import load_weather_au

CONFIGS = {
    # the default: residuals of a backtest network on held-back months
    "default (backtest)": {},
    # residuals of the training windows: expected too narrow
    "interval_calibration='windows'": {"interval_calibration": "windows"},
    # residuals of purged held-out windows
    "windows + validation_split=0.2": {
        "interval_calibration": "windows",
        "validation_split": 0.2,
    },
}
SPLITS = {"ref": ("2015-06", 18), "A": ("2012-12", 18), "B": ("2013-06", 12)}


def score(y, cutoff: str, steps: int, params: dict, seed: int) -> dict:
    """Fit up to ``cutoff``, forecast ``steps`` months; coverage, width, MAE."""
    t = y.index.get_level_values(-1)
    end = pd.Period(cutoff, "M")
    train = y[t <= end]
    test = y[(t > end) & (t <= end + steps)]
    f = GRUEncoderDecoderForecaster(random_state=seed, **params)
    start = time.perf_counter()
    f.fit(train, fh=range(1, steps + 1))
    fit_s = time.perf_counter() - start
    pi = f.predict_interval(coverage=[0.8, 0.95])
    actual = test.loc[pi.index, "MedTemp"].to_numpy()
    row = {"calibration": f.calibration_, "fit_s": fit_s}
    for cov in (0.8, 0.95):
        lo = pi[("MedTemp", cov, "lower")].to_numpy()
        hi = pi[("MedTemp", cov, "upper")].to_numpy()
        row[f"coverage_{int(cov * 100)}"] = float(
            np.mean((lo <= actual) & (actual <= hi))
        )
        row[f"mean_width_{int(cov * 100)}"] = float(np.mean(hi - lo))
    point = f.predict()
    row["mae"] = float(np.mean(np.abs(point["MedTemp"].to_numpy() - actual)))
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--splits", nargs="+", default=["ref"], choices=list(SPLITS))
    parser.add_argument(
        "--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS)
    )
    parser.add_argument("--output", default="benchmarks/results/coverage.json")
    args = parser.parse_args(argv)
    y = load_weather_au()
    rows = []
    for split in args.splits:
        cutoff, steps = SPLITS[split]
        for name in args.configs:
            for seed in args.seeds:
                row = {"split": split, "config": name, "seed": seed}
                try:
                    row.update(score(y, cutoff, steps, CONFIGS[name], seed))
                except ValueError as err:  # e.g. no window left by the purge
                    row["error"] = str(err)
                rows.append(row)
                print(json.dumps(row), flush=True)
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    with open(args.output, "w") as fh:
        json.dump(
            {"rows": rows, "machine": platform.platform(), "command": argv},
            fh,
            indent=1,
        )
    return table


if __name__ == "__main__":
    main()
