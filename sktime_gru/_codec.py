"""Whitelist JSON codec of a forecaster's state: values in, values out, no pickle.

A small type-tagged JSON encoder walks a value and accepts only a whitelist of
types (JSON scalars, containers, numpy arrays and scalars, pandas indexes /
timestamps / periods / offsets / frames, sktime's ``ForecastingHorizon``,
registered dataclasses and enums, and Keras models, stored as a reference to a
file of the artefact); anything else raises :class:`_Unstorable` naming where
it was met. Decoding accepts the same whitelist and never executes code. The
artefact folder around it (files, checksums, versions) is
:mod:`sktime_gru._serialization`.
"""

from __future__ import annotations

import base64
import contextvars
import dataclasses
import datetime
import enum
import sys

import numpy as np
import pandas as pd

__all__ = ["register_dataclass", "register_enum"]

_TAG = "$type"  # key that marks a type-tagged JSON object

# numpy dtype kinds stored as raw little-endian bytes: bool, ints, floats,
# complex, datetime64, timedelta64, fixed-width unicode and bytes
_RAW_KINDS = set("biufcMmUS")


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
    if kind in (pd.DatetimeIndex, pd.TimedeltaIndex):
        encoded = {
            _TAG: kind.__name__,
            "unit": idx.unit,
            "i8": _encode_ndarray(idx.asi8, where),  # UTC epoch when tz-aware
            "freq": None if idx.freq is None else _encode_offset(idx.freq, where),
            "name": name,
        }
        if kind is pd.DatetimeIndex:
            encoded["tz"] = _encode_tz(idx.tz, where)
        return encoded
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
