"""GPU check and timings: one prepared script for a machine with a GPU.

Run ``python benchmarks/gpu.py`` on the GPU machine (under 10 minutes on one
modern GPU). It records, in ``gpu.json`` under ``--output-dir`` (default
``benchmarks/results``):

1. ``devices``: the GPUs TensorFlow sees ("no GPU" when none), TensorFlow and
   Keras versions.
2. ``cudnn``: whether the GRU layers run TensorFlow's cuDNN kernel, not only
   whether they are eligible: the forecaster's network is trained for one
   step through a traced ``tf.function`` and the op types of its graph (and
   of every function it calls) are searched for ``CudnnRNN*`` ops. The
   forward (predict) graph is checked the same way.
3. ``fit_default``: seconds of a default ``fit`` on the weatherAUS history to
   2015-06 (10 epochs, 3 networks, the backtest), and its MAE on the 18 test
   months.
4. ``epoch_large``: seconds of one epoch over every window of a synthetic
   panel of 10,000 series x 240 months (``batch_size`` 1024, one network, no
   backtest), without a strategy and with ``strategy="mirrored"`` (every local
   GPU), and (on a GPU) with Keras' ``mixed_float16`` policy.

On a machine without a GPU it says "no GPU", still runs the graph check (it
then finds no cuDNN op), skips mixed precision and downsizes the large panel
to 200 series; ``--quick`` downsizes everything further and fits each large
configuration once (first fit: with tracing), as the test runs it.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
LAST_TRAIN = pd.Period("2015-06", freq="M")
HORIZON = 18


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--output-dir", default=str(HERE / "results"))
    parser.add_argument(
        "--series", type=int, default=None, help="series of the large panel"
    )
    return parser.parse_args(argv)


def devices() -> dict:
    """The GPUs TensorFlow sees, and the versions."""
    import keras
    import tensorflow as tf

    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    return {
        "gpus": gpus or "no GPU",
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "built_with_cuda": bool(tf.test.is_built_with_cuda()),
    }


def graph_op_types(concrete) -> set[str]:
    """Op types of a concrete function's graph and of every function it calls."""
    graph_def = concrete.graph.as_graph_def()
    types = {node.op for node in graph_def.node}
    for function in graph_def.library.function:
        types.update(node.op for node in function.node_def)
    return types


def cudnn_check(window: int = 24, units: int = 32) -> dict:
    """Trace one train step and one forward pass; look for CudnnRNN ops."""
    import keras
    import tensorflow as tf

    from sktime_gru._network import build_network

    network = build_network(
        window_length=window,
        n_features=3,
        output_length=HORIZON,
        n_targets=1,
        n_future_features=2,
        units=units,
        n_layers=1,
        bidirectional=True,
        dropout=0.0,
        zero_head=False,
        anchor=None,
        seed=0,
        name="gpu_check",
    )
    optimizer = keras.optimizers.Adam()
    specs = [
        [
            tf.TensorSpec((None, window, 3), tf.float32),
            tf.TensorSpec((None, HORIZON, 2), tf.float32),
        ],
        tf.TensorSpec((None, HORIZON, 1), tf.float32),
    ]

    @tf.function
    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((network(inputs, training=True) - targets) ** 2)
        grads = tape.gradient(loss, network.trainable_variables)
        optimizer.apply_gradients(zip(grads, network.trainable_variables))
        return loss

    @tf.function
    def forward(inputs):
        return network(inputs, training=False)

    train_ops = graph_op_types(train_step.get_concrete_function(*specs))
    predict_ops = graph_op_types(forward.get_concrete_function(specs[0]))
    return {
        "train_cudnn_ops": sorted(t for t in train_ops if t.startswith("CudnnRNN")),
        "predict_cudnn_ops": sorted(t for t in predict_ops if t.startswith("CudnnRNN")),
        "train_uses_cudnn": any(t.startswith("CudnnRNN") for t in train_ops),
        "predict_uses_cudnn": any(t.startswith("CudnnRNN") for t in predict_ops),
        "train_graph_op_types": len(train_ops),
    }


