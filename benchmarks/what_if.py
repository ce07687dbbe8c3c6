"""What-if measurements behind the speed proposals in BENCHMARKS.md.

Not part of the standard benchmark run. Two changes to the forecaster's Keras
side are measured here without changing the package:

1. ``predict``: the network called eagerly (``network_(x, training=False)``,
   what ``predict`` did when this was written; it has since gone through one
   traced ``tf.function`` per network structure, ``_graph_cache``) against the
   same network wrapped once in a ``tf.function`` with a ``[None, window,
   features]`` input signature (traced once per fitted network, reused for
   every batch size).
2. ``fit``: the default configuration on the weatherAUS history up to 2015-06,
   compiled as now (no XLA on CPU: Keras' ``jit_compile="auto"`` turns XLA off
   on CPU-only machines) and with ``jit_compile=True``, set by wrapping
   ``keras.Model.compile`` in this process only. Fit time and the final-fold MAE
   / MASE are reported for both, to show that accuracy is unchanged.

Each fit is timed as a whole (wall and process CPU time) and per epoch (the
first epoch includes tracing and, with XLA, compiling); the two configurations
alternate ``--repeats`` times so that both see similar load.

Run: ``python benchmarks/what_if.py`` (about 4 minutes on 2 CPU cores). Writes
``what_if.json`` into ``--output-dir`` (default ``benchmarks/results``) and
prints a Markdown table.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
FH = np.arange(1, 19)
LAST_TRAIN = pd.Period("2015-06", freq="M")


def median_ms(fn, calls: int) -> float:
    """Median milliseconds of ``fn()`` over ``calls`` calls after 3 warm-ups."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def fit_and_score(y, jit: bool, seed: int) -> dict:
    """Fit the default forecaster (optionally with XLA) and score the last fold."""
    import keras
    from sktime.performance_metrics.forecasting import (
        MeanAbsoluteError,
        MeanAbsoluteScaledError,
    )

    from sktime_gru import GRUEncoderDecoderForecaster

    original = keras.Model.compile

    def compile_with_xla(self, *args, **kwargs):
        kwargs["jit_compile"] = True
        return original(self, *args, **kwargs)

    class EpochTimes(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.wall, self.cpu = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = (time.perf_counter(), time.process_time())

        def on_epoch_end(self, epoch, logs=None):
            self.wall.append(time.perf_counter() - self._start[0])
            self.cpu.append(time.process_time() - self._start[1])

    dates = y.index.get_level_values(-1)
    y_train, y_test = y[dates <= LAST_TRAIN], y[dates > LAST_TRAIN]
    epochs = EpochTimes()
    f = GRUEncoderDecoderForecaster(random_state=seed, callbacks=[epochs])
    if jit:
        keras.Model.compile = compile_with_xla
    try:
        start, start_cpu = time.perf_counter(), time.process_time()
        f.fit(y_train, fh=FH)
        fit_s = time.perf_counter() - start
        fit_cpu_s = time.process_time() - start_cpu
    finally:
        keras.Model.compile = original
    y_pred = f.predict().loc[y_test.index]
    return {
        "jit_compile": jit,
        "seed": seed,
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu_s,
        "first_epoch_s": epochs.wall[0],
        "later_epoch_s_median": statistics.median(epochs.wall[1:]),
        "later_epoch_cpu_s_median": statistics.median(epochs.cpu[1:]),
        "jit_compile_applied": bool(f.network_.jit_compile),
        "final_MAE": float(MeanAbsoluteError()(y_test, y_pred)),
        "final_MASE": float(
            MeanAbsoluteScaledError(sp=12)(y_test, y_pred, y_train=y_train)
        ),
        "forecaster": f,
    }


def render_markdown(results: dict) -> str:
    """Markdown section with both tables and how they were measured."""
    lines = [
        "## What-if: XLA for training, a traced network for predict "
        "(`benchmarks/what_if.py`)",
        "",
        "| fit (defaults, weatherAUS to 2015-06) | fit s | fit CPU s | first epoch s "
        "| later epochs s (CPU s) | final MAE | final MASE |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["fit"]:
        name = "`jit_compile=True` (XLA)" if r["jit_compile"] else "as now (no XLA)"
        lines.append(
            f"| {name} | {r['fit_s']:.1f} | {r['fit_cpu_s']:.1f} | "
            f"{r['first_epoch_s']:.1f} | {r['later_epoch_s_median']:.2f} "
            f"({r['later_epoch_cpu_s_median']:.2f}) | {r['final_MAE']:.3f} | "
            f"{r['final_MASE']:.3f} |"
        )
    lines += [
        "",
        "| network call, series | eager ms (`predict` before the graph cache) "
        "| `tf.function` ms |",
        "|---|---|---|",
    ]
    for r in results["predict_network"]:
        lines.append(
            f"| {r['series']} | {r['eager_ms']:.1f} | {r['tf_function_ms']:.1f} |"
        )
    lines += [
        "",
        "Fit: the default forecaster (seed "
        f"{results['fit'][0]['seed']}), compiled as now or with "
        "`jit_compile=True` (set by wrapping `keras.Model.compile` in the "
        'benchmark process only; Keras\' default `"auto"` disables XLA on '
        "CPU-only machines); the two alternate so that both see similar load. "
        "Later epochs: median over the epochs after the first. Predict: median "
        f"of {results.get('calls', 30)} calls after 3 warm-ups of the fitted "
        "network called eagerly, and of the same network wrapped once in a "
        "`tf.function` with a `[None, window, features]` input signature "
        "(traced once, reused for every number of series). Load average at the end: "
        f"{results['load_average']}.",
    ]
    return "\n".join(lines)


def main(argv=None) -> dict:
    """Run both measurements; return the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--output-dir", default=str(HERE / "results"))
    parser.add_argument(
        "--benchmarks-md",
        default=str(HERE.parent / "BENCHMARKS.md"),
        help="Markdown file whose what-if section is replaced ('' disables)",
    )
    parser.add_argument(
        "--from-json",
        default=None,
        help="only render an existing what_if.json (no measurements)",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
        report = render_markdown(results)
        print(report)
        if args.benchmarks_md:
            from sktime_gru.benchmarking import update_markdown_section

            update_markdown_section(args.benchmarks_md, "what_if", report)
        return results

    import tensorflow as tf

    from sktime_gru.datasets import load_weather_au

    y = load_weather_au()
    # warm-up: import TensorFlow and trace once outside the timed fits
    from sktime_gru import GRUEncoderDecoderForecaster

    GRUEncoderDecoderForecaster(n_epochs=1, random_state=0).fit(
        y[y.index.get_level_values(-1) <= LAST_TRAIN], fh=FH
    )
    # alternate the two configurations, so that both see similar machine load
    fits = [
        fit_and_score(y, jit, args.seed)
        for _ in range(args.repeats)
        for jit in (False, True)
    ]
    network = fits[0]["forecaster"].network_
    specs = [tf.TensorSpec([None, *i.shape[1:]], tf.float32) for i in network.inputs]
    traced = tf.function(
        lambda *x: network(list(x) if len(x) > 1 else x[0], training=False),
        input_signature=specs,
    )
    predict = []
    for n in (1, 44, 4096):
        x = [np.zeros((n, *s.shape[1:]), dtype=np.float32) for s in specs]
        eager = median_ms(
            lambda x=x: np.asarray(network(x if len(x) > 1 else x[0], training=False)),
            args.calls,
        )
        fast = median_ms(lambda x=x: np.asarray(traced(*x)), args.calls)
        predict.append({"series": n, "eager_ms": eager, "tf_function_ms": fast})

    results = {
        "fit": [{k: v for k, v in r.items() if k != "forecaster"} for r in fits],
        "predict_network": predict,
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "calls": args.calls,
    }
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "what_if.json").write_text(json.dumps(results, indent=2) + "\n")

    report = render_markdown(results)
    print(report)
    if args.benchmarks_md:
        from sktime_gru.benchmarking import update_markdown_section

        update_markdown_section(args.benchmarks_md, "what_if", report)
    return results


if __name__ == "__main__":
    main()
