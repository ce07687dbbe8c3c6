"""Train one GRU on the weatherAUS panel across worker processes (tf.distribute).

``python examples/distributed_training.py --workers 2`` starts two local worker
processes, each told its place in the cluster by the standard ``TF_CONFIG``
environment variable (addresses on free loopback ports, 127.0.0.1 only). Every
worker fits ``GRUEncoderDecoderForecaster(strategy="multi_worker")`` on the
same 44-station training panel (history up to 2015-06), TensorFlow's
``MultiWorkerMirroredStrategy`` splits every global batch of ``batch_size``
windows between them and averages their gradients (all-reduce), so all workers
end with the same network. Then a single process fits the same forecaster
without a strategy, for comparison.

It prints ONE JSON line:

- ``workers``, ``epochs``, ``fit_seconds`` (the chief's fit, and the
  single-process fit's);
- ``max_weight_diff_between_workers``: largest absolute difference between
  the workers' final network weights; 0.0 when the all-reduce kept them in
  sync;
- ``mae_multi_worker`` and ``mae_single_process``: MAE (degrees Celsius) of the
  chief's and of the single-process forecasts of the 18 test months
  (2015-07 to 2016-12), and ``mae_between_forecasts``, the MAE between the two
  forecasts. They are close, not equal: the same windows make up every global
  batch, but each worker computes the mean loss of its half and the gradients
  are summed across workers, so floating-point sums run in another order
  (batches are also cut to a multiple of the number of workers). Measured: the
  quick run's forecasts differ by at most 1.5e-8 degrees C; the default run's
  MAEs agree to the 4 decimals printed (BENCHMARKS.md).

Only the chief (worker 0) writes the forecast file; each worker writes its
network weights to a temporary folder for the comparison, which is removed.

Use ``--quick`` for a smoke run (one epoch, a small network: seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

LAST_TRAIN_MONTH = pd.Period("2015-06", freq="M")
HORIZON = 18
#: Seconds a worker may take before the run is abandoned (a worker that dies
#: leaves the others waiting for it in the all-reduce).
WORKER_TIMEOUT_S = 1800


def forecaster_params(quick: bool, epochs: int | None, seed: int) -> dict:
    """Parameters of both fits: the defaults, or a tiny network with --quick."""
    params = {"random_state": seed}
    if quick:
        params.update(
            n_epochs=1,
            units=4,
            ensemble_size=1,
            max_steps_per_epoch=4,
            interval_calibration="windows",
        )
    if epochs is not None:
        params["n_epochs"] = epochs
    return params


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description="Fit one GRU on the weatherAUS panel across local workers."
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--random-state", type=int, default=0)
    # internal: the role of a started worker process
    parser.add_argument("--worker-dir", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def load_split() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The weatherAUS panel, split at ``LAST_TRAIN_MONTH`` (train, test)."""
    from sktime_gru.datasets import load_weather_au

    y = load_weather_au()
    in_train = y.index.get_level_values("Date") <= LAST_TRAIN_MONTH
    return y[in_train], y[~in_train]


def fit_and_forecast(params: dict, y_train: pd.DataFrame):
    """Fit the forecaster; return it, its forecast and the fit seconds."""
    from sktime_gru import GRUEncoderDecoderForecaster

    forecaster = GRUEncoderDecoderForecaster(**params)
    start = time.perf_counter()
    forecaster.fit(y_train, fh=range(1, HORIZON + 1))
    seconds = time.perf_counter() - start
    return forecaster, forecaster.predict(), seconds


def run_worker(args: argparse.Namespace) -> None:
    """One worker of the cluster in ``TF_CONFIG``: fit, save weights (+ forecast)."""
    from sktime_gru import is_chief

    params = forecaster_params(args.quick, args.epochs, args.random_state)
    y_train, _ = load_split()
    forecaster, y_pred, seconds = fit_and_forecast(
        {**params, "strategy": "multi_worker"}, y_train
    )
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    out = Path(args.worker_dir)
    weights = forecaster.network_.get_weights()
    np.savez(out / f"weights_{index}.npz", *weights)
    if is_chief():  # the fitted state is written by the chief only
        y_pred.to_pickle(out / "forecast.pkl")
        (out / "fit_seconds.json").write_text(json.dumps(seconds))


