"""What ``verbose`` shows: one labelled line per training epoch, on stdout.

``fit`` trains several networks one after the other (the backtest network,
then every ensemble member), ``update`` and ``pretrain`` train again; Keras'
own output says nothing about which one is training. So at ``verbose`` 1
every epoch of every network prints one line naming the call, the network
and the epoch, e.g. ``sktime-gru fit: member 2/3 epoch 4/10 loss 0.0123``,
and Keras prints nothing; at 2 Keras' own per-epoch line follows it.

Lines go to standard output with ``print`` (flushed), where Keras and
sktime's other deep-learning estimators print their progress too; nothing
goes through :mod:`logging`. Which call is training (``fit``, ``update``,
``pretrain``) is kept in a context variable set by the forecaster's public
methods (:func:`task`), so that the modules that train need not pass it on.
"""

from __future__ import annotations

import contextlib
import contextvars
import time

__all__ = ["VERBOSE_LEVELS", "keras_verbose", "progress_callback", "say", "task"]

#: what ``verbose`` accepts: silent, one labelled line per epoch, + Keras' lines
VERBOSE_LEVELS = (0, 1, 2)

_TASK: contextvars.ContextVar[str] = contextvars.ContextVar(
    "sktime_gru_task", default="fit"
)


@contextlib.contextmanager
def task(name: str):
    """Label the training lines printed inside with ``name`` (``fit``, ...)."""
    token = _TASK.set(name)
    try:
        yield
    finally:
        _TASK.reset(token)


def keras_verbose(verbose) -> int:
    """Keras' ``fit(verbose=...)`` for the forecaster's ``verbose``: 2 or silent."""
    return 2 if int(verbose) >= 2 else 0


def say(verbose, message: str) -> None:
    """Print ``sktime-gru <task>: message`` when ``verbose`` is on."""
    if int(verbose) >= 1:
        print(f"sktime-gru {_TASK.get()}: {message}", flush=True)


def progress_callback(verbose, stage: str, epochs: int):
    """Keras callback printing one line per epoch of ``stage``; None when silent.

    Parameters
    ----------
    verbose : bool or int
        The forecaster's ``verbose``.
    stage : str
        Which network trains, e.g. ``"backtest network"``, ``"member 2/3"``.
    epochs : int
        Epochs asked for (early stopping may end training before).
    """
    if int(verbose) < 1:
        return None
    from sktime_gru._network import import_keras

    keras = import_keras()
    label = f"sktime-gru {_TASK.get()}: {stage}"

    class _EpochLine(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            parts = [f"{label} epoch {epoch + 1}/{epochs}"]
            for key in ("loss", "val_loss"):
                if key in logs:
                    parts.append(f"{key} {float(logs[key]):.4g}")
            parts.append(f"({time.perf_counter() - self._start:.1f} s)")
            print(" ".join(parts), flush=True)

    return _EpochLine()
