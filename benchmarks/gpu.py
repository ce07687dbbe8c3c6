"""GPU check and timings of the forecaster, per Keras backend: one prepared script.

Made for a GPU machine that has JAX and PyTorch with CUDA but maybe no
TensorFlow: ``python benchmarks/gpu.py`` (``--backends jax,torch`` by default;
``tensorflow`` may be named too) runs every installed backend in its own
subprocess (``KERAS_BACKEND`` must be set before Keras is imported) and
records, in ``gpu.json`` under ``--output-dir`` (default
``benchmarks/results``), for each backend:

1. ``devices``: the accelerators the backend sees ("no GPU" when none) and
   the versions.
2. ``gpu_used``: the device on which the forecaster's network ran a forward
   pass (``cuda``/``gpu`` or ``cpu``); on TensorFlow also whether the traced
   train and predict graphs contain cuDNN GRU kernels.
3. ``fit_default``: seconds of a default ``fit`` on the weatherAUS history to
   2015-06 (10 epochs, 3 networks, the backtest) and the MAE on the 18 test
   months; ``fit_m1``: the same on M1's official split (617 monthly series)
   when ``--m1-path`` names the data.
4. ``epoch_large``: one epoch over the windows of a synthetic panel of
   10,000 series x 240 months (about 2.1 million windows; one network, no
   backtest) at each of ``--batch-sizes`` (32 ... 4096), timed by a Keras
   callback: the fit runs two epochs, the first compiles the train step, the
   second is the time. An epoch is capped at ``--max-steps`` batches (1,000
   by default) so that the small batches fit in a short lease: where the cap
   cuts the epoch, ``full_epoch_seconds`` is extrapolated from the measured
   windows per second and ``full_epoch_measured`` says so.
5. ``predict``: median seconds of ``predict()`` for the 10,000-series panel
   (the network fitted at the last batch size).

Each backend's record is also written, stage by stage, to
``gpu-<backend>.json``, so that a run cut short by ``--timeout`` (per
backend) or ``--budget`` (seconds per backend after which the remaining
stages are skipped, in the order M1, the large epochs, predict, weatherAUS)
still leaves what it measured.

Without a GPU it says "no GPU" and downsizes the large panel to 200 series;
``--quick`` downsizes everything further (one epoch per configuration, batch
sizes 32 and 256), as the test runs it on CPU.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
LAST_TRAIN = pd.Period("2015-06", freq="M")
HORIZON = 18
BACKENDS = ("tensorflow", "jax", "torch")
LIBRARY = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--output-dir", default=str(HERE / "results"))
    parser.add_argument("--backends", default="jax,torch")
    parser.add_argument("--batch-sizes", default=None, help="e.g. 32,256,1024,4096")
    parser.add_argument("--m1-path", default=None, help="M1 data (see m1.py)")
    parser.add_argument(
        "--series", type=int, default=None, help="series of the large panel"
    )
    parser.add_argument("--timeout", type=int, default=1800, help="per backend, s")
    parser.add_argument(
        "--budget", type=float, default=None, help="per backend, s: skip the rest"
    )
    parser.add_argument(
        "--max-steps", type=int, default=None, help="batches per timed epoch"
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = sorted(set(names) - set(BACKENDS))
    if unknown:
        parser.error(f"--backends: unknown {unknown}; choose from {list(BACKENDS)}")
    args.backend_list = names
    return args


# ------------------------------------------------------------ per backend --
def devices(backend: str) -> dict:
    """The accelerators ``backend`` sees, and the versions."""
    import keras

    info = {"backend": keras.backend.backend(), "keras": keras.__version__}
    if backend == "jax":
        import jax

        gpus = [str(d) for d in jax.devices() if d.platform == "gpu"]
        info["jax"] = jax.__version__
    elif backend == "torch":
        import torch

        gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        info["torch"] = torch.__version__
        info["cuda"] = torch.version.cuda
    else:
        import tensorflow as tf

        gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
        info["tensorflow"] = tf.__version__
        info["built_with_cuda"] = bool(tf.test.is_built_with_cuda())
    info["gpus"] = gpus or "no GPU"
    return info


def _network(window: int = 24, units: int = 32):
    from sktime_gru._network import build_network

    return build_network(
        window_length=window,
        n_features=3,
        output_length=HORIZON,
        n_targets=1,
        n_future_features=2,
        units=units,
        seed=0,
        name="gpu_check",
    )


def gpu_used(backend: str) -> dict:
    """Where a forward pass of the forecaster's network ran."""
    network = _network()
    x = [
        np.zeros((4, 24, 3), "float32"),
        np.zeros((4, HORIZON, 2), "float32"),
    ]
    out = network(x, training=False)
    if backend == "jax":
        device = str(next(iter(out.devices())).platform)
    elif backend == "torch":
        device = str(out.device.type)
    else:
        device = "gpu" if "GPU" in str(out.device) else "cpu"
    record = {"forward_device": device, "on_gpu": device in ("gpu", "cuda")}
    if backend == "tensorflow":
        record.update(cudnn_check(network))
    return record


