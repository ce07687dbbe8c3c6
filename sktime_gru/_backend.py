"""The one place that names a Keras backend: TensorFlow, JAX or PyTorch.

Everything else in the package is Keras 3 and numpy. This module owns what
differs between the backends:

- which backend is in use (:func:`configured_backend`, read as Keras reads it,
  without importing Keras) and the forecaster's ``python_dependencies`` for it
  (:func:`python_dependencies`);
- importing Keras (:func:`import_keras`), with TensorFlow's start-up log lines
  muted unless the user asked for them;
- converting backend tensors and variables to numpy (:func:`to_numpy`);
- the traced / jitted forward pass of a network (:func:`traced_predictor`);
- the library versions recorded in saved artefacts (:func:`versions`);
- the fork guard (:func:`check_not_forked`): TensorFlow and JAX hang or
  misbehave in a child forked after their runtime started.

Nothing here imports Keras or a backend at module level: ``import sktime_gru``
imports neither.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile

import numpy as np

__all__ = [
    "SUPPORTED",
    "check_not_forked",
    "configured_backend",
    "import_keras",
    "is_tensorflow",
    "python_dependencies",
    "to_numpy",
    "traced_predictor",
    "versions",
]

#: the Keras backends the forecaster runs on
SUPPORTED = ("tensorflow", "jax", "torch")

#: what sktime's dependency check must find for each backend (an inner list:
#: any one of them), besides ``keras>=3``
_DEPENDENCIES = {
    "tensorflow": ["tensorflow", "tensorflow-cpu"],
    "jax": "jax",
    "torch": "torch",
}

_LIBRARY = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def configured_backend() -> str:
    """Return the Keras backend this process uses, without importing Keras.

    Read as Keras reads it: the backend of Keras if it is imported already,
    else ``KERAS_BACKEND``, else ``backend`` in ``$KERAS_HOME/keras.json``
    (``~/.keras/keras.json``), else ``"tensorflow"``.
    """
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        with contextlib.suppress(Exception):
            return str(keras.backend.backend())
    env = os.environ.get("KERAS_BACKEND")
    if env:
        return env
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    try:
        with open(os.path.join(home, "keras.json")) as fh:
            return str(json.load(fh).get("backend", "tensorflow"))
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def is_tensorflow() -> bool:
    """Whether the backend in use is TensorFlow."""
    return configured_backend() == "tensorflow"


def python_dependencies(backend: str | None = None) -> list:
    """Return the ``python_dependencies`` tag for ``backend`` (default: the one in use).

    sktime checks this tag before ``fit``: on TensorFlow either ``tensorflow``
    or ``tensorflow-cpu`` satisfies it, on JAX ``jax``, on PyTorch ``torch``.
    An unknown backend gets TensorFlow's (``import_keras`` then refuses it
    with a message naming it).
    """
    name = backend or configured_backend()
    return [_DEPENDENCIES.get(name, _DEPENDENCIES["tensorflow"]), "keras>=3"]


# ---------------------------------------------------------------- import --
#: TensorFlow's start-up INFO lines, which abseil writes straight to the
#: process's stderr before its logging is initialised, whatever
#: TF_CPP_MIN_LOG_LEVEL says ("oneDNN custom operations are on ..."; TF 2.16+)
_TF_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    # "I0000 00:00:1796391514.295453    3907 port.cc:153] ...": before abseil
    # is initialised the seconds are counted from the epoch
    r"|I\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\] "
    r"|To enable the following instructions: )"
)


def import_keras():
    """Import Keras, checking that its backend is one we support.

    The first import mutes TensorFlow's C++ start-up log:
    ``TF_CPP_MIN_LOG_LEVEL`` is set to 2 unless the user set it (on every
    backend: Keras imports TensorFlow whenever it is installed), and, on
    TensorFlow, when it is at least 1, the INFO lines abseil prints before its
    logging starts
    (the oneDNN and CPU-feature notices, which ignore that variable) are
    dropped from stderr; anything else printed meanwhile is passed on.
    ``TF_ENABLE_ONEDNN_OPTS`` is never changed (it changes the numbers).

    Raises
    ------
    RuntimeError
        Keras' backend is not TensorFlow, JAX or PyTorch.
    """
    if "keras" not in sys.modules:
        # refuse before importing Keras: its numpy backend imports JAX, which
        # may not be installed (a stack trace from inside Keras then)
        _check_supported(configured_backend())
    if "tensorflow" not in sys.modules:
        # also off TensorFlow: Keras 3 itself imports TensorFlow, when it is
        # installed, at the first layer it serialises (serialization_lib)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "keras" not in sys.modules and configured_backend() == "tensorflow":
        quiet = os.environ["TF_CPP_MIN_LOG_LEVEL"].strip() not in ("", "0")
        with _filtered_stderr(_TF_NOISE if quiet else None):
            import keras
    import keras

    _check_supported(keras.backend.backend())
    return keras


def _check_supported(name: str) -> None:
    if name not in SUPPORTED:
        raise RuntimeError(
            f"sktime_gru runs on Keras' TensorFlow, JAX or PyTorch backend, but "
            f"KERAS_BACKEND is {name!r}; set KERAS_BACKEND to 'tensorflow', "
            "'jax' or 'torch' before Keras is imported"
        )


@contextlib.contextmanager
def _filtered_stderr(pattern):
    """Capture file descriptor 2 (C++ writes too); pass on lines not matching."""
    if pattern is None:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr: nothing to do
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [
                line
                for line in capture.read().decode(errors="replace").splitlines(True)
                if not pattern.match(line)
            ]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


# ----------------------------------------------------------------- values --
def to_numpy(value) -> np.ndarray:
    """Return ``value`` (a backend tensor, a Keras variable, an array) as numpy.

    Not always a copy: on PyTorch the array is a view of a CPU tensor (a
    variable's changes with it), so a snapshot to keep needs ``np.array``.
    """
    if isinstance(value, np.ndarray):
        return value
    keras = import_keras()
    if keras.backend.backend() == "tensorflow":
        return value.numpy()  # a CPU tensor's numpy() is a view: no copy
    if isinstance(value, keras.Variable):
        value = value.value
    if keras.backend.backend() == "torch":
        import torch

        if isinstance(value, torch.Tensor):
            # Keras' convert_to_numpy goes through np.array(copy=False), which
            # a torch tensor's __array__ answers with a DeprecationWarning
            return value.detach().cpu().numpy()
    return np.asarray(keras.ops.convert_to_numpy(value))


def resolve_jit_compile(jit_compile, run_eagerly: bool, strategy=None):
    """Return what to pass as Keras' ``compile(jit_compile=...)``.

    ``"auto"``: XLA on TensorFlow when the machine has no accelerator and no
    distribution strategy is used (Keras' own ``"auto"`` leaves XLA off on a
    CPU, where it makes a training step about 3x cheaper for our networks
    and pays within the first fit: BENCHMARKS.md); elsewhere Keras' own
    ``"auto"`` (JAX always compiles with XLA; PyTorch runs eagerly; on a GPU
    TensorFlow's XLA would replace the cuDNN GRU kernel, not measured here).
    A bool is passed through; an eager network never compiles.
    """
    if run_eagerly:
        return False
    if jit_compile != "auto":
        return bool(jit_compile)
    if configured_backend() == "tensorflow" and strategy is None:
        import tensorflow as tf

        devices = tf.config.list_physical_devices()
        if all(device.device_type == "CPU" for device in devices):
            return True
    return "auto"


def caches_trainers() -> bool:
    """Whether a compiled trainer is kept per network structure and reused.

    TensorFlow and JAX trace (compile) a train step per Keras model: reusing
    one trainer per structure saves that cost and, on TensorFlow, the memory
    it never frees (``_graph_cache``). PyTorch's Keras trainer runs eagerly,
    so a cached one saves only building the model (a fraction of a second),
    and an ensemble's cached trainer there carried some state from one
    fine-tuning ``update`` to the next (three equal forecasters updated one
    after the other gave forecasts 1e-3 apart; a fresh trainer each gave
    identical ones): PyTorch builds a fresh trainer for every training.
    """
    return configured_backend() != "torch"


def ensemble_mean(outputs: list) -> np.ndarray:
    """Mean of the members' outputs (numpy) as the backend's traced ``Average``.

    Keras' ``Average`` adds the members in order and divides by their number;
    traced on TensorFlow (graph optimiser) and JAX (XLA) the division becomes
    a multiplication by the float32 reciprocal, PyTorch divides: the same
    here, so the members' predictors give the ensemble's numbers bit for bit.
    """
    total = outputs[0]
    for out in outputs[1:]:  # the order of keras' Average
        total = total + out
    if configured_backend() == "torch":
        return total / np.float32(len(outputs))
    return total * (np.float32(1) / np.float32(len(outputs)))


def traced_predictor(model):
    """Return ``call(inputs) -> outputs``: ``model``'s forward pass, compiled once.

    ``inputs`` are numpy arrays (one, or a list of two), any number of rows;
    the call reads ``model``'s current weights. TensorFlow: a ``tf.function``
    with a signature of any batch size (traced once); JAX: ``jax.jit`` of the
    stateless call, on rows padded to the next power of two (at most ~12
    compilations for any number of rows); PyTorch: the eager call without
    gradient tracking (Keras' own ``predict`` does the same).
    """
    name = import_keras().backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        specs = [tf.TensorSpec((None, *t.shape[1:]), tf.float32) for t in model.inputs]
        signature = [specs[0] if len(specs) == 1 else specs]
        return tf.function(
            lambda x: model(x, training=False), input_signature=signature
        )
    if name == "jax":
        return _jax_predictor(model)
    import torch

    def call(inputs):
        with torch.no_grad():
            return to_numpy(model(inputs, training=False))

    return call


def _jax_predictor(model):
    import jax

    def forward(trainable, non_trainable, inputs):
        return model.stateless_call(trainable, non_trainable, inputs, training=False)[0]

    jitted = jax.jit(forward)

    def call(inputs):
        arrays = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        n = len(arrays[0])
        rows = max(8, 1 << (n - 1).bit_length())  # rows are independent
        if rows != n:
            arrays = [
                np.concatenate([a, np.zeros((rows - n, *a.shape[1:]), a.dtype)])
                for a in arrays
            ]
        feed = arrays if isinstance(inputs, (list, tuple)) else arrays[0]
        out = jitted(
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables],
            feed,
        )
        return np.asarray(out)[:n]

    return call


def versions() -> dict:
    """Library versions recorded in a saved artefact (the backend's included)."""
    import keras
    import sklearn
    import sktime

    import sktime_gru

    found = {
        "sktime_gru": sktime_gru.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
    }
    library = _LIBRARY.get(keras.backend.backend())
    if library is not None:
        found[library] = __import__(library).__version__
    found.update(
        {
            "sktime": sktime.__version__,
            "numpy": np.__version__,
            "pandas": __import__("pandas").__version__,
            "scikit-learn": sklearn.__version__,
        }
    )
    return found


# ------------------------------------------------------------------- fork --
_FORKED_AFTER = None  # the backend whose runtime had started before a fork


def _runtime_started() -> str | None:
    """Name of the backend whose threaded runtime started in this process."""
    context = sys.modules.get("tensorflow.python.eager.context")
    if context is not None:
        try:
            ctx = context.context_safe()
            if ctx is not None and ctx._initialized:
                return "TensorFlow"
        except Exception:  # private API moved: assume started if TF is loaded
            return "TensorFlow"
    bridge = sys.modules.get("jax._src.xla_bridge")
    if bridge is not None and getattr(bridge, "_backends", None):
        return "JAX"
    return None


def _after_fork_in_child() -> None:
    global _FORKED_AFTER
    _FORKED_AFTER = _FORKED_AFTER or _runtime_started()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def check_not_forked() -> None:
    """Raise instead of hanging in a child forked after TensorFlow or JAX started.

    Their thread pools do not survive ``fork``: TensorFlow's first operation
    in such a child blocks for ever, JAX may deadlock (e.g. sktime's
    ``backend="multiprocessing"`` after anything was fitted in the parent).
    PyTorch on CPU is not guarded.

    Raises
    ------
    RuntimeError
        In a forked child of a process whose TensorFlow or JAX runtime had
        started.
    """
    if _FORKED_AFTER:
        raise RuntimeError(
            f"this process was forked after {_FORKED_AFTER} had started in its "
            f"parent (e.g. joblib / sktime backend='multiprocessing'); "
            f"{_FORKED_AFTER} hangs after fork: use backend='loky' or 'dask', "
            "whose workers are fresh processes, or start the processes before "
            "fitting anything"
        )
