"""Speed and scale of GRUEncoderDecoderForecaster (CPU).

Four sections (``--sections``, default all), each timed after a warm-up:

``fit``
    Fit time of the default configuration on the weatherAUS panel (44 stations,
    history 2009-01..2015-06, ``fh=1..18``): median of ``--repeats`` full fits.
    The tutorial's training recipe (``tutorial_params(batch_size=1)``: window
    18, global scaling, no seasonal options, batch size 1, 50 epochs): one fit
    of ``--tutorial-epochs`` epochs is timed per epoch (Keras callback) and
    extrapolated to 50 epochs as ``setup + first epoch + 49 x median(later
    epochs)``; the ratio of that to the default's median fit is reported, in
    wall time and in process CPU time (less sensitive to other jobs).
``m1``
    Default fit of M1's 617 monthly series (official training part, ``fh=1..18``)
    when the data is there (``--m1-path``; M1 is not shipped, see
    ``benchmarks/m1.py``): the first fit on the panel (after the weatherAUS
    warm-up, so without the backend's import but with the tracing of M1's
    shapes) and ``--m1-repeats`` - 1 later fits, wall and process CPU time.
``windowing``
    Building all (input, target) windows: ``window_starts`` + ``gather_windows``
    (vectorised, what ``sktime_gru`` uses; training itself only gathers one batch
    at a time) against a loop that grows the arrays with ``np.append`` window by
    window, as the tutorial does. On the weatherAUS panel both are timed (and
    checked to give identical arrays); on 10,000 synthetic series x 240 months
    the ``np.append`` loop is quadratic, so it is timed on two subsets and
    extrapolated with the power law fitted through them.
``scale``
    Synthetic panels of 1,000 / 10,000 / 100,000 series x 240 months, each in its
    own subprocess: one epoch of ``fit`` with ``--scale-batch-size``, timed per
    training step by a Keras callback. Panels with at most
    ``--max-full-epoch-steps`` steps per epoch run the whole epoch; larger ones
    stop after ``--scale-steps`` steps and the epoch time is extrapolated as
    ``first step + (steps per epoch - 1) x median step`` (the first step
    includes tracing and the epoch's shuffle). Peak RSS: the subprocess's own
    high-water mark (``VmHWM`` of ``/proc/self/status`` on Linux), which
    includes building the pandas panel. Predict time for the whole synthetic
    panel is measured too.
``predict``
    Latency of ``predict()`` (all 18 steps) for the weatherAUS panel and for one
    series (a forecaster fitted on one station), median of ``--predict-calls``
    calls, and of the bare network call for the same inputs.

Results: ``speed.json`` and ``speed.csv`` in ``--output-dir`` and, for the
standard run, a section of ``BENCHMARKS.md`` with the machine description.
The Keras backend is the one in use (``KERAS_BACKEND=jax python
benchmarks/speed.py``): every result records it (``backend``, a column of the
CSV), and off TensorFlow the files are ``speed_<backend>.*`` and the Markdown
section ``speed-<backend>``, so each backend keeps its own numbers.
Full run: about 7 minutes on 2 CPU cores; ``--quick`` is a short smoke run
(numbers not comparable: fewer epochs and sizes).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sktime_gru.benchmarking import machine_line, markdown_table  # noqa: E402

HERE = Path(__file__).resolve().parent
HORIZON = 18
WINDOW = 18
LAST_TRAIN = pd.Period("2015-06", freq="M")
SECTIONS = ("fit", "m1", "windowing", "scale", "predict")
DEFAULT_M1 = HERE.parent.parent / "shared" / "data" / "m1_monthly.csv.gz"
MARKDOWN_KEY = "speed"


# ----------------------------------------------------------------- helpers --
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description="Speed and scale benchmarks.")
    p.add_argument("--sections", default=",".join(SECTIONS))
    p.add_argument("--quick", action="store_true", help="short smoke run")
    p.add_argument("--repeats", type=int, default=3, help="default fits timed")
    p.add_argument("--tutorial-epochs", type=int, default=3)
    p.add_argument("--scale-sizes", default="1000,10000,100000")
    p.add_argument("--scale-batch-size", type=int, default=1024)
    p.add_argument("--scale-steps", type=int, default=60)
    p.add_argument("--max-full-epoch-steps", type=int, default=250)
    p.add_argument(
        "--scale-params",
        default="{}",
        help="JSON dict of extra forecaster parameters for the scale section",
    )
    p.add_argument("--m1-path", default=str(DEFAULT_M1))
    p.add_argument("--m1-repeats", type=int, default=2, help="M1 fits timed")
    p.add_argument(
        "--fit-params",
        default="{}",
        help="JSON dict of forecaster parameters for the fit and m1 sections' "
        "default fits (e.g. '{\"jit_compile\": false}')",
    )
    p.add_argument("--synthetic-series", type=int, default=10_000)
    p.add_argument("--append-subsets", default="100,200,400")
    p.add_argument("--predict-calls", type=int, default=50)
    p.add_argument("--output-dir", default=None)
    p.add_argument("--benchmarks-md", default=None)
    p.add_argument(
        "--compare",
        action="store_true",
        help="only render the recorded speed*.json of every backend side by side",
    )
    p.add_argument(
        "--from-json",
        default=None,
        help="only render an existing speed.json into Markdown (no measurements)",
    )
    # internal: run one scale measurement and print JSON
    p.add_argument("--scale-worker", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.section_list = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(args.section_list) - set(SECTIONS)
    if unknown:
        p.error(f"unknown section(s) {sorted(unknown)}; choose from {SECTIONS}")
    args.scale_param_dict = json.loads(args.scale_params)
    args.fit_param_dict = json.loads(args.fit_params)
    standard = (
        not args.quick
        and args.section_list == list(SECTIONS)
        and not args.scale_param_dict
        and not args.fit_param_dict
    )
    if args.quick:
        args.repeats = 1
        args.tutorial_epochs = 2
        args.scale_sizes = "1000"
        args.scale_steps = 15
        args.max_full_epoch_steps = 0
        args.synthetic_series = 1000
        args.append_subsets = "5,10,20"
        args.predict_calls = 5
        args.m1_repeats = 1
    args.default_epochs = 3 if args.quick else None  # None: the default (50)
    from sktime_gru.benchmarking import fill_output_paths

    fill_output_paths(args, standard, HERE)
    return args


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB.

    Linux: ``VmHWM`` of ``/proc/self/status``, the high-water mark of this
    process's own address space. ``getrusage(RUSAGE_SELF).ru_maxrss`` is not
    used: Linux carries the parent's high-water mark over fork + exec, so a
    subprocess started by a process holding TensorFlow reports the parent's
    RSS (1 GiB for a 1,000-series panel in a trial run).
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB -> MiB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timer_callback(stop_after: int | None = None, first_training_only=False):
    """Keras callback recording epoch and batch end times; can stop early.

    An ensemble forecaster trains its members one after the other, each with
    its own ``model.fit``: ``trainings`` counts them. Epoch lists cover every
    training; batch times and ``train_begin`` the first one only. With
    ``first_training_only``, every later training stops after its first step.
    """
    from sktime_gru._training import import_keras

    keras = import_keras()

    class Timer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.train_begin = None
            self.epochs = []  # (start, end)
            self.batch_ends = []
            self.epochs_cpu = []  # process CPU seconds, all threads
            self.batch_ends_cpu = []
            self._epoch_start = None

            self.trainings = 0

        def on_train_begin(self, logs=None):
            self.trainings += 1
            if self.trainings == 1:
                self.train_begin = time.perf_counter()
                self.train_begin_cpu = time.process_time()

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch_start = time.perf_counter()
            self._epoch_start_cpu = time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append((self._epoch_start, time.perf_counter()))
            self.epochs_cpu.append((self._epoch_start_cpu, time.process_time()))

        def on_train_batch_end(self, batch, logs=None):
            if self.trainings > 1:
                if first_training_only:
                    self.model.stop_training = True
                return
            self.batch_ends.append(time.perf_counter())
            self.batch_ends_cpu.append(time.process_time())
            if stop_after is not None and len(self.batch_ends) >= stop_after:
                self.model.stop_training = True

    return Timer()


def weather_history() -> pd.DataFrame:
    """The weatherAUS panel up to 2015-06 (the reference training data)."""
    from sktime_gru.datasets import load_weather_au

    y = load_weather_au()
    return y[y.index.get_level_values("Date") <= LAST_TRAIN]


def synthetic_panel(n_series: int, n_months: int = 240, seed: int = 0):
    """Seasonal series (level + yearly sine + noise) as a ``pd-multiindex`` frame."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_months)
    level = rng.uniform(5, 30, (n_series, 1))
    amp = rng.uniform(2, 8, (n_series, 1))
    phase = rng.uniform(0, 12, (n_series, 1))
    values = level + amp * np.sin(2 * np.pi * (t + phase) / 12)
    values += rng.normal(0, 1, (n_series, n_months))
    index = pd.MultiIndex.from_product(
        [
            pd.Index([f"s{i:06d}" for i in range(n_series)], name="series"),
            pd.period_range("1997-01", periods=n_months, freq="M", name="time"),
        ]
    )
    return pd.DataFrame({"y": values.reshape(-1)}, index=index)


