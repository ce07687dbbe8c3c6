"""Persistence: pickle, cloudpickle, deepcopy, sktime save/load, pickle-free artefact.

Every round trip must give *exactly* the same forecasts (and intervals), also in
a fresh Python process, and a restored forecaster must keep working: update
(with fine-tuning) and refit.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sktime.base import load
from sktime.exceptions import NotFittedError
from sktime.forecasting.base import ForecastingHorizon

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru import _serialization as ser
from sktime_gru._panel import TimeGrid
from sktime_gru._scaling import MinMaxStats
from tests.conftest import (
    BACKEND,
    make_panel,
    tiny_forecaster,
)

FH = [1, 2, 3]


def _x_for(index) -> pd.DataFrame:
    return pd.DataFrame({"x": np.cos(np.arange(len(index)) / 3.0)}, index=index)


def _future_x(y) -> pd.DataFrame:
    """X for the 9 months after the earliest series end (covers every series)."""
    times = pd.period_range("2002-01", periods=24, freq="M")
    index = pd.MultiIndex.from_product(
        [y.index.get_level_values(0).unique(), times], names=y.index.names
    )
    return _x_for(index)


@pytest.fixture(scope="module")
def data():
    y = make_panel()
    return y, _x_for(y.index), _future_x(y)


@pytest.fixture(scope="module")
def fitted(data):
    """Panel + exogenous X + calendar + held-out residuals: most fitted state."""
    y, X, _ = data
    return tiny_forecaster(validation_split=0.3, seasonal_period=12).fit(y, X=X, fh=FH)


def _forecasts(f, X_future):
    return f.predict(X=X_future), f.predict_interval(X=X_future, coverage=0.8)


def _assert_same_forecasts(a, b, X_future):
    for left, right in zip(_forecasts(a, X_future), _forecasts(b, X_future)):
        pd.testing.assert_frame_equal(left, right, check_exact=True)


def _assert_same(a, b, where="value"):
    """Deep equality that also compares types, dtypes and pandas metadata."""
    assert type(a) is type(b), (where, type(a), type(b))
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, pd.Index):
        pd.testing.assert_index_equal(a, b, exact=True, obj=where)
        assert getattr(a, "freq", None) == getattr(b, "freq", None), where
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, ForecastingHorizon):
        _assert_same(a._values, b._values, f"{where}.values")
        assert a.is_relative == b.is_relative and a.freq == b.freq, where
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            _assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{where}[{i}]")
    elif dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            _assert_same(
                getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}"
            )
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    elif a is pd.NaT:
        assert b is pd.NaT, where
    else:
        assert a == b, (where, a, b)


# ------------------------------------------------------------- round trips --
def _via_pickle(f, tmp_path):
    return pickle.loads(pickle.dumps(f))


def _via_cloudpickle(f, tmp_path):
    cloudpickle = pytest.importorskip("cloudpickle")
    return cloudpickle.loads(cloudpickle.dumps(f))


def _via_deepcopy(f, tmp_path):
    return copy.deepcopy(f)


def _via_sktime_memory(f, tmp_path):
    return load(f.save())


def _via_sktime_memory_cloudpickle(f, tmp_path):
    pytest.importorskip("cloudpickle")
    return load(f.save(serialization_format="cloudpickle"))


def _via_sktime_zip(f, tmp_path):
    f.save(tmp_path / "model")
    return load(tmp_path / "model.zip")


def _via_sktime_zip_str(f, tmp_path):
    f.save(str(tmp_path / "model"))
    return load(str(tmp_path / "model"))  # sktime appends ".zip" to a str


def _via_artefact(f, tmp_path):
    f.save_model(tmp_path / "artefact")
    return GRUEncoderDecoderForecaster.load_model(tmp_path / "artefact")


ROUND_TRIPS = {
    "pickle": _via_pickle,
    "cloudpickle": _via_cloudpickle,
    "deepcopy": _via_deepcopy,
    "sktime_save_memory": _via_sktime_memory,
    "sktime_save_memory_cloudpickle": _via_sktime_memory_cloudpickle,
    "sktime_save_zip_path": _via_sktime_zip,
    "sktime_save_zip_str": _via_sktime_zip_str,
    "save_model_artefact": _via_artefact,
}


@pytest.mark.parametrize("how", ROUND_TRIPS)
def test_round_trip_predicts_exactly_the_same(fitted, data, tmp_path, how):
    restored = ROUND_TRIPS[how](fitted, tmp_path)
    assert restored is not fitted and restored.is_fitted
    assert restored.network_ is not fitted.network_
    _assert_same_forecasts(fitted, restored, data[2])
    # every attribute but the network comes back equal, types included
    for name, value in fitted.__dict__.items():
        if name != "network_":
            _assert_same(value, restored.__dict__[name], name)


@pytest.mark.parametrize("how", ["pickle", "save_model_artefact"])
def test_update_with_fine_tuning_after_round_trip_matches_original(
    fitted, data, tmp_path, how
):
    y, X, X_future = data
    original = copy.deepcopy(fitted)
    restored = ROUND_TRIPS[how](fitted, tmp_path)
    new_y = y.groupby(level=0).tail(4)
    for f in (original, restored):
        f.update(new_y, X=X.loc[new_y.index], update_params=True)
    # equal also after fine-tuning: the optimizer state (Adam moments) travels too
    _assert_same_forecasts(original, restored, X_future)
    for a, b in zip(original.network_.get_weights(), restored.network_.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_unpickled_forecaster_can_be_fitted_again(fitted, data):
    y, X, X_future = data
    restored = pickle.loads(pickle.dumps(fitted))
    restored.fit(y, X=X, fh=FH)
    # same data and random_state: the refit reproduces the original fit
    _assert_same_forecasts(fitted, restored, X_future)


def test_loaded_artefact_can_be_fitted_again(fitted, data, tmp_path):
    y, X, X_future = data
    restored = _via_artefact(fitted, tmp_path)
    restored.fit(y, X=X, fh=FH)
    _assert_same_forecasts(fitted, restored, X_future)


@pytest.mark.parametrize("how", ["sklearn_clone", "method"])
def test_clone_is_unfitted_with_same_params(fitted, how):
    copy_ = clone(fitted) if how == "sklearn_clone" else fitted.clone()
    assert not copy_.is_fitted
    assert not hasattr(copy_, "network_")
    assert copy_.get_params() == fitted.get_params()


def test_fresh_process_loads_pickle_zip_and_artefact(fitted, data, tmp_path):
    _, _, X_future = data
    fitted.save(tmp_path / "model")
    fitted.save_model(tmp_path / "artefact")
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(fitted))
    X_future.to_pickle(tmp_path / "X_future.pkl")
    expected = fitted.predict(X=X_future).to_numpy()
    script = textwrap.dedent(
        f"""
        import pickle, sys
        from pathlib import Path
        import numpy as np
        import pandas as pd
        from sktime.base import load
        from sktime_gru import GRUEncoderDecoderForecaster

        d = Path({str(tmp_path)!r})
        X = pd.read_pickle(d / "X_future.pkl")
        assert "tensorflow" not in sys.modules
        models = {{
            "zip": load(d / "model.zip"),
            "pickle": pickle.loads((d / "model.pkl").read_bytes()),
            "artefact": GRUEncoderDecoderForecaster.load_model(d / "artefact"),
        }}
        for name, f in models.items():
            np.save(d / f"pred_{{name}}.npy", f.predict(X=X).to_numpy())
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    for name in ("zip", "pickle", "artefact"):
        got = np.load(tmp_path / f"pred_{name}.npy")
        np.testing.assert_array_equal(got, expected, err_msg=name)


