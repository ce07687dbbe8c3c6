"""The training budget curve on M1's selection split (issue 20, item 3).

What the network adds over its backbone as its training budget grows: the
default forecaster (``GRUEncoderDecoderForecaster(random_state=seed)``) with
``x`` times the default's gradient steps (10 epochs of at most 50 batches of
32 windows: 500 steps), scored like ``benchmarks/m1.py --split selection``
(the official test part dropped, each series' last 18 training points held
out: the split designs are chosen on, never the scored one). Budgets
(``--budgets``, comma separated multiples):

- ``1``: the defaults (500 steps);
- ``4``: ``max_steps_per_epoch=200`` (2,000 steps);
- ``16``: ``n_epochs=16, max_steps_per_epoch=500`` (8,000 steps);
- ``64``: ``n_epochs=64, max_steps_per_epoch=500`` (32,000 steps; about 20
  minutes per seed on a 2-core CPU, so only on request);
- ``0``: the backbone alone (``n_epochs=0``).

For each budget and seed (``--seeds``, default 0,1,2): sMAPE, MASE, the
backtest's departure weight (how much of the network the forecaster keeps)
and the fit's seconds. Results: ``benchmarks/results/budget_curve/``
(``budget_curve_runs.csv``, one row per budget x seed, merged with the saved
rows of budgets not re-run; ``budget_curve.md``); a standard run (default
seeds, all series) also replaces the ``budget_curve`` section of
BENCHMARKS.md. ``--quick``: the first 40 series, seed 0, budgets 0, 1 and 4,
written to ``results/budget_curve/quick/``.

    python benchmarks/budget_curve.py                 # budgets 0, 1, 4, 16 (~15 min)
    python benchmarks/budget_curve.py --budgets 64    # adds the x64 row (~1 h)

Needs M1 (``--m1-path``; see ``benchmarks/m1.py`` for where to get it) and
the benchmark extra (``pip install -e ".[benchmark]"``).
"""

from __future__ import annotations

import argparse
import json
import runpy
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.benchmarking import update_markdown_section
from sktime_gru.benchmarking._holdout import (
    command_line,
    format_mean_std,
    runs_provenance,
    save_merged,
)
from sktime_gru.benchmarking._report import (
    fill_output_paths,
    machine_line,
    markdown_table,
)

HERE = Path(__file__).resolve().parent
# multiple of the default's 500 gradient steps -> the parameters that give it
BUDGETS = {
    0: {"n_epochs": 0},
    1: {},
    4: {"max_steps_per_epoch": 200},
    16: {"n_epochs": 16, "max_steps_per_epoch": 500},
    64: {"n_epochs": 64, "max_steps_per_epoch": 500},
}
DEFAULT_BUDGETS = "0,1,4,16"