def forecaster(**params):
    """A GRU forecaster with the library defaults plus ``params``."""
    from sktime_gru import GRUEncoderDecoderForecaster

    return GRUEncoderDecoderForecaster(**{"random_state": 0, **params})


def median_time(fn, repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


FH = np.arange(1, HORIZON + 1)


# --------------------------------------------------------------------- fit --
def bench_fit(args, results: dict) -> object:
    """Time default fits and the tutorial's batch_size=1 recipe; return a fit."""
    y = weather_history()
    print("fit: warm-up fit (1 epoch) ...", flush=True)
    start = time.perf_counter()
    # the backend's import, and the tracing (XLA: compiling) of the structure
    forecaster(**{**args.fit_param_dict, "n_epochs": 1}).fit(y, fh=FH)
    warmup_s = time.perf_counter() - start

    extra = dict(args.fit_param_dict)
    if args.default_epochs is not None:
        extra["n_epochs"] = args.default_epochs
    fits, cpus, epoch_medians, fitted = [], [], [], None
    for r in range(args.repeats):
        timer = timer_callback()
        f = forecaster(callbacks=[timer], **extra)
        start, start_cpu = time.perf_counter(), time.process_time()
        f.fit(y, fh=FH)
        fits.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        durations = [end - begin for begin, end in timer.epochs]
        epoch_medians.append(statistics.median(durations[1:] or durations))
        print(f"fit: default fit {r + 1}/{args.repeats}: {fits[-1]:.1f} s", flush=True)
        fitted = f
    epochs = fitted.n_epochs
    default = {
        "params": {
            k: v
            for k, v in fitted.get_params().items()
            if k not in ("callbacks", "verbose", "random_state", "run_eagerly")
        },
        "epochs": epochs,
        "n_windows": int(fitted.n_windows_),
        "steps_per_epoch": math.ceil(fitted.n_windows_ / fitted.batch_size),
        "fit_s_runs": fits,
        "fit_s_median": statistics.median(fits),
        "fit_cpu_s_runs": cpus,
        "fit_cpu_s_median": statistics.median(cpus),
        "epoch_s_median": statistics.median(epoch_medians),
        "warmup_fit_s": warmup_s,
    }

    n_ep = args.tutorial_epochs
    timer = timer_callback()
    from sktime_gru.benchmarking import tutorial_params

    recipe = tutorial_params(batch_size=1, n_epochs=n_ep)
    f = forecaster(callbacks=[timer], **recipe)
    print(f"fit: tutorial recipe, batch_size=1, {n_ep} epochs ...", flush=True)
    start, start_cpu = time.perf_counter(), time.process_time()
    f.fit(y, fh=FH)
    total = time.perf_counter() - start
    total_cpu = time.process_time() - start_cpu

    def extrapolate(total, epochs):
        durations = [end - begin for begin, end in epochs]
        setup = total - sum(durations)
        later = statistics.median(durations[1:] or durations)
        return durations, setup, later, setup + durations[0] + 49 * later

    durations, setup, later, estimate_50 = extrapolate(total, timer.epochs)
    cpu_epochs, _, later_cpu, estimate_50_cpu = extrapolate(total_cpu, timer.epochs_cpu)
    tutorial = {
        "params": {**recipe, "n_epochs": 50},
        "epochs_timed": n_ep,
        "fit_s_timed": total,
        "epoch_s": durations,
        "setup_s": setup,
        "epoch_s_median_after_first": later,
        "steps_per_epoch": int(f.n_windows_),
        "fit_s_50_epochs_extrapolated": estimate_50,
        "epoch_cpu_s": cpu_epochs,
        "epoch_cpu_s_median_after_first": later_cpu,
        "fit_cpu_s_50_epochs_extrapolated": estimate_50_cpu,
    }
    # the ratio is only meaningful for the library's defaults (not --quick)
    library_default = args.default_epochs is None
    ratio = estimate_50 / default["fit_s_median"] if library_default else None
    ratio_cpu = (
        estimate_50_cpu / default["fit_cpu_s_median"] if library_default else None
    )
    results["fit"] = {
        "data": f"weatherAUS, {y.index.get_level_values(0).nunique()} stations, "
        "2009-01..2015-06, fh=1..18",
        "default": default,
        "tutorial_batch_size_1": tutorial,
        "speedup_default_vs_tutorial": ratio,
        "speedup_default_vs_tutorial_cpu": ratio_cpu,
    }
    print(
        f"fit: default median {default['fit_s_median']:.1f} s; tutorial recipe "
        f"extrapolated {estimate_50:.0f} s"
        + (f"; speed-up {ratio:.1f}x" if ratio else ""),
        flush=True,
    )
    return fitted


# ---------------------------------------------------------------------- m1 --
def bench_m1(args, results: dict) -> None:
    """Default fits of M1's 617 series (official training part)."""
    from sktime_gru.benchmarking._holdout import holdout_split, load_m1, long_to_panel

    path = Path(args.m1_path)
    if not path.exists():
        print(f"m1: skipped, no M1 data at {path}", flush=True)
        results["m1"] = {"skipped": f"no M1 data at {path}"}
        return
    train, _, _ = holdout_split(load_m1(path), HORIZON, "official")
    panel = long_to_panel(train)
    extra = dict(args.fit_param_dict)
    if args.default_epochs is not None:
        extra["n_epochs"] = args.default_epochs
    walls, cpus, weights = [], [], []
    for r in range(args.m1_repeats):
        f = forecaster(**extra)
        start, start_cpu = time.perf_counter(), time.process_time()
        f.fit(panel, fh=FH)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        weights.append(float(f.departure_weight_))
        print(f"m1: fit {r + 1}/{args.m1_repeats}: {walls[-1]:.1f} s", flush=True)
    later = walls[1:] or walls
    results["m1"] = {
        "data": f"M1 monthly, {panel.index.get_level_values(0).nunique()} series, "
        "official training part, fh=1..18",
        "n_windows": int(f.n_windows_),
        "extra_params": extra,
        "fit_s_runs": walls,
        "fit_cpu_s_runs": cpus,
        "fit_s_first": walls[0],
        "fit_s_later_median": statistics.median(later),
        "fit_cpu_s_later_median": statistics.median(cpus[1:] or cpus),
        "departure_weights": weights,
    }


# --------------------------------------------------------------- windowing --
def windows_np_append(values: np.ndarray, offsets: np.ndarray, window, decoder_length):
    """The tutorial's way: grow the arrays with ``np.append`` window by window."""
    n_cols = values.shape[1]
    inputs = np.empty((0, window, n_cols))
    targets = np.empty((0, decoder_length, n_cols))
    for i in range(len(offsets) - 1):
        series = values[offsets[i] : offsets[i + 1]]
        for j in range(len(series) - window - decoder_length + 1):
            inputs = np.append(inputs, series[None, j : j + window], axis=0)
            targets = np.append(
                targets, series[None, j + window : j + window + decoder_length], axis=0
            )
    return inputs, targets


def windows_vectorised(values: np.ndarray, offsets: np.ndarray, window, decoder_length):
    """What sktime_gru uses: start positions, then one fancy-indexing gather."""
    from sktime_gru._windowing import gather_windows, window_starts

    starts = window_starts(offsets, window, decoder_length)
    return gather_windows(values, starts, window, decoder_length)


def _flat(y: pd.DataFrame):
    from sktime_gru._panel import panel_from_frame

    panel = panel_from_frame(y)
    return panel.values, panel.offsets


def bench_windowing(args, results: dict) -> None:
    """Vectorised windowing against the np.append loop."""
    from sktime_gru.datasets import load_weather_au

    out = {}
    values, offsets = _flat(load_weather_au())
    ours = median_time(lambda: windows_vectorised(values, offsets, WINDOW, HORIZON), 20)
    loop = median_time(
        lambda: windows_np_append(values, offsets, WINDOW, HORIZON), 3, warmup=0
    )
    a, b = windows_vectorised(values, offsets, WINDOW, HORIZON)
    c, d = windows_np_append(values, offsets, WINDOW, HORIZON)
    assert np.array_equal(a, c) and np.array_equal(b, d), "windowing mismatch"
    out["weather_au"] = {
        "data": "weatherAUS, 44 stations x 96 months, window 18 + horizon 18",
        "n_windows": len(a),
        "vectorised_s": ours,
        "np_append_s": loop,
        "speedup": loop / ours,
        "identical_arrays": True,
    }
    print(f"windowing weatherAUS: {ours * 1e3:.2f} ms vs {loop:.3f} s", flush=True)

    n = args.synthetic_series
    values, offsets = _flat(synthetic_panel(n))
    ours = median_time(lambda: windows_vectorised(values, offsets, WINDOW, HORIZON), 3)
    n_windows = len(windows_vectorised(values, offsets, WINDOW, HORIZON)[0])
    gc.collect()
    subsets = [int(s) for s in args.append_subsets.split(",")]
    per_series = n_windows / n
    sub_times = []
    for m in subsets:
        start = time.perf_counter()
        windows_np_append(values, offsets[: m + 1], WINDOW, HORIZON)
        sub_times.append(time.perf_counter() - start)
        print(
            f"windowing np.append loop, {m} series: {sub_times[-1]:.1f} s", flush=True
        )
    # every append copies the whole array: cost a*N + b*N^2 in the windows N;
    # least squares through the subsets, then evaluated at the full panel
    counts = np.asarray(subsets, dtype=float) * per_series
    design = np.stack([counts, counts**2], axis=1)
    (a, b), *_ = np.linalg.lstsq(design, np.asarray(sub_times), rcond=None)
    loop_est = float(a * n_windows + b * n_windows**2)
    exponent = math.log(sub_times[-1] / sub_times[0]) / math.log(
        subsets[-1] / subsets[0]
    )
    out["synthetic"] = {
        "data": f"{n} synthetic series x 240 months, window 18 + horizon 18",
        "n_windows": n_windows,
        "vectorised_s": ours,
        "np_append_subsets_series": subsets,
        "np_append_subsets_s": sub_times,
        "np_append_fit": {"a_s_per_window": float(a), "b_s_per_window2": float(b)},
        "np_append_power_law_exponent": exponent,
        "np_append_s_extrapolated": loop_est,
        "speedup_extrapolated": loop_est / ours,
    }
    print(
        f"windowing {n} series: {ours:.2f} s vs np.append ~{loop_est:.0f} s "
        f"(extrapolated, exponent {exponent:.2f})",
        flush=True,
    )
    results["windowing"] = out


# ------------------------------------------------------------------- scale --
def scale_worker(args) -> dict:
    """One scale measurement (run in a fresh subprocess); returns a dict."""
    n = args.scale_worker
    rss_start = peak_rss_mib()
    start = time.perf_counter()
    y = synthetic_panel(n)
    build_s = time.perf_counter() - start
    rss_data = peak_rss_mib()

    batch = args.scale_batch_size
    extra = args.scale_param_dict
    window = forecaster(**extra).window_length
    n_windows = n * (240 - window - HORIZON + 1)
    steps_per_epoch = math.ceil(n_windows / batch)
    full = steps_per_epoch <= args.max_full_epoch_steps
    # an ensemble trains its members one after the other on the same windows:
    # time the first member, stop the others after one step, multiply
    timer = timer_callback(
        stop_after=None if full else args.scale_steps, first_training_only=True
    )
    # a full pass over the windows (the default caps an epoch at 50 batches,
    # which would make every size's epoch the same 50 steps)
    f = forecaster(
        **{
            "max_steps_per_epoch": None,
            **extra,
            "n_epochs": 1,
            "batch_size": batch,
            "callbacks": [timer],
        }
    )
    fit_start = time.perf_counter()
    f.fit(y, fh=FH)
    fit_end = time.perf_counter()
    assert f.n_windows_ == n_windows, (f.n_windows_, n_windows)
    members = timer.trainings
    ends = np.asarray(timer.batch_ends)
    ends_cpu = np.asarray(timer.batch_ends_cpu)
    setup_s = timer.train_begin - fit_start
    first_step_s = ends[0] - timer.train_begin
    first_step_cpu = ends_cpu[0] - timer.train_begin_cpu
    skip = min(5, len(ends) - 2)
    step_s = float(np.median(np.diff(ends[skip:])))
    # CPU time per step: mean over the timed steps (process_time ticks coarsely)
    step_cpu = float((ends_cpu[-1] - ends_cpu[skip]) / (len(ends) - 1 - skip))
    if full:
        member_epoch_s = timer.epochs[0][1] - timer.epochs[0][0]
        member_epoch_cpu = timer.epochs_cpu[0][1] - timer.epochs_cpu[0][0]
    else:
        member_epoch_s = first_step_s + (steps_per_epoch - 1) * step_s
        member_epoch_cpu = first_step_cpu + (steps_per_epoch - 1) * step_cpu
    epoch_s, epoch_cpu = members * member_epoch_s, members * member_epoch_cpu
    rss_fit = peak_rss_mib()

    start = time.perf_counter()
    y_pred = f.predict()
    predict_s = time.perf_counter() - start
    assert len(y_pred) == n * HORIZON

    # one new month for every series, no training: moves the windows forward
    new_index = pd.MultiIndex.from_product(
        [y.index.levels[0], pd.period_range("2017-01", periods=1, freq="M")],
        names=y.index.names,
    )
    y_new = pd.DataFrame({"y": np.zeros(n)}, index=new_index)
    start = time.perf_counter()
    f.update(y_new, update_params=False)
    update_s = time.perf_counter() - start
    return {
        "n_series": n,
        "n_months": 240,
        "n_windows": n_windows,
        "window_length": window,
        "extra_params": extra,
        "ensemble_size": f.get_params().get("ensemble_size"),
        "batch_size": batch,
        "steps_per_epoch": steps_per_epoch,
        "steps_timed": len(ends),
        "full_epoch": bool(full),
        "build_panel_s": build_s,
        "fit_setup_s": setup_s,
        "first_step_s": first_step_s,
        "median_step_s": step_s,
        "mean_step_cpu_s": step_cpu,
        "networks_trained": members,
        "network_epoch_s": member_epoch_s,
        "epoch_s": epoch_s,
        "epoch_cpu_s": epoch_cpu,
        "fit_wall_s": fit_end - fit_start,
        "predict_all_s": predict_s,
        "update_one_month_s": update_s,
        "peak_rss_mib_start": rss_start,
        "peak_rss_mib_after_panel": rss_data,
        "peak_rss_mib_after_fit": rss_fit,
        "peak_rss_mib": peak_rss_mib(),
    }


def bench_scale(args, results: dict) -> None:
    """Run ``scale_worker`` in a subprocess per panel size."""
    rows = []
    for n in [int(s) for s in args.scale_sizes.split(",")]:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--scale-worker",
            str(n),
            "--scale-batch-size",
            str(args.scale_batch_size),
            "--scale-steps",
            str(args.scale_steps),
            "--max-full-epoch-steps",
            str(args.max_full_epoch_steps),
            "--scale-params",
            args.scale_params,
        ]
        print(f"scale: {n} series x 240 months ...", flush=True)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            raise RuntimeError(f"scale worker for {n} series failed")
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["subprocess_wall_s"] = wall
        rows.append(row)
        print(
            f"scale: {n} series: {row['epoch_s']:.0f} s/epoch "
            f"({'measured' if row['full_epoch'] else 'extrapolated'}), step "
            f"{row['median_step_s'] * 1e3:.0f} ms, peak RSS "
            f"{row['peak_rss_mib']:.0f} MiB",
            flush=True,
        )
    results["scale"] = rows


