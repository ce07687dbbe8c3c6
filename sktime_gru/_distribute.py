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