def free_ports(n: int) -> list[int]:
    """``n`` free TCP ports on the loopback interface."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start_workers(args: argparse.Namespace, folder: Path) -> list[subprocess.Popen]:
    """Start ``args.workers`` processes of one local cluster (TF_CONFIG each)."""
    command = [sys.executable, str(Path(__file__).resolve())]
    command += ["--worker-dir", str(folder), "--random-state", str(args.random_state)]
    if args.quick:
        command.append("--quick")
    if args.epochs is not None:
        command += ["--epochs", str(args.epochs)]
    return launch(command, args.workers)


def launch(command: list[str], n: int) -> list[subprocess.Popen]:
    """Start ``command`` ``n`` times as the workers of one local cluster.

    Each process gets a ``TF_CONFIG`` naming all ``n`` workers on free
    loopback ports and its own index, and this checkout on ``PYTHONPATH``.
    """
    workers = [f"127.0.0.1:{port}" for port in free_ports(n)]
    root = str(Path(__file__).resolve().parents[1])
    processes = []
    for index in range(n):
        env = dict(os.environ)
        env["TF_CONFIG"] = json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        )
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (root, env.get("PYTHONPATH")) if p
        )
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        processes.append(
            subprocess.Popen(
                command,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    return processes


def wait_for(processes: list[subprocess.Popen], timeout: float) -> None:
    """Wait for every worker; stop all of them if one fails or time runs out."""
    deadline = time.monotonic() + timeout
    try:
        for index, process in enumerate(processes):
            remaining = max(deadline - time.monotonic(), 1.0)
            output, _ = process.communicate(timeout=remaining)
            if process.returncode != 0:
                raise RuntimeError(
                    f"worker {index} failed (exit {process.returncode}):\n"
                    + output[-3000:]
                )
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def mae(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """Mean absolute difference of two frames on ``a``'s index."""
    return float(np.mean(np.abs(a.to_numpy() - b.loc[a.index].to_numpy())))


def main(argv: list[str] | None = None) -> dict:
    """Run the cluster and the single-process fit; print and return the JSON."""
    args = parse_args(argv)
    if args.worker_dir is not None:
        run_worker(args)
        return {}
    if args.workers < 1:
        raise SystemExit("--workers must be at least 1")
    params = forecaster_params(args.quick, args.epochs, args.random_state)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wait_for(start_workers(args, folder), WORKER_TIMEOUT_S)
        weights = [np.load(folder / f"weights_{i}.npz") for i in range(args.workers)]
        diff = max(
            float(np.max(np.abs(w[k] - weights[0][k]), initial=0.0))
            for w in weights[1:] or weights
            for k in w.files
        )
        y_multi = pd.read_pickle(folder / "forecast.pkl")
        seconds = json.loads((folder / "fit_seconds.json").read_text())

    y_train, y_test = load_split()
    single, y_single, single_seconds = fit_and_forecast(params, y_train)
    result = {
        "workers": args.workers,
        "epochs": single.n_epochs,
        "fit_seconds": round(seconds, 2),
        "fit_seconds_single_process": round(single_seconds, 2),
        "max_weight_diff_between_workers": diff,
        "mae_multi_worker": round(mae(y_test, y_multi), 4),
        "mae_single_process": round(mae(y_test, y_single), 4),
        # not rounded: the difference can be far below the MAEs' 4 decimals
        "mae_between_forecasts": mae(y_single, y_multi),
        "max_abs_diff_between_forecasts": float(
            np.max(np.abs(y_single.to_numpy() - y_multi.loc[y_single.index].to_numpy()))
        ),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