# ----------------------------------------------------------------- predict --
def bench_predict(args, results: dict, fitted) -> None:
    """Latency of predict() for the panel and for one series."""
    from sktime_gru._backend import to_numpy

    y = weather_history()
    if fitted is None:
        fitted = forecaster(n_epochs=1).fit(y, fh=FH)
    calls = args.predict_calls
    one = y.loc["Albury"]  # a single series: plain PeriodIndex frame
    single = forecaster(n_epochs=1).fit(one, fh=FH)
    out = {}
    for name, f, n in (("panel_44_series", fitted, 44), ("one_series", single, 1)):
        # the network's cost does not depend on the values: zeros of its shapes
        inputs = network_inputs(f.network_, n)
        out[name] = {
            "predict_s_median": median_time(f.predict, calls, warmup=3),
            "network_call_s_median": median_time(
                lambda f=f, x=inputs: to_numpy(f.network_(x, training=False)),
                calls,
                warmup=3,
            ),
            "calls": calls,
        }
        print(
            f"predict {name}: {out[name]['predict_s_median'] * 1e3:.1f} ms "
            f"(network {out[name]['network_call_s_median'] * 1e3:.1f} ms)",
            flush=True,
        )
    results["predict"] = out


def network_inputs(network, n: int):
    """Zero inputs of the network's input shapes for ``n`` series."""
    arrays = [np.zeros((n, *inp.shape[1:]), dtype=np.float32) for inp in network.inputs]
    return arrays[0] if len(arrays) == 1 else arrays


