"""The backend boundary: which backend, its dependencies, imports, log noise,
the numpy window source, strategies off TensorFlow, artefacts across backends."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from sktime_gru import _backend
from sktime_gru._validation import InvalidParameterError
from tests.conftest import make_panel, tiny_forecaster

ROOT = Path(__file__).resolve().parents[1]
BACKEND = _backend.configured_backend()


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _run(
    code: str, backend: str, timeout: int = 600, **env
) -> subprocess.CompletedProcess:
    environ = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(ROOT), **env}
    for name, value in env.items():
        if value is None:
            environ.pop(name)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environ,
        cwd=ROOT,
    )


# ------------------------------------------------------------- which backend --
def test_configured_backend_reads_env_then_keras_json(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "keras", None)  # as if not imported
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert _backend.configured_backend() == "jax"
    monkeypatch.delenv("KERAS_BACKEND")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert _backend.configured_backend() == "tensorflow"  # no keras.json
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "torch"}))
    assert _backend.configured_backend() == "torch"


def test_python_dependencies_per_backend():
    assert _backend.python_dependencies("tensorflow") == [
        ["tensorflow", "tensorflow-cpu"],
        "keras>=3",
    ]
    assert _backend.python_dependencies("jax") == ["jax", "keras>=3"]
    assert _backend.python_dependencies("torch") == ["torch", "keras>=3"]


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_class_tag_follows_keras_backend_without_importing_it(backend):
    # sktime itself imports torch when it is installed (its PyTorch adapter
    # module): only what importing the forecaster adds counts
    code = """
        import sys
        import sktime.forecasting.base
        libraries = {"keras", "tensorflow", "jax", "torch"}
        before = libraries & set(sys.modules)
        from sktime_gru import GRUEncoderDecoderForecaster as F
        print(F.get_class_tag("python_dependencies"))
        assert not (libraries & set(sys.modules)) - before
    """
    out = _run(code, backend)
    assert out.returncode == 0, out.stderr
    expected = {"tensorflow": "tensorflow-cpu", "jax": "'jax'", "torch": "'torch'"}
    assert expected[backend] in out.stdout and "keras>=3" in out.stdout


def test_unsupported_backend_is_refused_by_name():
    code = "from sktime_gru._backend import import_keras; import_keras()"
    out = _run(code, "numpy")
    assert out.returncode != 0
    assert "KERAS_BACKEND is 'numpy'" in out.stderr
    assert "'tensorflow', 'jax' or 'torch'" in out.stderr


def test_strategies_are_refused_off_tensorflow(monkeypatch, panel):
    monkeypatch.setattr("sktime_gru._param_checks.configured_backend", lambda: "jax")
    for strategy in ("mirrored", "multi_worker"):
        f = tiny_forecaster(strategy=strategy)
        with pytest.raises(InvalidParameterError, match=r"backend is 'jax'"):
            f.fit(panel, fh=[1, 2])
        assert not hasattr(f, "network_")


# ------------------------------------------------------------------- values --
def test_to_numpy_of_tensors_and_variables():
    keras = _backend.import_keras()
    variable = keras.Variable(np.arange(6, dtype="float32").reshape(2, 3))
    tensor = keras.ops.ones((2, 2))
    np.testing.assert_array_equal(
        _backend.to_numpy(variable), np.arange(6).reshape(2, 3)
    )
    np.testing.assert_array_equal(_backend.to_numpy(tensor), np.ones((2, 2)))
    array = np.zeros(3)
    assert _backend.to_numpy(array) is array


def test_traced_predictor_matches_eager_call_for_any_rows():
    from sktime_gru._network import build_network

    net = build_network(
        window_length=5, n_features=2, output_length=3, n_targets=1, units=4, seed=3
    )
    call = _backend.traced_predictor(net)
    for rows in (1, 7, 9, 33):
        x = np.random.default_rng(rows).normal(size=(rows, 5, 2)).astype("float32")
        got = _backend.to_numpy(call(x))
        want = _backend.to_numpy(net(x, training=False))
        assert got.shape == (rows, 3, 1)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------- XLA --
def test_jit_compile_auto_is_xla_on_a_tensorflow_cpu_only(monkeypatch):
    resolve = _backend.resolve_jit_compile
    assert resolve(True, run_eagerly=True) is False  # eager never compiles
    assert resolve(False, run_eagerly=False) is False
    assert resolve(True, run_eagerly=False) is True
    # a strategy, or another backend: Keras' own "auto"
    assert resolve("auto", run_eagerly=False, strategy="mirrored") == "auto"
    monkeypatch.setattr(_backend, "configured_backend", lambda: "jax")
    assert resolve("auto", run_eagerly=False) == "auto"
    monkeypatch.setattr(_backend, "configured_backend", lambda: "tensorflow")
    if BACKEND == "tensorflow":  # this machine has no accelerator
        assert resolve("auto", run_eagerly=False) is True


@pytest.mark.skipif(BACKEND != "tensorflow", reason="XLA is optional on TensorFlow")
def test_xla_fits_are_reproducible_and_close_to_the_traced_graph():
    y = make_panel(lengths=(40, 40, 40), start_offsets=(0, 0, 0))
    params = dict(run_eagerly=False, n_epochs=3, interval_calibration="windows")
    runs = [
        tiny_forecaster(**params, jit_compile=jit).fit(y, fh=[1, 2, 3])
        for jit in ("auto", "auto", False)
    ]
    assert runs[0].network_.jit_compile is True
    assert runs[2].network_.jit_compile is False
    xla, again, graph = (f.predict().to_numpy() for f in runs)
    np.testing.assert_array_equal(xla, again)  # the same random_state
    np.testing.assert_allclose(xla, graph, rtol=1e-5)  # not bit for bit


# ------------------------------------------------------------ window source --
def test_numpy_window_batches_shuffle_per_epoch_and_gather_windows():
    from sktime_gru._training import numpy_window_batches

    values = np.arange(40, dtype="float32").reshape(20, 2)  # (R, F): targets col 0
    starts = np.arange(0, 15, dtype="int32")
    kwargs = dict(window=3, decoder_length=2, n_targets=1, batch_size=4, epochs=2)
    data, steps = numpy_window_batches(values, starts, seed=7, **kwargs)
    assert steps == len(data) == 4
    epochs = []
    for epoch in range(2):
        data.start_epoch(epoch)  # what epoch_of_dataset's callback does
        data.on_epoch_begin()
        batches = [data[i] for i in range(steps)]
        (inputs, future), targets = batches[0]
        assert inputs.shape == (4, 3, 2) and future.shape == (4, 2, 1)
        assert targets.shape == (4, 2, 1)
        first = inputs[:, 0, 0] / 2  # each window's start row
        np.testing.assert_array_equal(inputs[:, :, 0], first[:, None] * 2 + [0, 2, 4])
        np.testing.assert_array_equal(targets[:, :, 0], first[:, None] * 2 + [6, 8])
        seen = np.concatenate([(b[0][0][:, 0, 0] / 2) for b in batches])
        assert sorted(seen.astype(int)) == list(range(15))  # every window once
        epochs.append(seen)
    assert not np.array_equal(epochs[0], epochs[1])  # reshuffled
    again, _ = numpy_window_batches(values, starts, seed=7, **kwargs)
    # Keras peeks at a batch of an unbuilt model's first fit (an extra
    # begin / end): epoch 0 is still shuffled as epoch 0, not as epoch 1
    again.on_epoch_begin()
    again.on_epoch_end()
    again.start_epoch(0)
    again.on_epoch_begin()
    np.testing.assert_array_equal(again[0][0][0], batches_first(epochs[0], values))
    capped, steps = numpy_window_batches(values, starts, seed=7, max_steps=2, **kwargs)
    assert steps == len(capped) == 2
    ordered, _ = numpy_window_batches(values, starts, seed=None, **kwargs)
    ordered.on_epoch_begin()
    np.testing.assert_array_equal(ordered[0][0][0][:, 0, 0] / 2, [0, 1, 2, 3])


def batches_first(order, values):
    rows = order[:4].astype(int)
    return values[rows[:, None] + np.arange(3)]


# --------------------------------------------------------------- TF log noise --
NOISE = ("oneDNN custom operations", "cpu_feature_guard", "absl::InitializeLog")

FIT = """
    import numpy as np, pandas as pd
    from sktime_gru import GRUEncoderDecoderForecaster
    y = pd.Series(10 + np.sin(np.arange(40) / 2.0),
                  index=pd.period_range("2000-01", periods=40, freq="M"))
    f = GRUEncoderDecoderForecaster(window_length=6, units=4, n_epochs=1,
                                    ensemble_size=1, random_state=0)
    f.fit(y, fh=[1, 2, 3])
    print(f.predict().to_numpy())