def fit_default(quick: bool) -> dict:
    """Time the default fit on weatherAUS; MAE on the 18 test months."""
    from sktime_gru import GRUEncoderDecoderForecaster
    from sktime_gru.datasets import load_weather_au

    y = load_weather_au()
    train = y[y.index.get_level_values("Date") <= LAST_TRAIN]
    test = y[y.index.get_level_values("Date") > LAST_TRAIN]
    params = {"random_state": 0}
    if quick:
        params.update(n_epochs=1, units=4, ensemble_size=1, max_steps_per_epoch=2)
    forecaster = GRUEncoderDecoderForecaster(**params)
    start = time.perf_counter()
    forecaster.fit(train, fh=range(1, HORIZON + 1))
    seconds = time.perf_counter() - start
    pred = forecaster.predict().loc[test.index]
    mae = float(np.mean(np.abs(pred.to_numpy() - test.to_numpy())))
    return {"params": params, "fit_seconds": round(seconds, 2), "mae": round(mae, 4)}


def synthetic_panel(n_series: int, n_months: int, seed: int = 0) -> pd.DataFrame:
    """Seasonal series with noise: ``n_series`` x ``n_months`` (pd-multiindex)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_months)
    level = rng.uniform(5, 30, (n_series, 1))
    phase = rng.uniform(0, 12, (n_series, 1))
    values = level + 5 * np.sin(2 * np.pi * (t + phase) / 12)
    values += rng.normal(0, 1, values.shape)
    index = pd.MultiIndex.from_product(
        [
            [f"s{i}" for i in range(n_series)],
            pd.period_range("2000-01", periods=n_months, freq="M"),
        ],
        names=["series", "time"],
    )
    return pd.DataFrame({"y": values.ravel()}, index=index)


def epoch_large(
    n_series: int, n_months: int, strategy, mixed: bool, fits: int = 2
) -> dict:
    """Seconds of a one-epoch fit over every window of the synthetic panel.

    The fit is run ``fits`` times; the first traces (and compiles) the train
    step of this structure, the last one is the epoch's time.
    """
    import keras

    from sktime_gru import GRUEncoderDecoderForecaster

    y = synthetic_panel(n_series, n_months)
    params = dict(
        n_epochs=1,
        batch_size=1024,
        max_steps_per_epoch=None,
        ensemble_size=1,
        interval_calibration="windows",
        deseasonalize=False,
        seasonal_period=12,
        random_state=0,
        strategy=strategy,
    )
    previous = keras.config.dtype_policy()
    if mixed:
        keras.config.set_dtype_policy("mixed_float16")
    try:
        times = []
        for _ in range(fits):
            forecaster = GRUEncoderDecoderForecaster(**params)
            start = time.perf_counter()
            forecaster.fit(y, fh=range(1, HORIZON + 1))
            times.append(time.perf_counter() - start)
        loss = forecaster.history_["loss"][-1]
        return {
            "series": n_series,
            "months": n_months,
            "windows": int(forecaster.n_windows_),
            "strategy": strategy,
            "mixed_float16": mixed,
            "first_fit_seconds": round(times[0], 2),
            "epoch_fit_seconds": round(times[-1], 2) if fits > 1 else None,
            "loss": float(loss),
        }
    except Exception as exc:  # noqa: BLE001 - recorded, the other runs go on
        return {"strategy": strategy, "mixed_float16": mixed, "error": repr(exc)}
    finally:
        keras.config.set_dtype_policy(previous)


def main(argv: list[str] | None = None) -> dict:
    """Run every check; write gpu.json; return the record."""
    args = parse_args(argv)
    info = devices()
    has_gpu = info["gpus"] != "no GPU"
    if args.series is not None:
        n_series = args.series
    elif args.quick:
        n_series = 20
    else:
        n_series = 10_000 if has_gpu else 200
    n_months = 60 if args.quick else 240
    record = {"devices": info, "quick": args.quick, "cudnn": cudnn_check()}
    if not has_gpu:
        record["note"] = (
            "no GPU: the cuDNN check cannot find CudnnRNN ops, and the large "
            f"panel is downsized to {n_series} series"
        )
    record["fit_default"] = fit_default(args.quick)
    runs = [(None, False), ("mirrored", False)]
    if has_gpu:  # float16 pays on GPUs only (on CPU it is slower)
        runs.append((None, True))
    else:
        record["mixed_float16"] = "skipped: no GPU"
    fits = 1 if args.quick else 2
    record["epoch_large"] = [
        epoch_large(n_series, n_months, strategy, mixed, fits)
        for strategy, mixed in runs
    ]
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "gpu.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record))
    return record


if __name__ == "__main__":
    main()