# ------------------------------------------------------------------ report --
def flatten(results: dict) -> pd.DataFrame:
    """Flat (section, name, value) rows of the numeric results."""
    rows = []

    def walk(prefix, obj):
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(obj, list) and obj and isinstance(obj[0], dict):
            for item in obj:
                walk(f"{prefix}[{item.get('n_series', '')}]", item)
        elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
            rows.append((prefix.split(".")[0], prefix, obj))

    walk("", {k: v for k, v in results.items() if k != "machine"})
    frame = pd.DataFrame(rows, columns=["section", "name", "value"])
    # results recorded before the backend column were TensorFlow's
    frame.insert(0, "backend", results.get("backend", "tensorflow"))
    return frame


def render_markdown(results: dict, command: str, wall_s: float) -> str:
    """Markdown section: the machine, then one table per measured section."""
    machine = machine_line(results["machine"]["versions"], info=results["machine"])
    backend = results.get("backend", "tensorflow")
    lines = [
        "## Speed and scale (`benchmarks/speed.py`)"
        + ("" if backend == "tensorflow" else f", Keras backend {backend}"),
        "",
        f"Keras backend: {backend}. Machine: {machine}; no GPU. Load average at "
        f"the end {results.get('load_average_end')} (a shared machine: other jobs slow "
        f"the timings down). Command: `{command}`; wall time {wall_s / 60:.1f} "
        "min. Timings are never asserted by the tests.",
    ]
    for name, render in _SECTIONS.items():
        if name in results:
            lines += ["", *render(results[name])]
    return "\n".join(lines)


