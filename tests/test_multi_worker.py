"""Training under a ``tf.distribute`` strategy (``strategy=...``).

``"multi_worker"`` runs in two local worker processes (TF_CONFIG on free
loopback ports), as a cluster of machines would: the workers must end with
exactly the same weights, and the fitted forecaster is an ordinary one (the
example examples/distributed_training.py is run in tests/test_examples.py).
``"mirrored"`` runs in this process (on CPU: one replica).
"""

from __future__ import annotations

import json
import os
import pickle
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru._validation import InvalidParameterError
from tests.conftest import make_panel, tensorflow_only, tiny_forecaster

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "distributed_training.py"

# one worker of the cluster: fit twice (the graph cache must not grow), update
# with fine-tuning, pretrain then fit on other series; save what it got
WORKER = textwrap.dedent(
    """
    import json, os, sys
    import numpy as np
    from sktime_gru import GRUEncoderDecoderForecaster, _graph_cache
    from tests.conftest import make_panel

    out = sys.argv[1]
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    params = dict(window_length=4, output_length=3, units=4, n_epochs=2,
                  batch_size=8, random_state=0, ensemble_size=1,
                  interval_calibration="windows", validation_split=0.2,
                  patience=1,
                  update_epochs=1, fine_tune_epochs=1,
                  strategy=os.environ.get("STRATEGY") or None)
    y = make_panel(lengths=(30, 31, 36), start_offsets=(0, 0, 0))
    head = y.groupby(level=0).head(27)
    new = y.drop(head.index)
    f = GRUEncoderDecoderForecaster(**params).fit(head, fh=[1, 2, 3])
    cached = _graph_cache.cached_trainers()
    GRUEncoderDecoderForecaster(**{**params, "random_state": 1}).fit(head)
    result = {"cached": [cached, _graph_cache.cached_trainers()],
              "history": f.history_, "predict": f.predict().to_numpy().tolist()}
    weights = {"fit": f.network_.get_weights()}
    f.update(new, update_params=True)
    weights["update"] = f.network_.get_weights()
    result["predict_updated"] = f.predict().to_numpy().tolist()
    p = GRUEncoderDecoderForecaster(**params).pretrain(head)
    p.fit(make_panel(lengths=(20, 20), start_offsets=(0, 0)), fh=[1, 2, 3])
    weights["pretrained"] = p.network_.get_weights()
    np.savez(os.path.join(out, f"weights_{index}.npz"),
             **{f"{k}_{i}": w for k, ws in weights.items()
                for i, w in enumerate(ws)})
    with open(os.path.join(out, f"result_{index}.json"), "w") as fh:
        json.dump(result, fh)
    """
)


@pytest.fixture(scope="module")
def example():
    return runpy.run_path(str(EXAMPLE), run_name="distributed_training")


def _run_cluster(example, folder: Path, workers: int, strategy: str) -> list:
    """Run WORKER in ``workers`` processes of one local cluster; their results."""
    addresses = [f"127.0.0.1:{p}" for p in example["free_ports"](workers)]
    processes = []
    for index in range(workers):
        env = dict(os.environ, STRATEGY=strategy, TF_CPP_MIN_LOG_LEVEL="2")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), env.get("PYTHONPATH")) if p
        )
        env["TF_CONFIG"] = json.dumps(
            {
                "cluster": {"worker": addresses},
                "task": {"type": "worker", "index": index},
            }
        )
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(folder)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    example["wait_for"](processes, 600)
    return [
        (
            np.load(folder / f"weights_{i}.npz"),
            json.loads((folder / f"result_{i}.json").read_text()),
        )
        for i in range(workers)
    ]


@pytest.mark.slow
@tensorflow_only
def test_two_workers_train_the_same_network(example, tmp_path):
    (w0, r0), (w1, r1) = _run_cluster(example, tmp_path, 2, "multi_worker")
    # fit, update(update_params=True) and pretrain + fine-tuning: the
    # all-reduce leaves every worker with exactly the same weights
    assert w0.files == w1.files and len(w0.files) > 0
    for name in w0.files:
        np.testing.assert_array_equal(w0[name], w1[name], err_msg=name)
    assert r0 == r1
    # a second fit of the same structure reuses the cached distributed trainer
    assert r0["cached"][0] == r0["cached"][1] >= 1
    assert all(isinstance(v, float) for v in r0["history"]["loss"])
    assert np.isfinite(r0["predict"]).all() and np.isfinite(r0["predict_updated"]).all()


