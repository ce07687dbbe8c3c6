"""Graph cache: one traced trainer and predictor per network structure.

One compiled Keras "trainer" model per network structure, reused across fits
(TensorFlow and JAX; PyTorch, which traces nothing, builds a fresh one for
every training: :func:`sktime_gru._backend.caches_trainers`), and one traced
predict function per structure (:func:`predict_traced`).

TensorFlow keeps the traced train step of every Keras model that was ever
trained in graph mode, and never frees it (about 50 MB per model for our small
networks; keras-team/keras#20552): a loop of fits (cross-validation, tuning,
benchmarks) that trains a new network each time grows without bound.

So networks are never trained themselves. :func:`borrowed_trainer` lends a
cached, compiled model of the same structure (same layers and shapes, same
optimizer configuration, loss and execution mode; seeds, layer names and a
plain learning rate, which the traced step reads from a variable, do not
matter), loaded with the network's variables (weights and random-seed state),
optimizer state and learning rate; after training succeeds both are copied back into
the network. The train step is traced once per structure and process. If
training fails or is interrupted, nothing is copied back: the network is left
exactly as it was.

A trainer that another thread is using is never shared: that thread gets a
private, uncached trainer. At most :data:`MAX_TRAINERS` structures are kept
(least recently used first out).
"""

from __future__ import annotations

import contextlib
import json
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from sktime_gru._backend import (
    caches_trainers,
    ensemble_mean,
    to_numpy,
    traced_predictor,
)
from sktime_gru._distribute import build_for_strategy, get_strategy
from sktime_gru._network import assign_matching, copy_structure, import_keras

__all__ = [
    "MAX_TRAINERS",
    "borrowed_trainer",
    "cached_predictors",
    "cached_trainers",
    "predict_traced",
    "structure_key",
]

MAX_TRAINERS = 8

_CACHE: OrderedDict[str, _Trainer] = OrderedDict()
_PREDICTORS: OrderedDict[str, _Predictor] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_LAYER_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class _Trainer:
    model: object  # compiled keras.Model
    initial_optimizer: list  # optimizer variable values right after build
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class _Predictor:
    model: object  # uncompiled keras.Model of the network's structure
    call: object  # traced / jitted forward pass (_backend.traced_predictor)
    lock: threading.Lock = field(default_factory=threading.Lock)


def predict_traced(network, inputs):
    """Return ``network(inputs, training=False)`` through a traced, cached function.

    Calling a Keras model eagerly costs ~350 ms per call for our small GRU
    networks; a ``tf.function`` costs ~10 ms, but tracing one per network would
    keep every traced graph alive (as for training). So one predictor per
    network structure is traced once (any number of rows) and reused: it gets
    the network's weights copied in before every call. Returns None when the
    structure's predictor is busy in another thread (call eagerly instead).

    An ensemble (:func:`~sktime_gru._network.average_networks`) traces no
    predictor of its own (several seconds for three GRU networks): its
    members go through their structure's predictor, which the backtest
    network traced already, and are averaged as its ``Average`` layer does.
    """
    members = _ensemble_members(network)
    if members:
        outputs = [predict_traced(member, inputs) for member in members]
        if any(out is None for out in outputs):
            return None
        return ensemble_mean(outputs)  # as the traced Average layer, bit for bit
    key = _layers_key(network)
    with _CACHE_LOCK:
        predictor = _PREDICTORS.get(key)
        if predictor is None:
            predictor = _new_predictor(network)
            _PREDICTORS[key] = predictor
            while len(_PREDICTORS) > MAX_TRAINERS:
                _PREDICTORS.popitem(last=False)
        _PREDICTORS.move_to_end(key)
        if not predictor.lock.acquire(blocking=False):
            return None
    try:
        _assign(
            predictor.model.weights, [to_numpy(w) for w in network.weights], network
        )
        return predictor.call(inputs)
    finally:
        predictor.lock.release()