def _render_fit(fit) -> list[str]:
    """Markdown lines of the fit section."""
    d, t = fit["default"], fit["tutorial_batch_size_1"]
    table = pd.DataFrame(
        {
            "configuration": [
                f"default ({d['epochs']} epochs, batch "
                f"{d['params'].get('batch_size')})",
                "tutorial recipe (50 epochs, batch 1)",
            ],
            "windows": [d["n_windows"], t["steps_per_epoch"]],
            "steps/epoch": [d["steps_per_epoch"], t["steps_per_epoch"]],
            "networks": [
                d["params"].get("ensemble_size", 1),
                t["params"].get("ensemble_size", 1),
            ],
            "s/epoch per network": [
                f"{d['epoch_s_median']:.2f}",
                f"{t['epoch_s_median_after_first']:.1f}",
            ],
            "fit s (wall)": [
                f"{d['fit_s_median']:.1f} (median of {len(d['fit_s_runs'])})",
                f"{t['fit_s_50_epochs_extrapolated']:.0f} (extrapolated)",
            ],
            "fit CPU s": [
                f"{d['fit_cpu_s_median']:.1f} (median)",
                f"{t['fit_cpu_s_50_epochs_extrapolated']:.0f} (extrapolated)",
            ],
        }
    )
    ratio, ratio_cpu = (
        fit["speedup_default_vs_tutorial"],
        fit["speedup_default_vs_tutorial_cpu"],
    )
    return [
        f"### Fit time ({fit['data']})",
        "",
        markdown_table(table, index=False),
        "",
        (
            "Speed-up of the default over the tutorial's recipe: "
            f"**{ratio:.1f}x** in wall time, **{ratio_cpu:.1f}x** in CPU time "
            "(target >= 20x). "
            if ratio
            else ""
        )
        + "Default: median of "
        f"{len(d['fit_s_runs'])} complete `fit` calls ("
        + _wall_cpu(d["fit_s_runs"], d["fit_cpu_s_runs"])
        + ") after a 1-epoch warm-up fit that imports the backend and traces "
        "(with XLA: compiles) the network"
        + (f" ({d['warmup_fit_s']:.1f} s)" if "warmup_fit_s" in d else "")
        + "; "
        "parameters: "
        + ", ".join(f"{k}={v!r}" for k, v in sorted(d["params"].items()))
        + ". Tutorial recipe ("
        + ", ".join(f"{k}={v!r}" for k, v in t["params"].items())
        + "; `sktime_gru.benchmarking.tutorial_params`): one fit of "
        f"{t['epochs_timed']} epochs timed per epoch by a Keras callback "
        "("
        + _wall_cpu(t["epoch_s"], t["epoch_cpu_s"])
        + f"; setup outside the epochs {t['setup_s']:.1f} s), extrapolated "
        "to 50 epochs as setup + first epoch + 49 x median of the later "
        "epochs. CPU time (`time.process_time`, all threads of the process) "
        "is less sensitive than wall time to other jobs on a shared machine.",
    ]