def _m1() -> dict:
    """benchmarks/m1.py as a namespace (its data loading and scoring)."""
    return runpy.run_path(str(HERE / "m1.py"), run_name="m1")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", default=None, help=f"default {DEFAULT_BUDGETS}")
    parser.add_argument("--seeds", default=None, help="default 0,1,2")
    parser.add_argument("--series", type=int, default=None, help="first N series")
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument("--m1-path", default=None, help="as in benchmarks/m1.py")
    parser.add_argument("--output-dir", default=None)
    parser.add_argument("--benchmarks-md", default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.series = args.series or 40
        args.seeds = args.seeds or "0"
        args.budgets = args.budgets or "0,1,4"
    budgets = args.budgets or DEFAULT_BUDGETS
    try:
        args.budget_list = [int(b) for b in budgets.split(",") if b.strip()]
    except ValueError:
        parser.error(f"--budgets {budgets!r}: pass multiples such as 1,4,16")
    unknown = sorted(set(args.budget_list) - set(BUDGETS))
    if unknown or not args.budget_list:
        parser.error(f"--budgets: {unknown or 'none'}; known: {sorted(BUDGETS)}")
    args.seed_list = [int(s) for s in (args.seeds or "0,1,2").split(",")]
    args.standard = not args.quick and args.series is None and args.seeds is None
    fill_output_paths(args, args.standard, HERE, name="budget_curve")
    return args


def run(args, m1: dict) -> pd.DataFrame:
    """Fit and score every budget x seed; one row per run."""
    m1_args = m1["parse_args"](
        ["--split", "selection", "--models", "gru"]
        + (["--m1-path", args.m1_path] if args.m1_path else [])
        + (["--series", str(args.series)] if args.series else [])
    )
    train, test, _, n_all = m1["load_data"](m1_args)
    n_scored = test["series_id"].nunique()
    print(
        f"M1 selection split: {n_scored} of {n_all} series "
        f"scored; budgets {args.budget_list}, seeds {args.seed_list}",
        flush=True,
    )
    rows = []
    for budget in args.budget_list:
        params = BUDGETS[budget]
        seeds = args.seed_list[:1] if budget == 0 else args.seed_list
        for seed in seeds:
            print(f"running x{budget} {json.dumps(params)} seed={seed} ...", flush=True)
            start = time.perf_counter()
            forecasts, times = m1["run_gru"]("gru", seed, train, params)
            scores = m1["score_forecasts"](forecasts, train, test, m1["SP"]).mean()
            row = {
                "model": f"x{budget}",
                "budget": budget,
                "steps": _steps(params),
                "params": json.dumps(params),
                "seed": seed,
                "sMAPE": scores["sMAPE"],
                "MASE": scores["MASE"],
                "departure_weight": times["departure_weight"],
                "fit_s": times["fit_s"],
                "wall_s": time.perf_counter() - start,
                "n_series": n_scored,
            }
            print(f"  {json.dumps(row, default=str)}", flush=True)
            rows.append(row)
    return pd.DataFrame(rows)


def _defaults() -> dict:
    """The forecaster's default parameters (what a budget of x1 is)."""
    return GRUEncoderDecoderForecaster().get_params()


def _steps(params: dict) -> int:
    """Gradient steps at most (per network) of a budget's parameters."""
    merged = {**_defaults(), **params}
    return merged["n_epochs"] * merged["max_steps_per_epoch"]


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per budget: mean ± std over seeds, the seeds' weights and fit s."""
    out = []
    for budget, group in runs.sort_values(["budget", "seed"]).groupby("budget"):
        n = len(group)
        stat = {
            k: format_mean_std(group[k].mean(), group[k].std(ddof=1), d)
            for k, d in (("sMAPE", 2), ("MASE", 3))
        }
        label = "backbone alone" if budget == 0 else f"x{budget}"
        out.append(
            {
                "budget": label,
                "gradient steps": int(group["steps"].iloc[0]),
                "parameters": group["params"].iloc[0],
                "sMAPE": stat["sMAPE"],
                "MASE": stat["MASE"],
                "departure weight (per seed)": " / ".join(
                    f"{w:.2f}" for w in group["departure_weight"]
                ),
                "fit s (median)": f"{np.median(group['fit_s']):.0f}",
                "seeds": ", ".join(str(s) for s in group["seed"]),
                "n": n,
            }
        )
    return pd.DataFrame(out).set_index("budget")


def render_markdown(summary: pd.DataFrame, runs: pd.DataFrame) -> str:
    """The Markdown section of the curve."""
    d = _defaults()
    return "\n".join(
        [
            "## The training budget curve on M1's selection split "
            "(`benchmarks/budget_curve.py`)",
            "",
            "The default forecaster with x times the default's gradient steps "
            f"({_steps({})}: {d['n_epochs']} epochs of at most "
            f"{d['max_steps_per_epoch']} batches of {d['batch_size']} windows), "
            "on M1's selection split (each series' last 18 training points held "
            "out; the official test part is never used), scored as "
            "`benchmarks/m1.py --split selection` (sMAPE, MASE: per series, "
            f"averaged over the {int(runs['n_series'].max())} scored series; "
            "`a ± b`: mean and std over seeds). The departure weight is how "
            "much of the trained network the backtest inside `fit` keeps (0: "
            "the backbone's forecast); fit s: the median over seeds of `fit` "
            "(the first fit of a process includes TensorFlow's tracing).",
            "",
            markdown_table(summary.drop(columns=["n"])),
            "",
            runs_provenance(runs),
        ]
    )


def main(argv: list[str] | None = None) -> pd.DataFrame:
    """Run the curve, merge with saved budgets, write CSV and Markdown."""
    args = parse_args(argv)
    m1 = _m1()
    command = command_line("benchmarks/budget_curve.py", argv)
    machine = machine_line(["sktime", "tensorflow", "keras"])
    runs = run(args, m1)
    runs = runs.assign(
        command=command.strip(),
        when_utc=pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M"),
        machine=machine,
    )
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    merged = save_merged(out / "budget_curve_runs.csv", runs)
    summary = summarise(merged)
    body = render_markdown(summary, merged)
    (out / "budget_curve.md").write_text(body + "\n")
    if args.benchmarks_md:
        update_markdown_section(args.benchmarks_md, "budget_curve", body)
    print(summary.to_string())
    return summary


if __name__ == "__main__":
    main()