def cudnn_check(network) -> dict:
    """TensorFlow: trace one train step and one forward pass; find CudnnRNN ops."""
    import keras
    import tensorflow as tf

    optimizer = keras.optimizers.Adam()
    specs = [
        [
            tf.TensorSpec((None, 24, 3), tf.float32),
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

    def op_types(concrete) -> set[str]:
        graph_def = concrete.graph.as_graph_def()
        types = {node.op for node in graph_def.node}
        for function in graph_def.library.function:
            types.update(node.op for node in function.node_def)
        return types

    train_ops = op_types(train_step.get_concrete_function(*specs))
    predict_ops = op_types(forward.get_concrete_function(specs[0]))
    return {
        "train_uses_cudnn": any(t.startswith("CudnnRNN") for t in train_ops),
        "predict_uses_cudnn": any(t.startswith("CudnnRNN") for t in predict_ops),
    }


def _mae(pred: pd.DataFrame, test: pd.DataFrame) -> float:
    pred = pred.loc[test.index]
    return float(np.mean(np.abs(pred.to_numpy() - test.to_numpy())))


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
    mae = _mae(forecaster.predict(), test)
    return {"params": params, "fit_seconds": round(seconds, 2), "mae": round(mae, 4)}


def fit_m1(path: str, quick: bool) -> dict:
    """Time the default fit on M1's official split; MAE on its test part."""
    from sktime_gru import GRUEncoderDecoderForecaster
    from sktime_gru.benchmarking._holdout import (
        holdout_split,
        load_m1,
        long_to_panel,
        panel_to_long,
    )

    long = load_m1(path)
    if quick:
        keep = long["series_id"].drop_duplicates().iloc[:20]
        long = long[long["series_id"].isin(keep)]
    train, test, _ = holdout_split(long, HORIZON, "official")
    panel = long_to_panel(train)
    params = {"random_state": 0}
    if quick:
        params.update(n_epochs=1, units=4, ensemble_size=1, max_steps_per_epoch=2)
    forecaster = GRUEncoderDecoderForecaster(**params)
    start = time.perf_counter()
    forecaster.fit(panel, fh=np.arange(1, HORIZON + 1))
    seconds = time.perf_counter() - start
    pred = panel_to_long(forecaster.predict()["value"], panel.attrs["shift"])
    # panel_to_long names the forecast column y_pred
    both = pred.merge(test, on=["series_id", "t"])
    mae = float(np.mean(np.abs(both["y_pred"] - both["value"])))
    return {
        "series": int(panel.index.get_level_values(0).nunique()),
        "params": params,
        "fit_seconds": round(seconds, 2),
        "mae": round(mae, 4),
    }


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


LARGE_PARAMS = dict(
    ensemble_size=1,
    interval_calibration="windows",
    deseasonalize=False,
    seasonal_period=12,
    random_state=0,
)


def epoch_timer():
    """A Keras callback that records each epoch's seconds and batches."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.epochs = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start, self._steps = time.perf_counter(), 0

        def on_train_batch_end(self, batch, logs=None):
            self._steps += 1

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append((time.perf_counter() - self._start, self._steps))

    return EpochTimer()


def epoch_large(y: pd.DataFrame, batch_size: int, max_steps: int, epochs: int = 2):
    """One epoch over the windows of ``y`` at ``batch_size``, timed.

    The fit runs ``epochs`` epochs of at most ``max_steps`` batches; the
    first compiles the train step of this structure and batch size, the last
    one is the time.
    """
    from sktime_gru import GRUEncoderDecoderForecaster

    timer = epoch_timer()
    forecaster = GRUEncoderDecoderForecaster(
        **LARGE_PARAMS,
        n_epochs=epochs,
        batch_size=batch_size,
        max_steps_per_epoch=max_steps,
        callbacks=[timer],
    )
    start = time.perf_counter()
    try:
        forecaster.fit(y, fh=range(1, HORIZON + 1))
    except Exception as exc:  # noqa: BLE001 - recorded, the other runs go on
        return {"batch_size": batch_size, "error": repr(exc)}, None
    fit_seconds = time.perf_counter() - start
    windows = int(forecaster.n_windows_)
    seconds, steps = timer.epochs[-1]
    seen = min(steps * batch_size, windows)
    rate = seen / seconds
    return {
        "batch_size": batch_size,
        "windows": windows,
        "steps": steps,
        "first_epoch_seconds": round(timer.epochs[0][0], 2),
        "epoch_seconds": round(seconds, 2) if epochs > 1 else None,
        "windows_per_second": round(rate),
        "full_epoch_seconds": round(windows / rate, 2),
        "full_epoch_measured": seen >= windows,
        "fit_seconds": round(fit_seconds, 2),
        "loss": float(forecaster.history_["loss"][-1]),
    }, forecaster


def predict_latency(forecaster, calls: int) -> dict:
    """Median seconds of ``predict()`` (all series, 18 steps) after one warm-up."""
    start = time.perf_counter()
    forecaster.predict()
    first = time.perf_counter() - start
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        forecaster.predict()
        times.append(time.perf_counter() - start)
    return {
        "calls": calls,
        "first_seconds": round(first, 4),
        "median_seconds": round(statistics.median(times), 4),
    }


def worker(args) -> dict:
    """Every measurement on this process's backend (``KERAS_BACKEND``).

    Stages run in order of importance and the record is written after each
    one (``gpu-<backend>.json`` under ``--output-dir``); once ``--budget``
    seconds have passed, the remaining stages are skipped and named.
    """
    started = time.perf_counter()
    backend = args.worker
    from sktime_gru._backend import import_keras

    keras = import_keras()
    if keras.backend.backend() != backend:
        raise SystemExit(f"KERAS_BACKEND is {keras.backend.backend()!r}, not {backend}")
    info = devices(backend)
    has_gpu = info["gpus"] != "no GPU"
    if args.series is not None:
        n_series = args.series
    elif args.quick:
        n_series = 20
    else:
        n_series = 10_000 if has_gpu else 200
    n_months = 60 if args.quick else 240
    if args.batch_sizes:
        sizes = [int(b) for b in args.batch_sizes.split(",")]
    else:
        sizes = [32, 256] if args.quick else [32, 256, 1024, 4096]
    max_steps = args.max_steps or (2 if args.quick else 1000)
    record = {"devices": info, "quick": args.quick, "gpu_used": gpu_used(backend)}
    if not has_gpu:
        record["note"] = f"no GPU: the large panel is downsized to {n_series} series"
    partial = Path(args.output_dir) / f"gpu-{backend}.json"
    partial.parent.mkdir(parents=True, exist_ok=True)
    skipped = []

    def stage(name, run):
        """Run one stage unless the budget is spent; write the record."""
        spent = time.perf_counter() - started
        if args.budget is not None and spent > args.budget:
            skipped.append(name)
            record["skipped_stages"] = skipped
        else:
            run()
        record["seconds_so_far"] = round(time.perf_counter() - started, 1)
        partial.write_text(json.dumps(record, indent=2) + "\n")

    if args.m1_path:
        stage("fit_m1", lambda: record.update(fit_m1=fit_m1(args.m1_path, args.quick)))
    y = synthetic_panel(n_series, n_months)
    record["epoch_large"], fitted = [], []

    def large(size):
        row, forecaster = epoch_large(y, size, max_steps, 1 if args.quick else 2)
        record["epoch_large"].append({"series": n_series, "months": n_months, **row})
        if forecaster is not None:
            fitted[:] = [forecaster]

    for size in sizes:
        stage(f"epoch_large[{size}]", lambda size=size: large(size))

    def predict():
        if fitted:
            calls = 2 if args.quick else 5
            record["predict"] = {
                "series": n_series,
                **predict_latency(fitted[0], calls),
            }

    stage("predict", predict)
    stage("fit_default", lambda: record.update(fit_default=fit_default(args.quick)))
    return record


def run_backend(backend: str, args) -> dict:
    """Run :func:`worker` for ``backend`` in a fresh process; its record."""
    if importlib.util.find_spec(LIBRARY[backend]) is None:
        return {"skipped": f"{LIBRARY[backend]} is not installed"}
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", backend]
    command += ["--quick"] if args.quick else []
    command += ["--output-dir", str(args.output_dir)]
    for flag in ("batch_sizes", "m1_path", "series", "budget", "max_steps"):
        value = getattr(args, flag)
        if value is not None:
            command += [f"--{flag.replace('_', '-')}", str(value)]
    env = {**os.environ, "KERAS_BACKEND": backend}
    partial = Path(args.output_dir) / f"gpu-{backend}.json"
    partial.unlink(missing_ok=True)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=args.timeout
        )
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode != 0:  # keep the stages that finished
        record = json.loads(partial.read_text()) if partial.exists() else {}
        error = done.stderr[-2000:] if done else f"timed out after {args.timeout} s"
        return {**record, "error": error}
    record = json.loads(done.stdout.strip().splitlines()[-1])
    record["wall_seconds"] = round(time.perf_counter() - start, 1)
    return record


def main(argv: list[str] | None = None) -> dict:
    """Run every backend; write gpu.json; return the record."""
    args = parse_args(argv)
    if args.worker is not None:
        record = worker(args)
        print(json.dumps(record))
        return record
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    record = {}
    for name in args.backend_list:
        record[name] = run_backend(name, args)
        (out / "gpu.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    return record


if __name__ == "__main__":
    main()