"""


@pytest.mark.skipif(not _have("tensorflow"), reason="TensorFlow is not installed")
def test_tensorflow_start_up_lines_are_muted_by_default():
    # TF_ENABLE_ONEDNN_OPTS=1 makes TensorFlow print its oneDNN notice on any
    # CPU (abseil writes it whatever TF_CPP_MIN_LOG_LEVEL says)
    out = _run(FIT, "tensorflow", TF_ENABLE_ONEDNN_OPTS="1", TF_CPP_MIN_LOG_LEVEL=None)
    assert out.returncode == 0, out.stderr
    assert not [
        line for line in out.stderr.splitlines() if any(n in line for n in NOISE)
    ]
    # the user asked for every log line: they are passed on
    loud = _run(
        "from sktime_gru._backend import import_keras; import_keras()",
        "tensorflow",
        TF_ENABLE_ONEDNN_OPTS="1",
        TF_CPP_MIN_LOG_LEVEL="0",
    )
    assert loud.returncode == 0, loud.stderr
    assert "oneDNN custom operations" in loud.stderr


@pytest.mark.skipif(
    not (_have("tensorflow") and _have("jax")), reason="needs TensorFlow and JAX"
)
def test_tensorflow_stays_quiet_when_keras_imports_it_on_jax():
    # Keras 3 imports TensorFlow (when installed) at the first layer it
    # serialises, whatever the backend: TF_CPP_MIN_LOG_LEVEL is set first
    out = _run(FIT, "jax", TF_CPP_MIN_LOG_LEVEL=None)
    assert out.returncode == 0, out.stderr
    assert not [line for line in out.stderr.splitlines() if "cpu_feature_guard" in line]


def test_import_keras_passes_other_stderr_output_on(capfd):
    pattern = _backend._TF_NOISE
    with _backend._filtered_stderr(pattern):
        line = b"I0000 00:00:1796391514.295453    42 port.cc:153] oneDNN custom ops\n"
        os.write(2, line)
        os.write(2, b"a real warning\n")
    assert capfd.readouterr().err == "a real warning\n"


# ------------------------------------------------------ artefacts across backends --
OTHER = {"tensorflow": "jax", "jax": "tensorflow", "torch": "jax"}[BACKEND]

LOAD = """
    import numpy as np
    from sktime_gru import GRUEncoderDecoderForecaster
    f = GRUEncoderDecoderForecaster.load_model({path!r})
    np.save({out!r}, f.predict().to_numpy())
    import keras
    assert keras.backend.backend() == {other!r}
"""

#: the same weights on two backends: float32 kernels summing in other orders
CROSS_BACKEND_RTOL = 1e-5


@pytest.mark.skipif(not _have(OTHER), reason=f"{OTHER} is not installed")
def test_artefact_saved_on_one_backend_loads_on_another(tmp_path):
    y = make_panel()
    f = tiny_forecaster(n_epochs=2, ensemble_size=2).fit(y, fh=[1, 2, 3])
    expected = f.predict().to_numpy()
    f.save_model(tmp_path / "artefact")
    out = tmp_path / "pred.npy"
    code = LOAD.format(path=str(tmp_path / "artefact"), out=str(out), other=OTHER)
    run = _run(code, OTHER)
    assert run.returncode == 0, run.stderr
    got = np.load(out)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=CROSS_BACKEND_RTOL)
