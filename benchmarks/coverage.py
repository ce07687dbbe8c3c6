"""Empirical coverage of the prediction intervals on the weatherAUS reference split.

Fits on the history up to 2015-06 and scores the 80% and 95% intervals of
``predict_interval`` on the final 18 months (2015-07..2016-12) of all 44
stations: coverage = share of (station, month) pairs inside the interval.

    python benchmarks/coverage.py --seeds 0 1
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
    # calibrated on training windows (no held-out windows): expected too narrow
    "default": {},
    # calibrated on purged held-out windows, the documented way
    "validation_split=0.2": {"validation_split": 0.2},
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--output", default="benchmarks/results/coverage.json")
    args = parser.parse_args(argv)
    y = load_weather_au()
    t = y.index.get_level_values(-1)
    train, test = y[t <= pd.Period("2015-06", "M")], y[t > pd.Period("2015-06", "M")]
    rows = []
    for name, params in CONFIGS.items():
        for seed in args.seeds:
            f = GRUEncoderDecoderForecaster(random_state=seed, **params)
            start = time.perf_counter()
            f.fit(train, fh=range(1, 19))
            fit_s = time.perf_counter() - start
            pi = f.predict_interval(coverage=[0.8, 0.95])
            actual = test.loc[pi.index, "MedTemp"].to_numpy()
            row = {"config": name, "seed": seed, "calibration": f.calibration_}
            for cov in (0.8, 0.95):
                lo = pi[("MedTemp", cov, "lower")].to_numpy()
                hi = pi[("MedTemp", cov, "upper")].to_numpy()
                row[f"coverage_{int(cov * 100)}"] = float(
                    np.mean((lo <= actual) & (actual <= hi))
                )
                row[f"mean_width_{int(cov * 100)}"] = float(np.mean(hi - lo))
            point = f.predict()
            row["mae"] = float(np.mean(np.abs(point["MedTemp"].to_numpy() - actual)))
            row["fit_s"] = fit_s
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
