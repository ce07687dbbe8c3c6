"""Empirical coverage of the prediction intervals on weatherAUS splits.

For each split, fits on the history up to its cutoff and scores the 80% and 95%
intervals of ``predict_interval`` over all 44 stations and forecast months:
coverage = share of (station, month) pairs inside the interval.

Splits: ``ref`` (the reference split: fit to 2015-06, score 2015-07..2016-12,
fh 1..18); the selection splits of ``select_defaults.py``, which lie before
every scored month of the accuracy benchmark: ``A`` (fit to 2012-12, score
2013-01..2014-06, fh 1..18) and ``B`` (fit to 2013-06, score 2013-07..2014-06,
fh 1..12); and, for measurement only (nothing was chosen on them), the other
origins before the reference split with 18 scored months: ``C`` (fit to
2013-06) and ``D`` (fit to 2013-12, score 2014-01..2015-06).

A split's errors are correlated across stations within a month (one weather
regime moves all of them), so a split's coverage rests on about as many
independent draws as it has months: each coverage comes with a 90% interval
from a circular block bootstrap over its months (blocks of 3 months, coverage
per month averaged over stations and seeds).

    python benchmarks/interval_coverage.py --seeds 0 1 --splits ref A B C D

``--origins``: the 6 rolling origins of ``benchmarks/accuracy.py`` (cutoffs
2012-12 ``A``, 2013-06 ``C``, 2013-12 ``D``, 2014-06 ``E``, 2014-12 ``F``,
2015-06 ``ref``; fh 1..18 each), the default configuration, seeds 0, 1, 2
(unless given): the GRU's 80% / 95% coverage at each origin (mean over seeds)
and the mean over the origins, written to
``benchmarks/results/coverage_origins.json`` / ``.md`` and the
``coverage_origins`` section of BENCHMARKS.md:

    python benchmarks/interval_coverage.py --origins
    python benchmarks/interval_coverage.py --origins --quick   # smoke run

(Not named ``coverage.py``: a script in ``benchmarks/`` would shadow the
``coverage`` package, which torch's libraries import, for every script there.)
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.benchmarking import markdown_table, update_markdown_section
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
SPLITS = {
    "ref": ("2015-06", 18),
    "A": ("2012-12", 18),
    "B": ("2013-06", 12),
    "C": ("2013-06", 18),
    "D": ("2013-12", 18),
    "E": ("2014-06", 18),
    "F": ("2014-12", 18),
}
#: the rolling origins of benchmarks/accuracy.py, in time order
ORIGINS = ["A", "C", "D", "E", "F", "ref"]
LEVELS = (0.8, 0.95)


def score(y, cutoff: str, steps: int, params: dict, seed: int, widen=()) -> dict:
    """Fit up to ``cutoff``, forecast ``steps`` months; coverage, width, MAE.

    ``widen``: factors for a what-if, each the coverage of the same intervals
    with their half-widths scaled by the factor about their midpoints.
    """
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
    for cov in LEVELS:
        lo = pi[("MedTemp", cov, "lower")].to_numpy()
        hi = pi[("MedTemp", cov, "upper")].to_numpy()
        inside = ((lo <= actual) & (actual <= hi)).reshape(-1, steps)  # (n, months)
        row[f"coverage_{int(cov * 100)}"] = float(inside.mean())
        row[f"per_month_{int(cov * 100)}"] = inside.mean(axis=0).tolist()
        row[f"mean_width_{int(cov * 100)}"] = float(np.mean(hi - lo))
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        for factor in widen:
            wide = np.abs(actual - mid) <= factor * half
            row[f"coverage_{int(cov * 100)}_x{factor:g}"] = float(wide.mean())
    point = f.predict()
    row["mae"] = float(np.mean(np.abs(point["MedTemp"].to_numpy() - actual)))
    return row


def regime(y, cutoff: str, steps: int) -> dict:
    """How unusual the scored months are, from the data alone (no model).

    Anomaly = value minus the station's mean for that calendar month over the
    training history; the common part is the mean anomaly over stations in a
    month (one weather regime moving every station), the rest is the
    station's own. Root mean squares over the history, its last 12 months
    and the scored months.
    """
    wide = y["MedTemp"].unstack(0)
    end = pd.Period(cutoff, "M")
    history = wide.loc[:end]
    months = wide.index.month
    climatology = history.groupby(history.index.month).mean()
    anomaly = wide - climatology.loc[months].to_numpy()
    common = anomaly.mean(axis=1)
    own = anomaly.sub(common, axis=0)
    scored = (wide.index > end) & (wide.index <= end + steps)
    past = wide.index <= end
    last_year = past & (wide.index > end - 12)

    def rms(frame, rows):
        return float(np.sqrt(np.nanmean(np.square(frame[rows].to_numpy()))))

    return {
        "common_rms_history": rms(common, past),
        "common_rms_last_12": rms(common, last_year),
        "common_rms_scored": rms(common, scored),
        "own_rms_history": rms(own, past),
        "own_rms_scored": rms(own, scored),
    }


def block_bootstrap(per_month, block=3, draws=4000, seed=0) -> tuple[float, float]:
    """5% and 95% quantiles of the mean of ``per_month`` under resampling.

    Circular block bootstrap: blocks of ``block`` consecutive months, drawn
    with replacement until the split's number of months is filled.
    """
    per_month = np.asarray(per_month, dtype=float)
    n = len(per_month)
    rng = np.random.default_rng(seed)
    n_blocks = -(-n // block)
    first = rng.integers(0, n, size=(draws, n_blocks))
    months = (first[:, :, None] + np.arange(block)) % n  # -> (draws, blocks, block)
    means = per_month[months.reshape(draws, -1)[:, :n]].mean(axis=1)
    return float(np.quantile(means, 0.05)), float(np.quantile(means, 0.95))


def summarise(rows: list[dict], regimes: dict | None = None) -> pd.DataFrame:
    """Coverage per split and configuration, over seeds, with bootstrap bands."""
    out, regimes = [], regimes or {}
    table = pd.DataFrame([r for r in rows if "error" not in r])
    for (split, config), group in table.groupby(["split", "config"], sort=False):
        line = {"split": split, "config": config, "seeds": len(group)}
        for cov in LEVELS:
            key = int(cov * 100)
            per_month = np.mean(np.stack(group[f"per_month_{key}"].to_list()), 0)
            low, high = block_bootstrap(per_month)
            line[f"coverage_{key}"] = group[f"coverage_{key}"].mean()
            line[f"band_{key}"] = f"{low:.1%}-{high:.1%}"
        for what_if in (c for c in group.columns if "_x" in c):
            line[what_if] = group[what_if].mean()
        out.append({**line, **regimes.get(split, {})})
    return pd.DataFrame(out)


def origins_table(rows: list[dict]) -> pd.DataFrame:
    """Coverage (%) per origin (mean over seeds) and the mean over origins.

    Rows with an ``error`` are left out of the means; an origin where every
    seed failed shows NaN and its error.
    """
    table = pd.DataFrame(rows)
    out = []
    for split in ORIGINS:
        group = table[table["split"] == split]
        if group.empty:
            continue
        ok = group[group.get("error", pd.Series(index=group.index)).isna()]
        line = {"origin": split, "cutoff": SPLITS[split][0], "seeds": len(ok)}
        for cov in LEVELS:
            key = f"coverage_{int(cov * 100)}"
            line[key] = 100 * ok[key].mean() if len(ok) else np.nan
        line["fit_s"] = ok["fit_s"].mean() if len(ok) else np.nan
        if not len(ok):
            line["error"] = str(group["error"].iloc[0])
        out.append(line)
    result = pd.DataFrame(out)
    mean = {"origin": "mean", "cutoff": f"{len(result)} origins"}
    for col in ("coverage_80", "coverage_95", "fit_s"):
        mean[col] = result[col].mean()
    mean["seeds"] = int(result["seeds"].min()) if len(result) else 0
    return pd.concat([result, pd.DataFrame([mean])], ignore_index=True)


def origins_markdown(table: pd.DataFrame, args, params: dict) -> str:
    """The Markdown section of ``--origins``."""
    shown = table.copy()
    for col in ("coverage_80", "coverage_95"):
        shown[col] = shown[col].map(lambda v: "-" if pd.isna(v) else f"{v:.1f}")
    shown["fit_s"] = shown["fit_s"].map(lambda v: "-" if pd.isna(v) else f"{v:.1f}")
    shown = shown.rename(
        columns={"coverage_80": "80% coverage (%)", "coverage_95": "95% coverage (%)"}
    )
    kwargs = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return "\n".join(
        [
            "## Interval coverage at the 6 rolling origins "
            "(`benchmarks/interval_coverage.py --origins`)",
            "",
            "weatherAUS, 44 stations, the cutoffs of `benchmarks/accuracy.py`; "
            "each origin: `GRUEncoderDecoderForecaster(random_state=seed"
            + (f", {kwargs}" if kwargs else "")
            + ")` fitted on the months up to the cutoff, `predict_interval("
            "coverage=[0.8, 0.95])` for fh = 1..18; coverage = share of the 44 x "
            "18 (station, month) pairs inside the interval, averaged over seeds "
            f"{', '.join(map(str, args.seeds))}; last row: the mean over origins "
            "(equal weight). Months within an origin are correlated across "
            "stations (see the section above): one origin is about 18 draws.",
            "",
            markdown_table(shown, index=False),
            "",
            f"Command: `python benchmarks/interval_coverage.py "
            f"{' '.join(args.argv)}` ({platform.platform()}).",
        ]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=None)
    parser.add_argument(
        "--origins",
        action="store_true",
        help="the 6 rolling origins of accuracy.py, default configuration",
    )
    parser.add_argument(
        "--quick", action="store_true", help="with --origins: n_epochs=2, seed 0"
    )
    parser.add_argument("--splits", nargs="+", default=["ref"], choices=list(SPLITS))
    parser.add_argument(
        "--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS)
    )
    parser.add_argument(
        "--widen",
        type=float,
        nargs="*",
        default=[],
        help="what-if: also score the intervals with half-widths times these",
    )
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.origins:
        return run_origins(args)
    args.seeds = args.seeds or [0]
    args.output = args.output or "benchmarks/results/coverage.json"
    y = load_weather_au()
    rows = []
    for split in args.splits:
        cutoff, steps = SPLITS[split]
        for name in args.configs:
            for seed in args.seeds:
                row = {"split": split, "config": name, "seed": seed}
                try:
                    row.update(score(y, cutoff, steps, CONFIGS[name], seed, args.widen))
                except ValueError as err:  # e.g. no window left by the purge
                    row["error"] = str(err)
                rows.append(row)
                print(json.dumps(row), flush=True)
    table = pd.DataFrame(rows).drop(
        columns=[f"per_month_{int(c * 100)}" for c in LEVELS], errors="ignore"
    )
    print(table.round(3).to_string(index=False))
    regimes = {split: regime(y, *SPLITS[split]) for split in args.splits}
    summary = summarise(rows, regimes)
    print(summary.round(3).to_string(index=False))
    with open(args.output, "w") as fh:
        json.dump(
            {
                "rows": rows,
                "summary": summary.to_dict(orient="records"),
                "machine": platform.platform(),
                "command": argv,
            },
            fh,
            indent=1,
        )
    return table


def run_origins(args):
    """``--origins``: coverage of the default GRU at the 6 rolling origins."""
    seeds = args.seeds or ([0] if args.quick else [0, 1, 2])
    args.seeds = seeds
    params = {"n_epochs": 2} if args.quick else {}
    y = load_weather_au()
    rows = []
    for split in ORIGINS:
        cutoff, steps = SPLITS[split]
        for seed in seeds:
            row = {"split": split, "config": "default (backtest)", "seed": seed}
            try:
                row.update(score(y, cutoff, steps, params, seed))
            except Exception as err:  # noqa: BLE001 - report and go on
                row["error"] = f"{type(err).__name__}: {err}"
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if "per_month" not in k}))
    table = origins_table(rows)
    print(table.round(2).to_string(index=False))
    standard = not args.quick and args.seeds == [0, 1, 2]
    out = Path(args.output or "benchmarks/results/coverage_origins.json")
    if args.quick and args.output is None:
        out = Path("benchmarks/results/quick/coverage_origins.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = origins_markdown(table, args, params)
    out.with_suffix(".md").write_text(report + "\n")
    out.write_text(
        json.dumps(
            {"rows": rows, "table": table.to_dict(orient="records"), "argv": args.argv},
            indent=1,
            default=str,
        )
    )
    if standard:
        update_markdown_section(
            Path(__file__).resolve().parents[1] / "BENCHMARKS.md",
            "coverage_origins",
            report,
        )
    return table


if __name__ == "__main__":
    main()