@tensorflow_only
def test_mirrored_on_cpu_gives_an_ordinary_forecaster():
    from sktime_gru import _graph_cache

    y = make_panel()
    # jit_compile="auto" leaves XLA off under a strategy: compare like with like
    params = dict(run_eagerly=False, n_epochs=2, jit_compile=False)
    plain = tiny_forecaster(**params).fit(y, fh=[1, 2, 3])
    before = _graph_cache.cached_trainers()
    mirrored = tiny_forecaster(**params, strategy="mirrored").fit(y, fh=[1, 2, 3])
    # one replica on a CPU: the same batches, the same sums as without
    np.testing.assert_array_equal(mirrored.predict(), plain.predict())
    # the distributed trainer is cached apart, once per structure
    after = _graph_cache.cached_trainers()
    tiny_forecaster(**params, strategy="mirrored", random_state=3).fit(y)
    assert after == _graph_cache.cached_trainers() <= before + 1
    # the fitted network is a plain Keras model: pickles, predicts, updates
    network = mirrored.network_
    assert all(type(v).__name__ == "Variable" for v in network.weights)
    copy = pickle.loads(pickle.dumps(mirrored))
    np.testing.assert_array_equal(copy.predict(), mirrored.predict())
    mirrored.update(make_panel(lengths=(2, 2, 2), start_offsets=(30, 30, 36)))
    assert np.isfinite(mirrored.predict().to_numpy()).all()
    # the eager train step runs under the strategy too
    eager = tiny_forecaster(strategy="mirrored").fit(y, fh=[1, 2, 3])
    assert np.isfinite(eager.predict().to_numpy()).all()


@pytest.mark.parametrize("value", ["tpu", "Mirrored", 1, ["mirrored"]])
def test_strategy_is_validated(value):
    f = GRUEncoderDecoderForecaster(strategy=value)
    with pytest.raises(
        InvalidParameterError,
        match=r"strategy must be None, 'mirrored' or 'multi_worker', got ",
    ):
        f.fit(make_panel(), fh=[1])


@pytest.mark.slow
@tensorflow_only
def test_multi_worker_after_tensorflow_started_says_what_to_do(example):
    code = textwrap.dedent(
        """
        import tensorflow as tf
        tf.constant(1.0) + 1.0  # TensorFlow has run: too late for collectives
        from tests.conftest import make_panel, tensorflow_only, tiny_forecaster
        tiny_forecaster(strategy="multi_worker").fit(make_panel(), fh=[1])
        """
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    workers = [f"127.0.0.1:{p}" for p in example["free_ports"](2)]
    task = {"type": "worker", "index": 0}
    env["TF_CONFIG"] = json.dumps({"cluster": {"worker": workers}, "task": task})
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH")) if p
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0
    assert "RuntimeError: strategy='multi_worker' could not create" in run.stderr
    assert "before TensorFlow runs any operation" in run.stderr


@tensorflow_only
@pytest.mark.parametrize("n_windows", [20, 21, 23, 24])
def test_replicas_share_every_global_batch(n_windows):
    from sktime_gru._training import make_window_dataset

    values = np.arange(60, dtype="float32")[:, None]  # (rows, 1): start = value
    starts = np.arange(n_windows)
    kw = dict(window=1, decoder_length=1, n_targets=1, batch_size=8, seed=5, epochs=2)

    def first_values(dataset):
        return [x[:, 0, 0].numpy().astype(int).tolist() for x, _ in dataset]

    whole, steps = make_window_dataset(values, starts, **kw)
    whole = first_values(whole)
    # 3 replicas: on 3 workers (one each) or on one worker with all three
    ones = [
        make_window_dataset(values, starts, **kw, shard=(r, 1, 3)) for r in range(3)
    ]
    replicas = [first_values(d) for d, _ in ones]
    together, _ = make_window_dataset(values, starts, **kw, shard=(0, 3, 3))
    together = first_values(together)
    sharded_steps = ones[0][1]
    assert sharded_steps == n_windows // 8 + (n_windows % 8 >= 3)
    assert all(len(r) == 2 * sharded_steps for r in replicas)
    for epoch in range(2):
        for step in range(sharded_steps):
            i = epoch * sharded_steps + step
            batch = whole[epoch * steps + step]
            usable = len(batch) // 3 * 3
            shares = [replicas[r][i] for r in range(3)]
            # replica r gets windows r, r + 3, ... of the global batch
            assert shares == [batch[:usable][r::3] for r in range(3)]
            assert together[3 * i : 3 * i + 3] == shares


def test_is_chief_reads_tf_config(monkeypatch):
    from sktime_gru import is_chief

    def config(task, cluster=None):
        cluster = cluster or {"worker": ["a:1", "b:1"]}
        monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": cluster, "task": task}))

    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert is_chief()
    config({"type": "worker", "index": 0})
    assert is_chief()
    config({"type": "worker", "index": 1})
    assert not is_chief()
    config({"type": "worker", "index": 0}, {"chief": ["c:1"], "worker": ["a:1"]})
    assert not is_chief()
    config({"type": "chief", "index": 0}, {"chief": ["c:1"], "worker": ["a:1"]})
    assert is_chief()