def _wall_cpu(walls, cpus) -> str:
    """``"wall: 1.2, 1.3 s; CPU: 2.0, 2.1 s"``: the seconds of every timed run."""
    return (
        "wall: "
        + ", ".join(f"{s:.1f}" for s in walls)
        + " s; CPU: "
        + ", ".join(f"{s:.1f}" for s in cpus)
        + " s"
    )


def _render_m1(m) -> list[str]:
    """Markdown lines of the M1 section."""
    if "skipped" in m:
        return ["### M1 default fit", "", f"Skipped: {m['skipped']}."]
    return [
        f"### M1 default fit ({m['data']})",
        "",
        f"Default fit ({m['n_windows']:,} windows"
        + (f", {m['extra_params']}" if m["extra_params"] else "")
        + f"): first fit on the panel **{m['fit_s_first']:.1f} s**, later fits "
        f"**{m['fit_s_later_median']:.1f} s** (median; "
        + _wall_cpu(m["fit_s_runs"], m["fit_cpu_s_runs"])
        + "). The first fit follows the weatherAUS fits in the same process "
        "(the backend is imported) but traces the network for M1's shapes. "
        "Departure weights kept by the backtest: "
        + ", ".join(f"{w:.2f}" for w in m["departure_weights"])
        + ".",
    ]