def _ensemble_members(network) -> list:
    """Return the member networks of an averaged ensemble, in order; [] otherwise."""
    layers = getattr(network, "layers", ())
    if not any(layer.name == "ensemble_mean" for layer in layers):
        return []
    keras = import_keras()
    return [layer for layer in layers if isinstance(layer, keras.Model)]


def cached_predictors() -> int:
    """Return the number of traced predictors kept in this process."""
    with _CACHE_LOCK:
        return len(_PREDICTORS)


def _new_predictor(network) -> _Predictor:
    model = copy_structure(network)
    return _Predictor(model, traced_predictor(model))


def structure_key(network) -> str:
    """Return what decides the traced train step: config minus seeds and names.

    Two networks built with different seeds, or whose layers got different
    automatic names, or compiled with different (plain) learning rates, share
    a key; a different shape, layer, other optimizer configuration, loss or
    execution mode gives another key.
    """
    optimizer = network.optimizer
    opt_config = dict(optimizer.get_config())
    opt_config.pop("name", None)  # "adam_3": an automatic, unique name
    if _variable_learning_rate(optimizer):
        # read from a variable by the traced step: the trainer takes the
        # network's value (_load_into), so a grid over learning rates traces once
        opt_config.pop("learning_rate", None)
    return json.dumps(
        {
            "network": _layers_key(network),
            "optimizer": [type(optimizer).__name__, opt_config],
            "loss": _loss_key(network.loss),
            "run_eagerly": bool(network.run_eagerly),
            "jit_compile": str(getattr(network, "jit_compile", None)),
        },
        sort_keys=True,
        default=repr,
    )


@contextlib.contextmanager
def borrowed_trainer(network, keep_optimizer: bool = True, strategy=None):
    """Yield a compiled model holding ``network``'s state; copy it back on success.

    ``network`` must be compiled (its optimizer says how to train it). With
    ``keep_optimizer`` the optimizer state travels too, so training continues
    where the last one stopped (``update`` fine-tuning, a loaded artefact);
    without, training starts from a fresh optimizer state and the network gets
    none (its optimizer stays unbuilt: every built optimizer variable costs
    native memory that TensorFlow does not give back).

    ``strategy`` (a name of :data:`sktime_gru._distribute.STRATEGIES`): the
    trainer is built in that ``tf.distribute`` strategy's scope, and cached
    apart from the plain one; ``network`` itself stays a plain model.
    """
    key = structure_key(network)
    if strategy is not None:
        key = f"{strategy}:{key}"
    trainer, cached = _acquire(key, network, strategy)
    try:
        _load_into(trainer, network, keep_optimizer)
        yield trainer.model
        _copy_back(trainer.model, network, keep_optimizer)
    finally:
        if cached:
            trainer.lock.release()


def cached_trainers() -> int:
    """Return the number of trainers kept in this process (tests, benchmarks)."""
    with _CACHE_LOCK:
        return len(_CACHE)


def _acquire(key: str, network, strategy=None) -> tuple[_Trainer, bool]:
    """Return (trainer, cached); a cached trainer comes locked."""
    if not caches_trainers():  # PyTorch: a fresh trainer for every training
        return _new_trainer(network, strategy), False
    with _CACHE_LOCK:
        trainer = _CACHE.get(key)
        if trainer is not None:
            if trainer.lock.acquire(blocking=False):
                _CACHE.move_to_end(key)
                return trainer, True
            keep = False  # in use by another thread: train a private one
        else:
            keep = True
    fresh = _new_trainer(network, strategy)
    if not keep:
        return fresh, False
    with _CACHE_LOCK:
        if key in _CACHE:  # another thread made one meanwhile: keep theirs
            return fresh, False
        fresh.lock.acquire()
        _CACHE[key] = fresh
        while len(_CACHE) > MAX_TRAINERS:
            _CACHE.popitem(last=False)
    return fresh, True


