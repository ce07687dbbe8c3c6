"""Pickle-free save and load of a fitted forecaster: the artefact folder.

The values are encoded by the whitelist codec :mod:`sktime_gru._codec`; this
module owns the folder around them (files, checksums, library versions, the
destination policy). Undoing a failed in-place change of a live network is
:mod:`sktime_gru._atomic`, not persistence.

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
and ``.keras`` files, the JSON naming this format) is refused with
``FileExistsError`` unless ``overwrite=True`` (as Keras' ``model.save``), and
then replaced; anything else (a file, or a directory with other content) is
refused with ``FileExistsError`` even with ``overwrite=True``, so a mistyped
path never deletes user files. The artefact is written to a temporary sibling
directory first and moved into place (the previous artefact is moved aside
and deleted only once the new one is in place), so a failed or interrupted
save leaves ``path`` as it was: the old artefact, or nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

# the codec's registry stays reachable here: save errors point users to
# sktime_gru._serialization.register_dataclass
from sktime_gru._codec import (  # noqa: F401
    _DATACLASSES,
    _LOADED_MODELS,
    _SAVING_MODELS,
    _decode,
    _decode_ndarray,
    _encode,
    _encode_ndarray,
    _type_key,
    _Unstorable,
    register_dataclass,
    register_enum,
)
from sktime_gru._network import assign_matching, optimizer_variables

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ArtefactError",
    "load_forecaster",
    "register_dataclass",
    "register_enum",
    "save_forecaster",
]

FORMAT_NAME = "sktime_gru.forecaster"
# major: incompatible layout (older readers refuse); minor: additive changes
FORMAT_VERSION = "1.0"
JSON_NAME = "forecaster.json"
NETWORK_NAME = "network.keras"
# a Keras file name in an artefact: no directories, nothing to traverse
_MODEL_FILE_RE = re.compile(r"^[A-Za-z0-9_]{1,100}\.keras$")


class ArtefactError(ValueError):
    """A saved forecaster artefact is corrupt, foreign, or from a newer format."""


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


# ---------------------------------------------------------------------- save --
def _versions() -> dict:
    from sktime_gru._backend import versions

    return versions()


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


def save_forecaster(est, path, overwrite: bool = False) -> Path:
    """Save a fitted forecaster to the directory ``path`` without pickle.

    Parameters
    ----------
    est : GRUEncoderDecoderForecaster
        A fitted forecaster whose parameters are plain values (no callback,
        optimizer or loss objects).
    path : str or os.PathLike
        Directory to create (see the module docstring for the overwrite policy).
    overwrite : bool, default=False
        Replace a previous artefact at ``path``; False: refuse it.

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
        If ``path`` is a file or a non-empty directory that is not an
        artefact, or holds an artefact and ``overwrite`` is False.
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
    if path.is_dir() and any(path.iterdir()):
        if not _is_artefact_dir(path):
            raise FileExistsError(
                f"{path} is a non-empty directory that is not a sktime_gru "
                "artefact; save_model only replaces a previous artefact (with "
                "overwrite=True), never other files: choose a new or empty "
                "directory"
            )
        if not overwrite:
            raise FileExistsError(
                f"{path} already holds a saved forecaster; pass overwrite=True to "
                "replace it (the old one is kept until the new one is written), "
                "or choose a new directory"
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
                    for i, v in enumerate(optimizer_variables(model))
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
    from sktime_gru._specs import training_spec
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
    spec = training_spec(est)
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
                compile_like(model, spec)
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
    if not assign_matching(opt.variables, values):
        raise ArtefactError(
            f"{where}: the saved optimizer state does not fit the network's "
            "optimizer; the artefact is corrupt or was saved with another optimizer"
        )