def _render_windowing(w) -> list[str]:
    """Markdown lines of the windowing section."""
    a, s = w["weather_au"], w["synthetic"]
    table = pd.DataFrame(
        {
            "data": [a["data"], s["data"]],
            "windows": [a["n_windows"], s["n_windows"]],
            "vectorised s": [
                f"{a['vectorised_s']:.4f}",
                f"{s['vectorised_s']:.2f}",
            ],
            "np.append loop s": [
                f"{a['np_append_s']:.2f}",
                f"{s['np_append_s_extrapolated']:.3g} (extrapolated)",
            ],
            "speed-up": [
                f"{a['speedup']:.0f}x",
                f"{s['speedup_extrapolated']:.3g}x",
            ],
        }
    )
    return [
        "### Windowing",
        "",
        markdown_table(table, index=False),
        "",
        "Vectorised: `window_starts` + `gather_windows`, materialising every "
        "window (training never does: it gathers one batch at a time from the "
        "flat array); median of 20 (weatherAUS) / 3 (synthetic) runs after a "
        "warm-up. np.append loop: the tutorial's approach, growing the input "
        "and target arrays one window at a time; weatherAUS: median of 3 runs, "
        "identical arrays checked. Synthetic: the loop was timed on the first "
        + ", ".join(
            f"{m} series ({t:.2f} s)"
            for m, t in zip(s["np_append_subsets_series"], s["np_append_subsets_s"])
        )
        + ", and extrapolated with `t = a N + b N^2` (N windows; least squares "
        "through those points; measured growth exponent "
        f"{s['np_append_power_law_exponent']:.2f}). Each append copies the "
        "whole array, so the cost grows quadratically; at 10,000 series the "
        "arrays no longer fit in the CPU caches, so the real time is probably "
        "higher still.",
    ]


def _render_scale(rows) -> list[str]:
    """Markdown lines of the scale section."""
    table = pd.DataFrame(
        {
            "series x months": [f"{r['n_series']:,} x 240" for r in rows],
            "windows": [f"{r['n_windows']:,}" for r in rows],
            "networks": [str(r.get("networks_trained", 1)) for r in rows],
            "steps/epoch": [f"{r['steps_per_epoch']:,}" for r in rows],
            "ms/step": [f"{r['median_step_s'] * 1e3:.0f}" for r in rows],
            "CPU ms/step": [
                f"{r.get('mean_step_cpu_s', float('nan')) * 1e3:.0f}" for r in rows
            ],
            "s/epoch": [
                f"{r['epoch_s']:.0f}" + ("" if r["full_epoch"] else " (extrapolated)")
                for r in rows
            ],
            "s/epoch per 1k series": [
                f"{r['epoch_s'] / r['n_series'] * 1000:.1f}" for r in rows
            ],
            "CPU s/epoch per 1k series": [
                f"{r.get('epoch_cpu_s', float('nan')) / r['n_series'] * 1000:.1f}"
                for r in rows
            ],
            "fit setup s": [f"{r['fit_setup_s']:.1f}" for r in rows],
            "predict all s": [f"{r['predict_all_s']:.1f}" for r in rows],
            "update s": [
                f"{r.get('update_one_month_s', float('nan')):.1f}" for r in rows
            ],
            "peak RSS MiB": [f"{r['peak_rss_mib']:.0f}" for r in rows],
        }
    )
    batch = rows[0]["batch_size"]
    return [
        f"### Scale (synthetic panels, batch_size={batch}, one epoch"
        + (f", {rows[0]['extra_params']}" if rows[0].get("extra_params") else "")
        + ")",
        "",
        markdown_table(table, index=False),
        "",
        "Each size runs in its own subprocess: build the pandas panel "
        "(seasonal sine + noise), then `fit(y, fh=1..18)` with the defaults "
        f"(ensemble_size={rows[0].get('ensemble_size')}) "
        f"except `n_epochs=1, batch_size={batch}, max_steps_per_epoch=None` "
        "(one full pass over the windows: the default caps an epoch at 50 "
        "batches; batch 32 would only add steps). An ensemble trains its "
        "networks one after the other on the "
        "same windows, so the first network is timed and the others are "
        "stopped after one step; s/epoch is the number of networks x the "
        "first network's epoch time. networks includes the backtest network "
        "of `interval_calibration='backtest'` (trained first; on 240 months it "
        "has 163 of the 199 windows per series, so counting it as a full "
        "network overstates s/epoch by about 4%). A Keras callback times every "
        "training step; a panel with more steps per epoch than the "
        "`--max-full-epoch-steps` limit stops after a fixed number of steps ("
        + ", ".join(str(r["steps_timed"]) for r in rows if not r["full_epoch"])
        + ") and its epoch time is extrapolated as first step + (steps - 1) x "
        "median step (ms/step: median after 5 warm steps; CPU ms/step: process "
        "CPU time, all threads, averaged over the same steps; the CPU epoch "
        "time is extrapolated likewise). fit setup: from "
        "`fit` to the first training step (sktime input checks, conversion to "
        "the flat array, scaling, window starts, network build). predict all: "
        "`predict()` of 18 steps for every series. update: `update()` with one "
        "new month for every series, `update_params=False`. Peak RSS: the "
        "subprocess's own high-water mark (`VmHWM` in /proc/self/status) at "
        "its end, so it includes the pandas panel (the process peaked at "
        + ", ".join(f"{r['peak_rss_mib_after_panel']:.0f}" for r in rows)
        + " MiB once the panel was built, before `fit`). `ru_maxrss` is not "
        "used: Linux carries the parent's high-water mark over fork + exec.",
    ]


