"""Pickle-free save and load of a fitted forecaster.

An artefact is a **directory** holding:

``forecaster.json``
    Format name and version, the versions of the libraries that wrote it, the
    constructor parameters (``get_params()``), every other entry of the
    forecaster's ``__dict__`` (sktime's base-class state such as ``_cutoff``,
    ``_fh`` and ``_y_metadata`` as well as the fitted attributes), for every
    Keras network its file, sha256, compile state and optimizer variables, and a
    sha256 of the JSON content itself.
``network.keras``
    The trained network ``network_`` in Keras' native format; any other
    attribute holding a Keras model (e.g. ``pretrained_network_``) gets its own
    ``<attribute>.keras`` (one file per model object, shared when two attributes
    hold the same model).

The fitted state is stored *generically*: a small type-tagged JSON encoder walks
every attribute and accepts only a whitelist of types (JSON scalars, containers,
numpy arrays and scalars, pandas indexes / timestamps / periods / offsets /
frames, sktime's ``ForecastingHorizon``, registered dataclasses and enums), so a
fitted attribute added later is saved without touching this module, and an
attribute of any other type fails at save time with an error naming it, rather
than being lost. More dataclasses or enums are made storable with one line:
:func:`register_dataclass` / :func:`register_enum`.

Loading never executes code from the artefact: the JSON is decoded with the
same whitelist (no ``eval``, no pickle), the network is loaded with
``keras.saving.load_model(..., safe_mode=True, compile=False)`` and compiled
afresh from the forecaster's own ``optimizer`` / ``loss`` parameters. The two
checksums detect corruption and accidental edits; they are not a signature
(anyone who can write the files can recompute them), which is why the loader is
safe by construction rather than by trust.

Destination policy of :func:`save_forecaster`: ``path`` is created (parents
included) when missing; an existing *empty* directory is used; an existing
directory that holds a previous sktime_gru artefact (only ``forecaster.json``
and ``.keras`` files, the JSON naming this format) is replaced; anything else
(a file, or a directory with other content) is refused with
``FileExistsError``, so a mistyped path never deletes user files. The artefact
is written to a temporary sibling directory first and moved into place, so an
interrupted save never leaves a half-written artefact at ``path``.
"""

from __future__ import annotations

import base64
import contextvars
import dataclasses
import datetime
import enum
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ArtefactError",
    "load_forecaster",
    "register_dataclass",
    "register_enum",
    "restore_network",
    "save_forecaster",
    "snapshot_network",
]

FORMAT_NAME = "sktime_gru.forecaster"
# major: incompatible layout (older readers refuse); minor: additive changes
FORMAT_VERSION = "1.0"
JSON_NAME = "forecaster.json"
NETWORK_NAME = "network.keras"
# a Keras file name in an artefact: no directories, nothing to traverse
_MODEL_FILE_RE = re.compile(r"^[A-Za-z0-9_]{1,100}\.keras$")
_TAG = "$type"  # key that marks a type-tagged JSON object

# numpy dtype kinds stored as raw little-endian bytes: bool, ints, floats,
# complex, datetime64, timedelta64, fixed-width unicode and bytes
_RAW_KINDS = set("biufcMmUS")


class ArtefactError(ValueError):
    """A saved forecaster artefact is corrupt, foreign, or from a newer format."""


# ------------------------------------------------------------------ registry --
_DATACLASSES: dict[str, type] = {}
_ENUMS: dict[str, type] = {}


