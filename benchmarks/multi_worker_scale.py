"""Epoch time and peak memory per worker: 1 vs N local workers (multi_worker).

``python benchmarks/multi_worker_scale.py --workers 1 2`` fits
``GRUEncoderDecoderForecaster(strategy="multi_worker")`` on a synthetic panel
(default 10,000 series x 240 months, seasonal with noise) in a local cluster
of 1, then of 2 worker processes (TF_CONFIG on free loopback ports, as
``examples/distributed_training.py``). Every worker reports the seconds of
each epoch (Keras callback), its fit seconds and its peak resident memory
(``ru_maxrss``). One network, no backtest (``interval_calibration="windows"``),
the backbone off (``deseasonalize=False``), ``n_epochs`` 3 and the default
``batch_size`` 32 and ``max_steps_per_epoch`` 50: an epoch is 50 global
steps whatever the number of workers, so more workers only split each batch.

Writes ``multi_worker_scale.json`` into ``--output-dir`` and prints it.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import runpy  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=240)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--output-dir", default=str(HERE / "results"))
    parser.add_argument("--worker-out", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_worker(args: argparse.Namespace) -> None:
    """One worker: fit on the synthetic panel, write its timings and memory."""
    import resource

    start = time.perf_counter()
    import keras

    from sktime_gru import GRUEncoderDecoderForecaster

    panel = runpy.run_path(str(HERE / "gpu.py"), run_name="gpu")["synthetic_panel"]
    y = panel(args.series, args.months)

    class EpochTimes(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    epochs = EpochTimes()
    forecaster = GRUEncoderDecoderForecaster(
        n_epochs=args.epochs,
        ensemble_size=1,
        interval_calibration="windows",
        deseasonalize=False,
        seasonal_period=12,
        random_state=0,
        strategy="multi_worker",
        callbacks=[epochs],
    )
    fit_start = time.perf_counter()
    forecaster.fit(y, fh=range(1, 19))
    fit_s = time.perf_counter() - fit_start
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    record = {
        "index": index,
        "epoch_seconds": [round(s, 3) for s in epochs.seconds],
        "fit_seconds": round(fit_s, 2),
        "process_seconds": round(time.perf_counter() - start, 2),
        # Linux: kilobytes
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "windows": int(forecaster.n_windows_),
        "loss": forecaster.history_["loss"],
    }
    Path(args.worker_out, f"worker_{index}.json").write_text(json.dumps(record))


def run_cluster(args: argparse.Namespace, n: int) -> list[dict]:
    """Run ``n`` workers of one local cluster; their records."""
    example = runpy.run_path(str(ROOT / "examples" / "distributed_training.py"))
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, str(Path(__file__).resolve()), "--worker-out", tmp]
        command += ["--series", str(args.series), "--months", str(args.months)]
        command += ["--epochs", str(args.epochs)]
        processes = example["launch"](command, n)
        example["wait_for"](processes, 3600)
        return [json.loads(Path(tmp, f"worker_{i}.json").read_text()) for i in range(n)]


def main(argv=None) -> dict:
    """Run every cluster size in turn; write and print the JSON."""
    args = parse_args(argv)
    if args.worker_out is not None:
        run_worker(args)
        return {}
    result = {
        "series": args.series,
        "months": args.months,
        "epochs": args.epochs,
        "cpu_count": os.cpu_count(),
        "clusters": {str(n): run_cluster(args, n) for n in args.workers},
    }
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "multi_worker_scale.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