def _render_predict(p) -> list[str]:
    """Markdown lines of the predict section."""
    table = pd.DataFrame(
        {
            "forecaster fitted on": ["weatherAUS panel (44 series)", "one series"],
            "predict() ms": [
                f"{p[k]['predict_s_median'] * 1e3:.1f}"
                for k in ("panel_44_series", "one_series")
            ],
            "network call ms": [
                f"{p[k]['network_call_s_median'] * 1e3:.1f}"
                for k in ("panel_44_series", "one_series")
            ],
        }
    )
    return [
        "### Predict latency (fh = 1..18)",
        "",
        markdown_table(table, index=False),
        "",
        f"Median of {p['one_series']['calls']} calls after 3 warm-up calls. "
        "`predict()` includes sktime's checks and building the output frame; "
        "network call: the Keras model called eagerly on inputs of the same "
        "shape (`network_(x, training=False)`), as `predict` did before it "
        "went through one traced function per network structure "
        "(`sktime_gru._graph_cache.predict_traced`; 362 ms for the panel then).",
    ]


def compare_backends(results_dir: Path) -> str:
    """One table of the headline numbers of every backend's recorded run."""
    runs = []
    for backend in ("tensorflow", "jax", "torch"):
        stem = "speed" if backend == "tensorflow" else f"speed_{backend}"
        path = Path(results_dir) / f"{stem}.json"
        if path.exists():
            runs.append(json.loads(path.read_text()))
    if not runs:
        raise SystemExit(f"no speed*.json in {results_dir}")

    def headline(run) -> dict:
        ten = next((r for r in run.get("scale", []) if r["n_series"] == 10_000), {})
        predict = run.get("predict", {}).get("panel_44_series", {})
        return {
            "weatherAUS fit s": run.get("fit", {})
            .get("default", {})
            .get("fit_s_median"),
            "M1 fit s": run.get("m1", {}).get("fit_s_later_median"),
            "10k x 240 epoch s": ten.get("epoch_s"),
            "10k ms/step": 1e3 * ten["median_step_s"] if ten else None,
            "predict panel ms": 1e3 * predict["predict_s_median"] if predict else None,
        }

    tf = next((headline(r) for r in runs if r.get("backend") == "tensorflow"), {})
    rows = []
    for run in runs:
        backend = run.get("backend", "tensorflow")
        cells = {"backend": backend}
        for name, value in headline(run).items():
            cell = "-" if value is None else f"{value:.1f}"
            if value and tf.get(name) and backend != "tensorflow":
                cell += f" ({tf[name] / value:.2f}x)"
            cells[name] = cell
        cells["load at end"] = ", ".join(f"{v:.1f}" for v in run["load_average_end"])
        rows.append(cells)
    return "\n".join(
        [
            "## Speed per Keras backend (`benchmarks/speed.py --compare`)",
            "",
            markdown_table(pd.DataFrame(rows), index=False),
            "",
            "Each row is that backend's own run of `KERAS_BACKEND=<backend> python "
            "benchmarks/speed.py` on the same 2-core CPU, one after the other "
            "(its section below); in parentheses TensorFlow's number over this "
            "backend's (above 1: faster than TensorFlow). weatherAUS fit: median "
            "of the default fits after a warm-up fit; M1 fit: median of the "
            "default fits after the first on that panel; 10k x 240 epoch: one "
            "pass over 2.1 million windows at batch 1024 for every network "
            "trained (extrapolated from timed steps, scale section); predict: "
            "`predict()` for the weatherAUS panel.",
        ]
    )


# the sections of the results, in the order they are rendered
_SECTIONS = {
    "fit": _render_fit,
    "m1": _render_m1,
    "windowing": _render_windowing,
    "scale": _render_scale,
    "predict": _render_predict,
}


def main(argv: list[str] | None = None) -> dict:
    """Run the selected sections; write JSON, CSV and Markdown."""
    args = parse_args(argv)
    if args.scale_worker is not None:
        print(json.dumps(scale_worker(args)))
        return {}
    from sktime_gru.benchmarking import machine_info, update_markdown_section

    if args.compare:
        report = compare_backends(Path(args.output_dir))
        if args.benchmarks_md:
            update_markdown_section(args.benchmarks_md, "speed-backends", report)
        print(report)
        return {}
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
        report = render_markdown(results, results["command"], results["wall_s"])
        if args.benchmarks_md:
            update_markdown_section(args.benchmarks_md, MARKDOWN_KEY, report)
        print(report)
        return results
    command = "python benchmarks/speed.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    from sktime_gru._backend import configured_backend

    backend = configured_backend()
    results = {"machine": machine_info(), "backend": backend}
    start = time.perf_counter()
    fitted = None
    # scale first: its subprocesses then start from a small parent process
    if "scale" in args.section_list:
        bench_scale(args, results)
    if "fit" in args.section_list:
        fitted = bench_fit(args, results)
    if "m1" in args.section_list:
        bench_m1(args, results)
    if "windowing" in args.section_list:
        bench_windowing(args, results)
    if "predict" in args.section_list:
        bench_predict(args, results, fitted)
    wall_s = time.perf_counter() - start
    results["wall_s"] = wall_s
    results["command"] = command.strip()
    results["load_average_end"] = [round(v, 2) for v in os.getloadavg()]

    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = "speed" if backend == "tensorflow" else f"speed_{backend}"
    (out / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    flatten(results).to_csv(out / f"{stem}.csv", index=False)
    report = render_markdown(results, command.strip(), wall_s)
    (out / f"{stem}.md").write_text(report + "\n")
    if args.benchmarks_md:
        key = MARKDOWN_KEY if backend == "tensorflow" else f"{MARKDOWN_KEY}-{backend}"
        update_markdown_section(args.benchmarks_md, key, report)
    print()
    print(report)
    return results


if __name__ == "__main__":
    main()