def _type_key(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def register_dataclass(cls: type) -> type:
    """Make instances of the dataclass ``cls`` storable; usable as a decorator.

    Instances are stored field by field (each field value must itself be
    storable) and rebuilt with ``cls(**fields)``.
    """
    if not dataclasses.is_dataclass(cls) or not isinstance(cls, type):
        raise TypeError(f"{cls!r} is not a dataclass")
    _DATACLASSES[_type_key(cls)] = cls
    return cls


def register_enum(cls: type) -> type:
    """Make members of the enum ``cls`` storable (by value); usable as a decorator."""
    if not (isinstance(cls, type) and issubclass(cls, enum.Enum)):
        raise TypeError(f"{cls!r} is not an Enum")
    _ENUMS[_type_key(cls)] = cls
    return cls


def _register_defaults() -> None:
    from sktime_gru._panel import TimeGrid
    from sktime_gru._scaling import MinMaxStats

    register_dataclass(MinMaxStats)
    register_dataclass(TimeGrid)
    try:
        # sktime's _y_metadata["feature_kind"] holds DtypeKind members
        from sktime.datatypes._dtypekind import DtypeKind
    except ImportError:  # private module: absent in other sktime versions
        return
    register_enum(DtypeKind)


_register_defaults()


# ------------------------------------------------------------------- encoder --
# the Keras models met while encoding one forecaster / decoded for one load
_SAVING_MODELS: contextvars.ContextVar = contextvars.ContextVar(
    "sktime_gru_saving_models", default=None
)
_LOADED_MODELS: contextvars.ContextVar = contextvars.ContextVar(
    "sktime_gru_loaded_models", default=None
)


def _is_keras_model(value) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.Model)


class _ModelTable:
    """Keras models of one save: one file per model object."""

    def __init__(self):
        self.files: dict[int, str] = {}
        self.models: dict[str, object] = {}

    def file_for(self, model, where: str) -> str:
        if id(model) not in self.files:
            attr = where.split("[")[0].split(".")[0]
            name = NETWORK_NAME if where == "network_" else f"{attr}.keras"
            if not _MODEL_FILE_RE.match(name) or name in self.models:
                name = f"model_{len(self.models)}.keras"
            self.files[id(model)] = name
            self.models[name] = model
        return self.files[id(model)]


class _Unstorable(TypeError):
    """Raised inside the encoder; re-raised with the attribute's name."""

    def __init__(self, where: str, value, reason: str = ""):
        self.where, self.value, self.reason = where, value, reason
        super().__init__(where)


def _b64(arr: np.ndarray) -> str:
    return base64.b64encode(arr.tobytes()).decode("ascii")


def _encode_ndarray(arr: np.ndarray, where: str) -> dict:
    if arr.dtype.kind in _RAW_KINDS and arr.dtype.fields is None:
        # little-endian so that the bytes mean the same on every machine
        le = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"), copy=False))
        return {
            _TAG: "ndarray",
            "dtype": arr.dtype.str,  # the data is little-endian whatever this says
            "shape": list(arr.shape),
            "data": _b64(le),
        }
    if arr.dtype.kind == "O":
        return {
            _TAG: "ndarray",
            "dtype": "object",
            "shape": list(arr.shape),
            "items": [
                _encode(v, f"{where}[{i}]") for i, v in enumerate(arr.ravel().tolist())
            ],
        }
    raise _Unstorable(where, arr, f"numpy dtype {arr.dtype} is not storable")


def _encode_values(values, dtype, where: str) -> dict:
    """1-D values of an Index / column with their dtype string."""
    if isinstance(dtype, np.dtype) and dtype.kind in _RAW_KINDS:
        return {"dtype": dtype.str, "array": _encode_ndarray(np.asarray(values), where)}
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(
        dtype, pd.StringDtype
    ):
        items = [_encode(v, f"{where}[{i}]") for i, v in enumerate(list(values))]
        return {"dtype": str(dtype), "items": items}
    raise _Unstorable(where, values, f"pandas dtype {dtype} is not storable")


def _encode_tz(tz, where):
    if tz is None:
        return None
    if isinstance(tz, datetime.timezone):
        return {"utcoffset_s": tz.utcoffset(None).total_seconds()}
    return {"name": str(tz)}


def _encode_offset(off, where) -> dict:
    from pandas.tseries.frequencies import to_offset

    freqstr = off.freqstr
    try:
        same = to_offset(freqstr) == off
    except (ValueError, TypeError):
        same = False
    if not same:
        raise _Unstorable(
            where, off, f"the offset {off!r} cannot be rebuilt from {freqstr!r}"
        )
    return {_TAG: "offset", "freq": freqstr}


