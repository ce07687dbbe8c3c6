"""TensorFlow distribution strategies, created once per process.

``strategy="mirrored"`` trains on ``tf.distribute.MirroredStrategy`` (every
local GPU, or the CPU when there is none); ``strategy="multi_worker"`` on
``tf.distribute.MultiWorkerMirroredStrategy``, whose cluster (the workers'
addresses and this process's index) is read from the standard ``TF_CONFIG``
environment variable; without ``TF_CONFIG`` it is a cluster of one.

A strategy object is made on first use and kept for the life of the process:
TensorFlow configures collective operations once per process, and
``MultiWorkerMirroredStrategy`` can only be created before TensorFlow has run
anything (the eager context is initialised by the first operation).
"""

from __future__ import annotations

import json
import os
import threading

__all__ = ["STRATEGIES", "get_strategy", "is_chief", "n_replicas"]

STRATEGIES = (None, "mirrored", "multi_worker")

_STRATEGIES: dict[str, object] = {}
_LOCK = threading.Lock()


def get_strategy(name: str | None):
    """Return this process's strategy called ``name`` (None: no strategy).

    Raises
    ------
    RuntimeError
        ``MultiWorkerMirroredStrategy`` could not be created, with what to do.
    """
    if name is None:
        return None
    with _LOCK:
        strategy = _STRATEGIES.get(name)
        if strategy is None:
            strategy = _create(name)
            _STRATEGIES[name] = strategy
    return strategy


def _create(name: str):
    import tensorflow as tf

    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    try:
        return tf.distribute.MultiWorkerMirroredStrategy()
    except (RuntimeError, ValueError) as exc:
        raise RuntimeError(
            "strategy='multi_worker' could not create TensorFlow's "
            f"MultiWorkerMirroredStrategy: {exc}. It must be created before "
            "TensorFlow runs any operation in this process: fit the "
            "strategy='multi_worker' forecaster first (or call "
            "sktime_gru._distribute.get_strategy('multi_worker') at the start "
            "of the program), and check that TF_CONFIG is valid JSON naming "
            "the cluster's workers and this process's task index"
        ) from None


def n_replicas(name: str | None) -> int:
    """Replicas that train in sync under strategy ``name`` (1 without)."""
    strategy = get_strategy(name)
    return 1 if strategy is None else int(strategy.num_replicas_in_sync)


def is_chief() -> bool:
    """Whether this process is the chief: the one that writes files.

    Read from ``TF_CONFIG`` as TensorFlow reads it: the task of type "chief",
    or worker 0 of a cluster that has no chief; a process without
    ``TF_CONFIG`` is its own chief.
    """
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task = config.get("task") or {}
    kind, index = task.get("type"), int(task.get("index", 0))
    if kind is None or kind == "chief":
        return True
    return kind == "worker" and index == 0 and "chief" not in config.get("cluster", {})


def build_for_strategy(model) -> None:
    """Finish building compiled ``model`` in the strategy's scope, before ``fit``.

    Keras 3 builds a model's loss and metrics state in ``fit`` from the first
    batch, reduced across replicas with ``strategy.reduce`` on the whole
    ``(inputs, targets)`` structure, which ``MultiWorkerMirroredStrategy``
    cannot reduce across workers (keras-team/keras#20585,
    tensorflow/tensorflow#72388). The state is built here from the model's
    own input and output shapes instead, and this trainer (a private model of
    the graph cache) skips that step.
    """
    import numpy as np

    def zeros(tensor):
        return np.zeros((1, *tensor.shape[1:]), dtype="float32")

    inputs = [zeros(t) for t in model.inputs]
    batch = (inputs[0] if len(inputs) == 1 else inputs, zeros(model.outputs[0]))
    model._symbolic_build(data_batch=batch)
    model._maybe_symbolic_build = _already_built
    if _across_workers(model.distribute_strategy):
        _log_with_batch_axis(model)


def _across_workers(strategy) -> bool:
    """Whether Keras reduces the step's logs across workers (see below)."""
    import tensorflow as tf

    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and bool(
        strategy.extended._in_multi_worker_mode()
    )


def _log_with_batch_axis(model) -> None:
    """Make ``model``'s train and test steps return logs of shape (1,).

    Across workers Keras 3 averages the replicas' logs (the running mean
    loss) with ``strategy.reduce("MEAN", value, axis=0)``, which fails for a
    scalar (keras-team/keras#20585). With a batch axis of one it is the mean
    over the replicas, the same on every worker (a number again in
    :func:`sktime_gru._training.train_like`).
    """
    import tensorflow as tf

    cls = type(model)

    def with_axis(logs):
        return {k: tf.reshape(v, (1,)) for k, v in logs.items()}

    model.train_step = lambda data: with_axis(cls.train_step(model, data))
    model.test_step = lambda data: with_axis(cls.test_step(model, data))


def _already_built(iterator=None, data_batch=None) -> None:
    """Stand-in for Keras' ``_maybe_symbolic_build`` (see build_for_strategy)."""