# ---------------------------------------------------------------- artefact --
def test_artefact_layout_and_generic_state(fitted, tmp_path):
    path = tmp_path / "artefact"
    fitted.save_model(path)
    assert sorted(p.name for p in path.iterdir()) == [
        "forecaster.json",
        "network.keras",
    ]
    doc = json.loads((path / "forecaster.json").read_text())
    assert doc["format"] == ser.FORMAT_NAME
    assert doc["format_version"] == ser.FORMAT_VERSION
    assert {"sktime_gru", "keras", BACKEND, "sktime"} <= set(doc["versions"])
    assert doc["versions"]["keras_backend"] == BACKEND
    network = doc["networks"]["network.keras"]
    assert network["sha256"] == ser._sha256_file(path / "network.keras")
    params = fitted.get_params(deep=False)
    assert set(doc["params"]) == set(params)
    # the state is generic: every attribute but the params, networks by reference
    assert set(doc["state"]) == set(fitted.__dict__) - set(params)
    assert doc["state"]["network_"] == {"$type": "keras_model", "file": "network.keras"}
    assert {"_cutoff", "_fh", "_state", "_y_metadata", "scaler_"} <= set(doc["state"])


def test_pretrained_and_fitted_networks_are_saved_and_restored(tmp_path):
    y = make_panel(lengths=(40,) * 4, start_offsets=(0,) * 4)
    seen, unseen = y.loc[["s0", "s1", "s2"]], y.loc[["s3"]]
    f = tiny_forecaster(scaling="per_series").pretrain(seen, fh=[1, 2])
    f.save_model(tmp_path / "pretrained")
    g = GRUEncoderDecoderForecaster.load_model(tmp_path / "pretrained")
    assert g.state == "pretrained"
    assert {p.name for p in (tmp_path / "pretrained").iterdir()} == {
        "forecaster.json",
        "network.keras",  # network_ and pretrained_network_ are one model here
    }
    assert g.pretrained_network_ is g.network_
    # fitting on new series starts from the same pretrained weights
    for h in (f, g):
        h.fit(unseen)
    pd.testing.assert_frame_equal(f.predict(fh=[1, 2]), g.predict(fh=[1, 2]))
    f.save_model(tmp_path / "fitted")
    k = GRUEncoderDecoderForecaster.load_model(tmp_path / "fitted")
    assert k.pretrained_network_ is not k.network_
    for a, b in zip(
        f.pretrained_network_.get_weights(), k.pretrained_network_.get_weights()
    ):
        np.testing.assert_array_equal(a, b)
    pd.testing.assert_frame_equal(f.predict(fh=[1, 2]), k.predict(fh=[1, 2]))