def _encode_index(idx: pd.Index, where: str) -> dict:
    name = _encode(idx.name, f"{where}.name")
    kind = type(idx)
    if kind is pd.RangeIndex:
        return {
            _TAG: "RangeIndex",
            "start": int(idx.start),
            "stop": int(idx.stop),
            "step": int(idx.step),
            "name": name,
        }
    if kind is pd.MultiIndex:
        return {
            _TAG: "MultiIndex",
            "levels": [
                _encode_index(lvl, f"{where}.levels[{i}]")
                for i, lvl in enumerate(idx.levels)
            ],
            "codes": [_encode_ndarray(np.asarray(c), where) for c in idx.codes],
            "names": [_encode(n, f"{where}.names") for n in idx.names],
        }
    if kind is pd.PeriodIndex:
        return {
            _TAG: "PeriodIndex",
            "freq": idx.freqstr,
            "ordinals": _encode_ndarray(idx.asi8, where),
            "name": name,
        }
    if kind is pd.DatetimeIndex:
        return {
            _TAG: "DatetimeIndex",
            "unit": idx.unit,
            "tz": _encode_tz(idx.tz, where),
            "i8": _encode_ndarray(idx.asi8, where),  # UTC epoch when tz-aware
            "freq": None if idx.freq is None else _encode_offset(idx.freq, where),
            "name": name,
        }
    if kind is pd.TimedeltaIndex:
        return {
            _TAG: "TimedeltaIndex",
            "unit": idx.unit,
            "i8": _encode_ndarray(idx.asi8, where),
            "freq": None if idx.freq is None else _encode_offset(idx.freq, where),
            "name": name,
        }
    if kind is pd.Index:
        return {_TAG: "Index", "name": name, **_encode_values(idx, idx.dtype, where)}
    raise _Unstorable(where, idx, f"index type {kind.__name__} is not storable")


def _encode_pandas(value, where: str) -> dict:
    kind = type(value)
    if kind is pd.Series:
        return {
            _TAG: "Series",
            "name": _encode(value.name, f"{where}.name"),
            "index": _encode_index(value.index, f"{where}.index"),
            "values": _encode_values(value.to_numpy(), value.dtype, where),
        }
    if kind is pd.DataFrame:
        return {
            _TAG: "DataFrame",
            "index": _encode_index(value.index, f"{where}.index"),
            "columns": _encode_index(value.columns, f"{where}.columns"),
            "data": [
                _encode_values(col.to_numpy(), col.dtype, f"{where}.iloc[:, {j}]")
                for j, (_, col) in enumerate(value.items())
            ],
        }
    if value is pd.NaT:
        return {_TAG: "NaT"}
    if kind is pd.Timestamp:
        return {
            _TAG: "Timestamp",
            "unit": value.unit,
            "tz": _encode_tz(value.tz, where),
            "i8": int(value.asm8.view("i8")),  # UTC epoch when tz-aware
        }
    if kind is pd.Timedelta:
        return {_TAG: "Timedelta", "unit": value.unit, "i8": int(value.asm8.view("i8"))}
    if kind is pd.Period:
        return {_TAG: "Period", "freq": value.freqstr, "ordinal": int(value.ordinal)}
    if isinstance(value, pd.DateOffset):
        return _encode_offset(value, where)
    return _encode_index(value, where)