def _new_trainer(network, strategy=None) -> _Trainer:
    distribute = get_strategy(strategy)
    scope = contextlib.nullcontext() if distribute is None else distribute.scope()
    with scope:
        model = copy_structure(network)
        source = network.optimizer
        model.compile(
            optimizer=type(source).from_config(source.get_config()),
            loss=network.loss,
            run_eagerly=network.run_eagerly,
            jit_compile=getattr(network, "jit_compile", "auto"),
        )
        model.optimizer.build(model.trainable_variables)
        if distribute is not None:
            build_for_strategy(model)
    # copies: on PyTorch to_numpy is a view of the variable's tensor, which
    # training updates in place (a diverged fit left NaN here for every
    # later fit of the structure)
    initial = [np.array(to_numpy(v)) for v in model.optimizer.variables]
    return _Trainer(model, initial)


def _load_into(trainer: _Trainer, network, keep_optimizer: bool) -> None:
    model = trainer.model
    _assign(model.variables, [to_numpy(v) for v in network.variables], network)
    opt = network.optimizer
    if keep_optimizer and opt.built:
        values = [to_numpy(v) for v in opt.variables]
    else:  # a freshly compiled network: start from a fresh optimizer
        values = trainer.initial_optimizer
    _assign(model.optimizer.variables, values, network)
    if _variable_learning_rate(opt):
        model.optimizer.learning_rate.assign(np.asarray(opt.learning_rate))


def _variable_learning_rate(optimizer) -> bool:
    """Whether ``optimizer``'s learning rate is a plain variable (no schedule)."""
    keras = import_keras()
    return isinstance(getattr(optimizer, "_learning_rate", None), keras.Variable)


def _copy_back(model, network, keep_optimizer: bool) -> None:
    _assign(network.variables, [to_numpy(v) for v in model.variables], network)
    if not keep_optimizer:
        return
    opt = network.optimizer
    if not opt.built:
        opt.build(network.trainable_variables)
    _assign(opt.variables, [to_numpy(v) for v in model.optimizer.variables], network)


def _assign(variables, values, network) -> None:
    if not assign_matching(variables, values):
        raise RuntimeError(
            f"internal error: the cached trainer for network {network.name!r} "
            "does not match its variables; please report this"
        )


def _layers_key(network) -> str:
    """Canonical JSON of ``network``'s layer config, computed once per network.

    ``get_config`` plus canonicalisation takes ~7 ms for an ensemble, a third
    of a ``predict``; a built model's layers do not change, so the key is kept
    for as long as the network lives.
    """
    key = _LAYER_KEYS.get(network)
    if key is None:
        key = json.dumps(_canonical(network.get_config()), sort_keys=True, default=repr)
        _LAYER_KEYS[network] = key
    return key


def _canonical(config):
    """``config`` without seeds and compile configs, names in first-seen order."""
    names: dict[str, str] = {}

    def collect(obj):
        if isinstance(obj, dict):
            for k in sorted(obj):
                if k == "name" and isinstance(obj[k], str):
                    names.setdefault(obj[k], f"#{len(names)}")
                collect(obj[k])
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                collect(v)

    def rewrite(obj):
        if isinstance(obj, dict):
            # a trained member nested in an ensemble carries its compile
            # config (optimizer, learning rate): no part of the forward pass
            return {
                k: None if k == "seed" else rewrite(v)
                for k, v in obj.items()
                if k != "compile_config"
            }
        if isinstance(obj, (list, tuple)):
            return [rewrite(v) for v in obj]
        if isinstance(obj, str):
            return names.get(obj, obj)
        return obj

    collect(config)
    return rewrite(config)


def _loss_key(loss):
    if isinstance(loss, str) or loss is None:
        return loss
    get_config = getattr(loss, "get_config", None)
    if callable(get_config):
        return [type(loss).__qualname__, get_config()]
    # a plain function: only the same object gives the same key; the cached
    # trainer holds a reference to it, so its id cannot be reused meanwhile
    return ["callable", id(loss)]