def test_ensemble_round_trip_and_fine_tuning(tmp_path):
    y = make_panel(lengths=(36, 36, 36), start_offsets=(0, 0, 0))
    f = tiny_forecaster(ensemble_size=2).fit(y.groupby(level=0).head(30), fh=[1, 2])
    f.save_model(tmp_path / "ensemble")
    g = GRUEncoderDecoderForecaster.load_model(tmp_path / "ensemble")
    assert g.network_.compiled == f.network_.compiled
    pd.testing.assert_frame_equal(f.predict(), g.predict(), check_exact=True)
    before = f.predict()
    new = y.groupby(level=0).tail(6)
    for h in (f, g):
        h.update(new, update_params=True)
    pd.testing.assert_frame_equal(f.predict(), g.predict(), check_exact=True)
    assert not f.predict().index.equals(before.index)  # the update was real


def test_new_fitted_attributes_are_saved_without_code_changes(fitted, tmp_path):
    f = copy.deepcopy(fitted)
    # the kinds of attributes a later feature may add
    f.quantiles_ = np.linspace(0, 1, 7, dtype=np.float32).reshape(7, 1)
    f._extra = {
        3: (pd.Timestamp("2001-03-04 05:06", tz="UTC"), pd.Period("2001Q2", "Q")),
        "counts": np.int16(7),
        "nan": float("nan"),
    }
    f.save_model(tmp_path / "a")
    g = GRUEncoderDecoderForecaster.load_model(tmp_path / "a")
    _assert_same(f.quantiles_, g.quantiles_, "quantiles_")
    _assert_same(f._extra, g._extra, "_extra")