def _encode(value, where: str):
    """Encode ``value`` as type-tagged JSON; raise ``_Unstorable`` for others."""
    kind = type(value)
    # exact type checks: subclasses (IntEnum, np.float64 < float, OrderedDict)
    # must not silently decode as their base type
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if kind is float:
        if np.isfinite(value):
            return value
        return {_TAG: "float", "value": repr(value)}  # nan, inf, -inf
    if kind is list:
        return [_encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if kind is tuple:
        return {
            _TAG: "tuple",
            "items": [_encode(v, f"{where}[{i}]") for i, v in enumerate(value)],
        }
    if kind is dict:
        if all(type(k) is str for k in value) and _TAG not in value:
            return {k: _encode(v, f"{where}[{k!r}]") for k, v in value.items()}
        return {
            _TAG: "dict",
            "items": [
                [_encode(k, f"{where}.keys()"), _encode(v, f"{where}[{k!r}]")]
                for k, v in value.items()
            ],
        }
    if kind is np.ndarray:
        return _encode_ndarray(value, where)
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        arr = _encode_ndarray(np.asarray(value), where)
        return {**arr, _TAG: "npscalar"}
    if kind.__module__.startswith("pandas") and (
        isinstance(value, (pd.Index, pd.Series, pd.DataFrame, pd.DateOffset))
        or kind in (pd.Timestamp, pd.Timedelta, pd.Period)
        or value is pd.NaT
    ):
        return _encode_pandas(value, where)
    models = _SAVING_MODELS.get()
    if models is not None and _is_keras_model(value):
        return {_TAG: "keras_model", "file": models.file_for(value, where)}
    key = _type_key(kind)
    if key == "sktime.forecasting.base._fh.ForecastingHorizon":
        return {
            _TAG: "ForecastingHorizon",
            "values": _encode_index(value._values, f"{where}.values"),
            "is_relative": bool(value.is_relative),
            "freq": value.freq,
        }
    if _ENUMS.get(key) is kind:
        return {_TAG: "enum", "class": key, "value": _encode(value.value, where)}
    if _DATACLASSES.get(key) is kind:
        fields = {
            f.name: _encode(getattr(value, f.name), f"{where}.{f.name}")
            for f in dataclasses.fields(value)
            if f.init
        }
        return {_TAG: "dataclass", "class": key, "fields": fields}
    raise _Unstorable(where, value)


# ------------------------------------------------------------------- decoder --
def _unb64(spec: dict) -> np.ndarray:
    dtype = np.dtype(spec["dtype"])
    if dtype.kind not in _RAW_KINDS or dtype.fields is not None:
        raise ValueError(f"dtype {spec['dtype']!r} is not allowed")
    shape = tuple(int(s) for s in spec["shape"])
    raw = base64.b64decode(spec["data"], validate=True)
    little = np.frombuffer(raw, dtype=dtype.newbyteorder("<")).reshape(shape)
    # astype copies: frombuffer gives a read-only view of the bytes
    return little.astype(dtype)


def _decode_ndarray(spec: dict) -> np.ndarray:
    if spec["dtype"] == "object":
        items = [_decode(v) for v in spec["items"]]
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
        return arr.reshape(tuple(int(s) for s in spec["shape"]))
    return _unb64(spec)


def _decode_values(spec: dict):
    if "array" in spec:
        return _decode_ndarray(spec["array"])
    dtype = spec["dtype"]
    if dtype not in ("object", "str", "string"):
        raise ValueError(f"dtype {dtype!r} is not allowed")
    return pd.array([_decode(v) for v in spec["items"]], dtype=dtype)


def _decode_tz(spec):
    if spec is None:
        return None
    if "utcoffset_s" in spec:
        return datetime.timezone(datetime.timedelta(seconds=float(spec["utcoffset_s"])))
    return str(spec["name"])


def _decode_offset(spec):
    from pandas.tseries.frequencies import to_offset

    if spec is None:
        return None
    return to_offset(str(spec["freq"]))


def _localize(index_or_ts, tz):
    if tz is None:
        return index_or_ts
    return index_or_ts.tz_localize("UTC").tz_convert(tz)


def _decode_index(spec: dict) -> pd.Index:
    tag = spec[_TAG]
    name = _decode(spec.get("name"))
    if tag == "RangeIndex":
        return pd.RangeIndex(
            int(spec["start"]), int(spec["stop"]), int(spec["step"]), name=name
        )
    if tag == "MultiIndex":
        return pd.MultiIndex(
            levels=[_decode_index(s) for s in spec["levels"]],
            codes=[_decode_ndarray(c) for c in spec["codes"]],
            names=[_decode(n) for n in spec["names"]],
            verify_integrity=True,
        )
    if tag == "PeriodIndex":
        ordinals = _decode_ndarray(spec["ordinals"]).astype(np.int64)
        return pd.PeriodIndex.from_ordinals(ordinals, freq=spec["freq"], name=name)
    if tag in ("DatetimeIndex", "TimedeltaIndex"):
        unit = str(spec["unit"])
        if unit not in ("s", "ms", "us", "ns"):
            raise ValueError(f"time unit {unit!r} is not allowed")
        i8 = _decode_ndarray(spec["i8"]).astype(np.int64)
        if tag == "DatetimeIndex":
            idx = pd.DatetimeIndex(i8.view(f"M8[{unit}]"), name=name)
            idx = _localize(idx, _decode_tz(spec["tz"]))
            freq = _decode_offset(spec["freq"])
            return idx if freq is None else pd.DatetimeIndex(idx, freq=freq)
        idx = pd.TimedeltaIndex(i8.view(f"m8[{unit}]"), name=name)
        freq = _decode_offset(spec["freq"])
        return idx if freq is None else pd.TimedeltaIndex(idx, freq=freq)
    if tag == "Index":
        return pd.Index(_decode_values(spec), dtype=spec["dtype"], name=name)
    raise ValueError(f"unknown index type tag {tag!r}")


def _decode_tagged(spec: dict):
    tag = spec[_TAG]
    if tag == "float":
        if spec["value"] not in ("nan", "inf", "-inf"):
            raise ValueError(f"bad float {spec['value']!r}")
        return float(spec["value"])
    if tag == "tuple":
        return tuple(_decode(v) for v in spec["items"])
    if tag == "dict":
        return {_decode(k): _decode(v) for k, v in spec["items"]}
    if tag == "ndarray":
        return _decode_ndarray(spec)
    if tag == "npscalar":
        return _decode_ndarray(spec)[()]
    if tag in (
        "RangeIndex",
        "MultiIndex",
        "PeriodIndex",
        "DatetimeIndex",
        "TimedeltaIndex",
        "Index",
    ):
        return _decode_index(spec)
    if tag == "Series":
        values = _decode_values(spec["values"])
        return pd.Series(
            values,
            index=_decode_index(spec["index"]),
            name=_decode(spec["name"]),
            dtype=spec["values"]["dtype"],
            copy=False,
        )
    if tag == "DataFrame":
        index = _decode_index(spec["index"])
        columns = _decode_index(spec["columns"])
        data = {
            j: pd.Series(_decode_values(c), index=index, dtype=c["dtype"], copy=False)
            for j, c in enumerate(spec["data"])
        }
        frame = pd.DataFrame(data, index=index)
        frame.columns = columns
        return frame
    if tag == "NaT":
        return pd.NaT
    if tag == "Timestamp":
        unit = str(spec["unit"])
        ts = pd.Timestamp(np.int64(spec["i8"]).view(f"M8[{unit}]"))
        return _localize(ts, _decode_tz(spec["tz"]))
    if tag == "Timedelta":
        return pd.Timedelta(np.int64(spec["i8"]).view(f"m8[{spec['unit']}]"))
    if tag == "Period":
        return pd.Period(ordinal=int(spec["ordinal"]), freq=str(spec["freq"]))
    if tag == "offset":
        return _decode_offset(spec)
    if tag == "ForecastingHorizon":
        from sktime.forecasting.base import ForecastingHorizon

        fh = ForecastingHorizon(
            _decode_index(spec["values"]), is_relative=bool(spec["is_relative"])
        )
        if spec["freq"] is not None:
            fh.freq = str(spec["freq"])
        return fh
    if tag == "keras_model":
        models = _LOADED_MODELS.get()
        if models is None or spec["file"] not in models:
            raise ValueError(f"unknown network file {spec['file']!r}")
        return models[spec["file"]]
    if tag == "enum":
        cls = _ENUMS.get(spec["class"])
        if cls is None:
            raise ValueError(f"enum {spec['class']!r} is not registered")
        return cls(_decode(spec["value"]))
    if tag == "dataclass":
        cls = _DATACLASSES.get(spec["class"])
        if cls is None:
            raise ValueError(f"dataclass {spec['class']!r} is not registered")
        return cls(**{k: _decode(v) for k, v in spec["fields"].items()})
    raise ValueError(f"unknown type tag {tag!r}")


def _decode(value):
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        return [_decode(v) for v in value]
    if type(value) is dict:
        if _TAG in value:
            return _decode_tagged(value)
        return {k: _decode(v) for k, v in value.items()}
    raise ValueError(f"unexpected JSON value of type {type(value).__name__}")


# ---------------------------------------------------------------------- save --
def _versions() -> dict:
    import keras
    import sklearn
    import sktime
    import tensorflow as tf

    import sktime_gru

    return {
        "sktime_gru": sktime_gru.__version__,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "sktime": sktime.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
    }


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _encode_params(est) -> dict:
    params = est.get_params(deep=False)
    out = {}
    for name, value in params.items():
        try:
            out[name] = _encode(value, name)
        except _Unstorable as err:
            raise TypeError(
                f"cannot save parameter {name}={_describe(value)} without pickle: "
                f"{type(err.value).__name__} objects are not JSON-storable. "
                f"save_model stores parameters as plain values; construct the "
                f"forecaster with a storable {name} (e.g. an optimizer or loss "
                f"name, random_state as an int, callbacks=None), or save with "
                f"pickle / forecaster.save() instead"
            ) from None
    return out


def _encode_state(est, param_names, models: _ModelTable) -> dict:
    out = {}
    token = _SAVING_MODELS.set(models)
    try:
        for name, value in est.__dict__.items():
            if name in param_names:
                continue
            try:
                out[name] = _encode(value, name)
            except _Unstorable as err:
                reason = err.reason or (
                    f"type {type(err.value).__module__}."
                    f"{type(err.value).__qualname__} is not in the whitelist of "
                    "storable types"
                )
                raise TypeError(
                    f"cannot save fitted attribute {err.where} of "
                    f"{type(est).__name__}: {reason}. Store it as numpy / pandas / "
                    "plain Python values, or register its dataclass with "
                    "sktime_gru._serialization.register_dataclass"
                ) from None
    finally:
        _SAVING_MODELS.reset(token)
    return out


def _optimizer_variables(network) -> list:
    opt = getattr(network, "optimizer", None)
    if opt is None or not getattr(opt, "built", False):
        return []
    return [np.asarray(v) for v in opt.variables]


def snapshot_network(network) -> tuple[list, list]:
    """Copy the weights and optimizer variables of ``network``.

    With :func:`restore_network` this undoes in-place training (``update``
    fine-tunes the fitted network) when it fails or is interrupted.
    """
    return [w.copy() for w in network.get_weights()], _optimizer_variables(network)


def restore_network(network, snapshot: tuple[list, list]) -> None:
    """Put back what :func:`snapshot_network` copied."""
    weights, opt_values = snapshot
    network.set_weights(weights)
    opt = getattr(network, "optimizer", None)
    if opt is not None and opt_values:
        for var, value in zip(opt.variables, opt_values):
            var.assign(value)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _content_sha256(doc: dict) -> str:
    body = {k: v for k, v in doc.items() if k != "content_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_artefact_dir(path: Path) -> bool:
    names = {p.name for p in path.iterdir()}
    if JSON_NAME not in names or not all(
        n == JSON_NAME or _MODEL_FILE_RE.match(n) for n in names
    ):
        return False
    try:
        with open(path / JSON_NAME, encoding="utf-8") as fh:
            return json.load(fh).get("format") == FORMAT_NAME
    except (OSError, ValueError, AttributeError):
        return False


def save_forecaster(est, path) -> Path:
    """Save a fitted forecaster to the directory ``path`` without pickle.

    Parameters
    ----------
    est : GRUEncoderDecoderForecaster
        A fitted forecaster whose parameters are plain values (no callback,
        optimizer or loss objects).
    path : str or os.PathLike
        Directory to create (see the module docstring for the overwrite policy).

    Returns
    -------
    pathlib.Path
        The artefact directory.

    Raises
    ------
    sktime.exceptions.NotFittedError
        If ``est`` is not fitted.
    TypeError
        If a parameter or fitted attribute has a type that cannot be stored
        without pickle; the message names it.
    FileExistsError
        If ``path`` is a file or a non-empty directory that is not an artefact.
    """
    from sktime.exceptions import NotFittedError

    # a pretrained forecaster (sktime's pretrain) is worth saving too
    trained = est.is_fitted or getattr(est, "_state", None) == "pretrained"
    if not trained or getattr(est, "network_", None) is None:
        raise NotFittedError(
            f"This {type(est).__name__} is not fitted yet, so there is nothing to "
            "save: call fit (or pretrain) before save_model"
        )
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise FileExistsError(
            f"{path} exists and is a file; save_model writes a directory: choose a "
            "new path"
        )
    if path.is_dir() and any(path.iterdir()) and not _is_artefact_dir(path):
        raise FileExistsError(
            f"{path} is a non-empty directory that is not a sktime_gru artefact; "
            "save_model only replaces a previous artefact: choose a new or empty "
            "directory"
        )

    params = _encode_params(est)
    models = _ModelTable()
    models.file_for(est.network_, "network_")  # network.keras, whatever shares it
    state = _encode_state(est, set(est.get_params(deep=False)), models)

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        networks = {}
        for name, model in models.models.items():
            model.save(tmp / name)
            networks[name] = {
                "sha256": _sha256_file(tmp / name),
                "compiled": bool(getattr(model, "compiled", False)),
                "optimizer_variables": [
                    _encode_ndarray(v, f"{name}.optimizer.variables[{i}]")
                    for i, v in enumerate(_optimizer_variables(model))
                ],
            }
        doc = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "class": _type_key(type(est)),
            "versions": _versions(),
            "params": params,
            "state": state,
            "networks": networks,
        }
        doc["content_sha256"] = _content_sha256(doc)
        with open(tmp / JSON_NAME, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, allow_nan=False, indent=1)
        _move_into_place(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def _move_into_place(tmp: Path, path: Path) -> None:
    if not path.exists():
        os.replace(tmp, path)
        return
    if not any(path.iterdir()):
        path.rmdir()
        os.replace(tmp, path)
        return
    # replace a previous artefact: move it aside first so that a failure in
    # between leaves either the old or the new artefact, never a mixture
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
    old.rmdir()
    os.replace(path, old)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.replace(old, path)
        raise
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------- load --
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)$")


def _read_document(path: Path) -> dict:
    json_path = path / JSON_NAME
    if not path.is_dir():
        raise FileNotFoundError(
            f"{path} is not a directory; load_model expects the directory written "
            "by save_model"
        )
    if not json_path.is_file():
        raise FileNotFoundError(
            f"{json_path} is missing; {path} is not a complete sktime_gru artefact "
            "(save it again with save_model)"
        )
    try:
        with open(json_path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (ValueError, UnicodeDecodeError) as err:
        raise ArtefactError(
            f"{json_path} is not valid JSON ({err}); the artefact is corrupt: "
            "save the forecaster again"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise ArtefactError(
            f"{json_path} is not a sktime_gru forecaster artefact (format "
            f"{found!r}, expected {FORMAT_NAME!r}); load it with the tool that "
            "wrote it"
        )
    version = str(doc.get("format_version"))
    match = _VERSION_RE.match(version)
    ours = int(FORMAT_VERSION.split(".")[0])
    if match is None:
        raise ArtefactError(
            f"{json_path} has an invalid format_version {version!r}; the artefact "
            "is corrupt: save the forecaster again"
        )
    if int(match.group(1)) != ours:
        newer = int(match.group(1)) > ours
        raise ArtefactError(
            f"{json_path} has format_version {version}, but this sktime_gru reads "
            f"format {ours}.x only: "
            + (
                "upgrade sktime_gru to load it"
                if newer
                else "load it with the older sktime_gru that wrote it and save again"
            )
        )
    if doc.get("content_sha256") != _content_sha256(doc):
        raise ArtefactError(
            f"{json_path} fails its checksum: the file was modified or damaged "
            "after saving; save the forecaster again (do not edit the artefact)"
        )
    return doc


def _read_model_bytes(path: Path, name: str, info: dict) -> bytes:
    if not isinstance(name, str) or not _MODEL_FILE_RE.match(name):
        raise ArtefactError(
            f"{path / JSON_NAME} names an invalid network file {name!r}; the "
            "artefact is corrupt"
        )
    model_path = path / name
    if not model_path.is_file():
        raise FileNotFoundError(
            f"{model_path} is missing; the artefact is incomplete: save the "
            "forecaster again"
        )
    data = model_path.read_bytes()
    if hashlib.sha256(data).hexdigest() != info.get("sha256"):
        raise ArtefactError(
            f"{model_path} does not match the sha256 recorded in {JSON_NAME} "
            f"(size {len(data)} bytes): the network file is truncated, damaged or "
            "was replaced; save the forecaster again"
        )
    return data


def _warn_versions(saved: dict) -> None:
    current = _versions()
    differ = [
        f"{name} {saved.get(name)} (now {current[name]})"
        for name in ("sktime_gru", "keras", "sktime")
        if str(saved.get(name, "")).split(".")[:2] != current[name].split(".")[:2]
    ]
    if differ:
        warnings.warn(
            "loading a forecaster saved with different library versions: "
            + ", ".join(differ)
            + "; check its forecasts",
            UserWarning,
            stacklevel=3,
        )


def _load_models(path: Path, doc: dict, est) -> dict:
    """Verify, load (safe mode) and compile every network of the artefact."""
    from sktime_gru._training import compile_like, import_keras

    networks = doc.get("networks")
    if not isinstance(networks, dict) or NETWORK_NAME not in networks:
        raise ArtefactError(
            f"{path / JSON_NAME} lists no {NETWORK_NAME}; the artefact is corrupt"
        )
    verified = {
        name: _read_model_bytes(path, name, info) for name, info in networks.items()
    }
    keras = import_keras()
    models = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in verified.items():
            # load the bytes that were verified, not a file that may change
            tmp_file = Path(tmp) / name
            tmp_file.write_bytes(data)
            try:
                model = keras.saving.load_model(tmp_file, safe_mode=True, compile=False)
            except Exception as err:
                raise ArtefactError(
                    f"{path / name} cannot be loaded by Keras "
                    f"({type(err).__name__}: {err})"
                ) from None
            info = networks[name]
            if info.get("compiled"):
                compile_like(model, est)
                values = [_decode_ndarray(v) for v in info["optimizer_variables"]]
                if values:
                    _restore_optimizer(model, values, path / name)
            models[name] = model
    return models


def load_forecaster(cls, path):
    """Load a forecaster saved by :func:`save_forecaster`; executes no saved code.

    Parameters
    ----------
    cls : type
        The forecaster class (must be the class that was saved).
    path : str or os.PathLike
        The artefact directory.

    Returns
    -------
    forecaster : cls
        Fitted, predicting exactly as the saved one; its networks are compiled
        as they were, with the saved optimizer state, so that
        ``update(update_params=True)`` continues training as the original would.

    Raises
    ------
    FileNotFoundError
        If the directory or one of its files is missing.
    ArtefactError
        If the artefact is foreign, from a newer format, corrupt or modified.
    """
    path = Path(path)
    doc = _read_document(path)
    if doc.get("class") != _type_key(cls):
        raise ArtefactError(
            f"{path} holds a {doc.get('class')}, not a {_type_key(cls)}: load it "
            "with that class's load_model"
        )
    _warn_versions(doc.get("versions", {}))
    try:
        params = {k: _decode(v) for k, v in doc["params"].items()}
        est = cls(**params)
    except _DECODE_ERRORS as err:
        raise _undecodable(path, err) from None
    models = _load_models(path, doc, est)
    token = _LOADED_MODELS.set(models)
    try:
        state = {k: _decode(v) for k, v in doc["state"].items()}
    except _DECODE_ERRORS as err:
        raise _undecodable(path, err) from None
    finally:
        _LOADED_MODELS.reset(token)
    est.__dict__.update(state)
    return est


_DECODE_ERRORS = (KeyError, ValueError, TypeError, AttributeError)


def _undecodable(path: Path, err: Exception) -> ArtefactError:
    """Return the error for a forecaster.json whose params or state do not decode."""
    return ArtefactError(
        f"{path / JSON_NAME} cannot be decoded ({type(err).__name__}: {err}); "
        "the artefact is corrupt or from an incompatible version: save the "
        "forecaster again"
    )


def _restore_optimizer(network, values: list, where: Path) -> None:
    """Give the fresh optimizer the saved moments, so fine-tuning continues."""
    opt = network.optimizer
    opt.build(network.trainable_variables)
    variables = list(opt.variables)
    shapes_ok = len(variables) == len(values) and all(
        tuple(v.shape) == a.shape for v, a in zip(variables, values)
    )
    if not shapes_ok:
        raise ArtefactError(
            f"{where}: the saved optimizer state does not fit the network's "
            "optimizer; the artefact is corrupt or was saved with another optimizer"
        )
    for var, value in zip(variables, values):
        var.assign(value)