def test_unknown_attribute_type_is_refused_by_name(fitted, tmp_path):
    f = copy.deepcopy(fitted)
    f.lookup_ = {"a": [1, {2, 3}]}  # a set is not whitelisted
    with pytest.raises(TypeError, match=r"lookup_\['a'\]\[1\].*set.*whitelist"):
        f.save_model(tmp_path / "a")
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("param", ["callbacks", "optimizer"])
def test_object_params_are_refused_with_a_clear_error(series, tmp_path, param):
    import keras

    value = {
        "callbacks": [keras.callbacks.TerminateOnNaN()],
        "optimizer": keras.optimizers.Adam(learning_rate=1e-3),
    }[param]
    f = tiny_forecaster(n_epochs=1, **{param: value}).fit(series, fh=[1])
    with pytest.raises(TypeError, match=rf"cannot save parameter {param}=.*pickle"):
        f.save_model(tmp_path / "a")


def test_save_refuses_an_existing_artefact_unless_overwrite(fitted, tmp_path):
    path = tmp_path / "artefact"
    fitted.save_model(path)
    before = (path / "forecaster.json").read_bytes()
    with pytest.raises(FileExistsError, match="already holds.*overwrite=True"):
        fitted.save_model(path)
    assert (path / "forecaster.json").read_bytes() == before  # untouched
    other = copy.deepcopy(fitted)
    other.marker_ = np.arange(3)  # tells the new artefact from the old
    other.save_model(path, overwrite=True)  # replaced
    assert np.array_equal(_load(path).marker_, np.arange(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artefact"]  # no temps


def test_overwrite_that_fails_leaves_the_old_artefact(fitted, tmp_path, monkeypatch):
    path = tmp_path / "artefact"
    fitted.save_model(path)
    before = {p.name: p.read_bytes() for p in path.iterdir()}

    def broken_dump(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(ser.json, "dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        fitted.save_model(path, overwrite=True)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in path.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artefact"]  # no temps
    assert _load(path).is_fitted

    # the move into place fails after the old artefact was moved aside
    real_replace, calls = ser.os.replace, []

    def replace_fails_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # 1: old artefact aside, 2: new one into place
            raise OSError("rename failed (simulated)")
        return real_replace(src, dst)

    monkeypatch.setattr(ser.os, "replace", replace_fails_second)
    with pytest.raises(OSError, match="rename failed"):
        fitted.save_model(path, overwrite=True)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in path.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artefact"]


def test_save_writes_into_no_other_directory_even_with_overwrite(fitted, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    for overwrite in (False, True):
        with pytest.raises(FileExistsError, match="not a sktime_gru artefact"):
            fitted.save_model(other, overwrite=overwrite)
    assert (other / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(FileExistsError, match="is a file"):
        fitted.save_model(a_file)
    empty = tmp_path / "empty"
    empty.mkdir()
    fitted.save_model(empty)
    assert (empty / "forecaster.json").is_file()
    # no temporary directories are left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "file", "other"]


def test_unfitted_forecaster_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError, match="not fitted yet.*call fit"):
        tiny_forecaster().save_model(tmp_path / "a")


# ----------------------------------------------------------------- refusals --
@pytest.fixture
def artefact(fitted, tmp_path):
    path = tmp_path / "artefact"
    fitted.save_model(path)
    return path


def _edit_json(path, change, rehash=False):
    doc = json.loads((path / "forecaster.json").read_text())
    change(doc)
    if rehash:
        doc["content_sha256"] = ser._content_sha256(doc)
    (path / "forecaster.json").write_text(json.dumps(doc))


def _load(path):
    return GRUEncoderDecoderForecaster.load_model(path)


def test_truncated_network_file_is_refused(artefact):
    net = artefact / "network.keras"
    net.write_bytes(net.read_bytes()[:-100])
    with pytest.raises(ser.ArtefactError, match="network.keras.*sha256.*truncated"):
        _load(artefact)


def test_tampered_json_is_refused(artefact):
    def shift_cutoff(doc):
        doc["state"]["_cutoff"]["ordinals"]["data"] = doc["state"]["_cutoff"][
            "ordinals"
        ]["data"][::-1]

    _edit_json(artefact, shift_cutoff)
    with pytest.raises(ser.ArtefactError, match="fails its checksum"):
        _load(artefact)


def test_unknown_type_tag_is_refused_even_with_valid_checksum(artefact):
    def smuggle(doc):
        doc["state"]["seed_"] = {"$type": "pickle", "data": "gASVAAAA"}

    _edit_json(artefact, smuggle, rehash=True)
    with pytest.raises(ser.ArtefactError, match="cannot be decoded.*unknown type"):
        _load(artefact)


def test_object_dtype_array_is_refused_even_with_valid_checksum(artefact):
    def smuggle(doc):
        doc["state"]["tail_"]["dtype"] = "|O"

    _edit_json(artefact, smuggle, rehash=True)
    with pytest.raises(ser.ArtefactError, match="cannot be decoded.*not allowed"):
        _load(artefact)


def test_foreign_json_is_refused(artefact):
    (artefact / "forecaster.json").write_text(json.dumps({"name": "something"}))
    with pytest.raises(ser.ArtefactError, match="not a sktime_gru forecaster"):
        _load(artefact)


def test_invalid_json_is_refused(artefact):
    (artefact / "forecaster.json").write_text('{"format": ')
    with pytest.raises(ser.ArtefactError, match="not valid JSON"):
        _load(artefact)


@pytest.mark.parametrize(
    "version, match",
    [("2.0", "upgrade sktime_gru"), ("0.9", "older sktime_gru"), ("one", "invalid")],
)
def test_other_format_versions_are_refused(artefact, version, match):
    _edit_json(artefact, lambda doc: doc.update(format_version=version), rehash=True)
    with pytest.raises(ser.ArtefactError, match=match):
        _load(artefact)


@pytest.mark.parametrize("missing", ["forecaster.json", "network.keras"])
def test_missing_file_is_refused(artefact, missing):
    (artefact / missing).unlink()
    with pytest.raises(FileNotFoundError, match=f"{missing} is missing"):
        _load(artefact)


def test_missing_directory_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a directory"):
        _load(tmp_path / "nowhere")


def test_other_class_is_refused(artefact):
    class Sub(GRUEncoderDecoderForecaster):
        pass

    with pytest.raises(ser.ArtefactError, match="load it with that class"):
        Sub.load_model(artefact)


def test_other_library_versions_warn(artefact):
    _edit_json(
        artefact,
        lambda doc: doc["versions"].update(keras="2.15.0"),
        rehash=True,
    )
    with pytest.warns(UserWarning, match=r"keras 2\.15\.0"):
        assert _load(artefact).is_fitted


# ---------------------------------------------------------------- encoder --
def _roundtrip(value):
    text = json.dumps(ser._encode(value, "value"), allow_nan=False)
    return ser._decode(json.loads(text))


ENCODABLE = {
    "nested": {"a": [1, 2.5, None, True, "s"], 3: (1, (2,)), "t": ()},
    "nonfinite": [float("nan"), float("inf"), -float("inf")],
    "tag_key_in_dict": {"$type": "float", "value": "nan"},
    "float32_2d": np.arange(6, dtype=np.float32).reshape(2, 3),
    "bigendian": np.arange(3, dtype=">f8"),
    "int8": np.array([-1, 2], dtype=np.int8),
    "bool": np.array([True, False]),
    "datetime64": np.array(["2000-01-01", "NaT"], dtype="datetime64[s]"),
    "unicode": np.array(["ab", "c"]),
    "object_array": np.array([1, "a", None], dtype=object),
    "np_scalars": [np.float64(1.5), np.int32(-3), np.bool_(True)],
    "range_index": pd.RangeIndex(3, 30, 3, name="t"),
    "period_index": pd.period_range("2000Q1", periods=3, freq="Q", name="q"),
    "datetime_index_tz": pd.date_range(
        "2000-03-25", periods=3, freq="D", tz="Europe/Berlin"
    ),
    "datetime_index_fixed_offset": pd.DatetimeIndex(
        ["2000-01-01T00:00+01:00", "2000-01-02T00:00+01:00"]
    ),
    "datetime_index_ns": pd.DatetimeIndex(["2000-01-01 00:00:00.000000001"]),
    "timedelta_index": pd.timedelta_range("1h", periods=3, freq="h"),
    "str_index": pd.Index(["a", "b"], name=("x", 1)),
    "object_index": pd.Index([1, "a"], dtype=object),
    "float_index": pd.Index([0.5, np.nan]),
    "multi_index": pd.MultiIndex.from_product(
        [["a", "b"], pd.period_range("2000-01", periods=2, freq="M")],
        names=["i", "t"],
    ),
    "timestamp_tz": pd.Timestamp("2001-02-03 04:05:06.789", tz="America/New_York"),
    "nat": pd.NaT,
    "timedelta": pd.Timedelta("1D 2h"),
    "period": pd.Period("2000-07", freq="M"),
    "offset": pd.offsets.MonthEnd(2),
    "fh_relative": ForecastingHorizon([1, 3], is_relative=True),
    "fh_absolute": ForecastingHorizon(
        pd.period_range("2001-01", periods=2, freq="M"), is_relative=False
    ),
    "dataframe": pd.DataFrame(
        {"a": [1.0, np.nan], "b": ["x", "y"], "c": [1, 2]},
        index=pd.period_range("2000", periods=2, freq="Y"),
    ),
    "series": pd.Series([1, 2], index=["a", "b"], name="s", dtype=np.int16),
    "minmax": MinMaxStats(np.zeros((1, 2)), np.ones((1, 2)), (-1.0, 1.0)),
    "timegrid": TimeGrid("datetime", 1, freq=pd.offsets.Day(), origin=None),
}


@pytest.mark.parametrize("name", ENCODABLE)
def test_encoder_round_trips_whitelisted_types(name):
    value = ENCODABLE[name]
    _assert_same(value, _roundtrip(value), name)


def test_encoder_round_trips_sktime_dtypekind():
    from sktime.datatypes._dtypekind import DtypeKind

    value = [DtypeKind.FLOAT, DtypeKind.INT]
    _assert_same(value, _roundtrip(value), "kinds")


@pytest.mark.parametrize(
    "value, match",
    [
        ({1, 2}, "set"),
        (lambda x: x, "function"),
        (np.array([(1, 2.0)], dtype="i4,f8"), "not storable"),
        (pd.Categorical(["a"]), "Categorical"),
        (pd.offsets.CustomBusinessDay(holidays=["2020-01-01"]), "cannot be rebuilt"),
    ],
    ids=["set", "function", "structured", "categorical", "custom_offset"],
)
def test_encoder_refuses_other_types(value, match):
    with pytest.raises(ser._Unstorable) as info:
        ser._encode({"key": value}, "attr")
    assert info.value.where.startswith("attr['key']")
    assert match in f"{info.value.reason} {type(info.value.value).__name__}"


def test_register_dataclass_makes_a_new_dataclass_storable():
    @dataclasses.dataclass(frozen=True)
    class Quantiles:
        levels: np.ndarray
        method: str

    value = Quantiles(np.array([0.1, 0.9]), "empirical")
    with pytest.raises(ser._Unstorable):
        ser._encode(value, "q")
    ser.register_dataclass(Quantiles)
    try:
        _assert_same(value, _roundtrip(value), "q")
    finally:
        ser._DATACLASSES.pop(ser._type_key(Quantiles))


@pytest.mark.parametrize("how", ["pickle", "save_model_artefact"])
def test_own_levels_of_series_survive_a_round_trip(tmp_path, how):
    from tests.test_forecaster import _panel_with_one_trend

    y = _panel_with_one_trend()
    f = tiny_forecaster(
        window_length=12, output_length=6, n_epochs=1, max_steps_per_epoch=3
    )
    f.fit(y, fh=range(1, 7))
    assert f.backbone_["series_level"][-1] is not None
    restored = ROUND_TRIPS[how](f, tmp_path)
    assert restored.backbone_["series_level"] == f.backbone_["series_level"]
    pd.testing.assert_frame_equal(restored.predict(), f.predict())
