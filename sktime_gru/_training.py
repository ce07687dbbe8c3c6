"""Keras side of training.

Owns how networks are built, compiled and trained with a forecaster's
parameters (:func:`build_like`, :func:`train_like`, :func:`clone_network`),
which come in as a :class:`TrainingSpec` made once per call from the
forecaster (:mod:`sktime_gru._specs`; the forecaster is never imported), the
fine-tuning of
``update(update_params=True)`` on the windows of the extended tails that
contain new data (:func:`fine_tune_on_tails`) and the window sources
(:func:`make_window_dataset`, :func:`numpy_window_batches`). Running a
trained network on inputs is :mod:`sktime_gru._inference`.

The backend is imported inside the functions only (``import sktime_gru`` and
creating a forecaster do not import it); the cache of traced steps these
functions go through is :mod:`sktime_gru._graph_cache`, what differs between
backends is in :mod:`sktime_gru._backend`.

Training windows are not materialised: the window source shuffles window
*start positions* with a seeded permutation per epoch and gathers each batch
from the flat series array, so memory stays at one copy of the data plus one
permutation, whatever the number of windows. On TensorFlow that source is a
``tf.data`` pipeline (a stateless shuffle; what the distribution strategies
shard), and small data (all epochs' windows within :data:`MATERIALISE_BYTES`)
is gathered up front instead, into the same batches: building the lazy
pipeline costs more than training on it. On JAX and PyTorch it is a
``keras.utils.PyDataset`` gathering numpy batches.

Dimension legend: ``B`` batch, ``W`` window, ``H`` decoder steps, ``F``
features, ``T`` targets, ``N`` windows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sktime_gru._backend import is_tensorflow, resolve_jit_compile
from sktime_gru._distribute import get_strategy
from sktime_gru._graph_cache import borrowed_trainer
from sktime_gru._network import build_network, copy_structure, import_keras
from sktime_gru._progress import keras_verbose, progress_callback
from sktime_gru._windowing import complete_windows, new_row_starts

__all__ = [
    "TrainingSpec",
    "as_tensors",
    "build_like",
    "clone_network",
    "compile_like",
    "compile_network",
    "epoch_of_dataset",
    "fine_tune_on_tails",
    "import_keras",
    "make_window_dataset",
    "numpy_window_batches",
    "train_like",
    "train_network",
]


#: training data gathered up front when all epochs' windows take at most this
#: many bytes (small panels: tuning, cross-validation, tests); larger data
#: gathers each batch on the fly
MATERIALISE_BYTES = 16 * 2**20


@dataclass(frozen=True)
class TrainingSpec:
    """The forecaster's parameters that building and training networks read.

    Made once per ``fit`` / ``update`` / ``pretrain`` / load from the
    forecaster (:func:`sktime_gru._specs.training_spec`) and passed to
    :func:`build_like`, :func:`train_like`, the backtest
    (:mod:`sktime_gru._backtest`) and the ensemble (:mod:`sktime_gru._ensemble`)
    instead of the forecaster itself.
    The fields are the forecaster's parameters of the same names.
    """

    # the network (build_like)
    window_length: int
    units: int
    n_layers: int
    bidirectional: bool
    dropout: float
    # compiling (compile_like)
    optimizer: object
    learning_rate: float
    loss: object
    run_eagerly: bool
    jit_compile: bool | str
    strategy: str | None
    # training one network (train_like)
    batch_size: int
    max_steps_per_epoch: int | None
    patience: int | None
    callbacks: tuple
    verbose: bool | int
    # how many networks, on which windows (_ensemble, _backtest)
    n_epochs: int
    ensemble_size: int
    recent_windows: int | None
    backtest_origins: int


def make_window_dataset(
    values: np.ndarray,
    starts: np.ndarray,
    *,
    window: int,
    decoder_length: int,
    n_targets: int,
    batch_size: int,
    seed: int | None,
    epochs: int,
    max_steps: int | None = None,
    shard: tuple[int, int, int] | None = None,
):
    """``tf.data`` pipeline of (inputs, targets) batches gathered on the fly.

    Training data of at most :data:`MATERIALISE_BYTES` (all epochs) is
    gathered up front into the same batches (:func:`_materialised_dataset`).

    Parameters
    ----------
    values : np.ndarray or tf.Tensor, shape (T_total, F), float32
        Scaled flat panel; the first ``n_targets`` columns are the targets, the
        others are known ahead and also fed to the decoder (``future`` input).
    starts : np.ndarray or tf.Tensor of int64, shape (N,)
        Flat start position of each window.
    window, decoder_length, n_targets, batch_size : int
    seed : int or None
        Shuffle seed; ``None`` keeps the windows in order (validation data).
    epochs : int
        Number of passes; each pass is reshuffled with seed ``(seed, epoch)``.
    max_steps : int or None
        At most this many batches per pass: a pass over more windows trains
        on the first ``max_steps * batch_size`` of its shuffled order (a
        different sample every pass), so that the training budget stops
        growing with the number of windows.
    shard : (first, count, n_replicas) or None
        Under a distribution strategy: the pipeline of one worker, whose
        ``count`` replicas have global indices ``first, ..., first + count -
        1`` of ``n_replicas``. Every worker draws the same shuffled order
        (stateless seed) and cuts the same global batches of ``batch_size``
        windows; replica ``r`` gathers windows ``r, r + n_replicas, ...`` of
        each, so the replicas together train on the global batch and no worker
        gathers another's windows. Each batch is cut to a multiple of
        ``n_replicas`` windows (equal shares, so the mean of the replicas'
        losses is the loss of the batch), and a last batch with fewer windows
        than replicas is dropped.

    Returns
    -------
    dataset : tf.data.Dataset
        Yields ``(B, W, F)`` inputs and ``(B, H, T)`` targets.
    steps : int
        Batches per epoch.
    """
    import tensorflow as tf

    # tensors made once by as_tensors() are shared by every ensemble member
    flat = values if tf.is_tensor(values) else tf.constant(values, tf.float32)
    start_t = starts if tf.is_tensor(starts) else tf.constant(starts, tf.int64)
    n = len(starts)
    offsets = tf.range(window + decoder_length, dtype=start_t.dtype)  # (W + H,)
    if shard is not None:
        first, count, n_replicas = shard
    steps = window_steps(n, batch_size, max_steps, shard[2] if shard else None)
    used = min(n, steps * batch_size)  # windows per epoch
    size = epochs * used * (window + decoder_length) * int(flat.shape[1]) * 4  # bytes
    # small data: gathered up front (not under a strategy: that pipeline shards)
    if shard is None and seed is not None and size <= MATERIALISE_BYTES:
        dataset = _materialised_dataset(
            flat, start_t, seed=seed, epochs=epochs, used=used,
            batch_size=batch_size, window=window, decoder_length=decoder_length,
            n_targets=n_targets,
        )  # fmt: skip
        return dataset, steps

    def one_epoch(epoch):
        if seed is None:
            order = start_t
        else:
            order = tf.random.experimental.stateless_shuffle(
                start_t, seed=tf.stack([tf.constant(seed, tf.int64), epoch])
            )
        batches = tf.data.Dataset.from_tensor_slices(order).batch(batch_size)
        batches = batches.take(steps)
        if shard is None:
            return batches
        return batches.flat_map(this_workers_share)

    def this_workers_share(batch_starts):
        usable = tf.shape(batch_starts)[0] // n_replicas * n_replicas
        per_replica = tf.reshape(batch_starts[:usable], (-1, n_replicas))
        # -> (count, B / n_replicas): one row per replica of this worker
        mine = tf.transpose(per_replica)[first : first + count]
        return tf.data.Dataset.from_tensor_slices(mine)

    with_future = values.shape[1] > n_targets

    def gather(batch_starts):
        block = tf.gather(flat, batch_starts[:, None] + offsets)  # (B, W + H, F)
        inputs = block[:, :window, :]  # (B, W, F)
        targets = block[:, window:, :n_targets]  # (B, H, T)
        if with_future:
            # known-ahead columns (exogenous, calendar) of the target period
            return (inputs, block[:, window:, n_targets:]), targets  # (B, H, K)
        return inputs, targets

    dataset = (
        tf.data.Dataset.range(epochs)
        .flat_map(one_epoch)
        .map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    return dataset, steps


def window_steps(
    n: int, batch_size: int, max_steps: int | None, n_replicas: int | None = None
) -> int:
    """Batches per epoch of ``n`` windows (see :func:`make_window_dataset`).

    ``n_replicas`` (under a strategy): only batches that give every replica at
    least one window count.
    """
    if n_replicas is None:
        steps = math.ceil(n / batch_size)
    else:
        if batch_size < n_replicas or n < n_replicas:
            raise ValueError(
                f"batch_size={batch_size} and the {n} training windows must each "
                f"be at least the number of replicas training in sync ({n_replicas})"
            )
        steps = n // batch_size + int(n % batch_size >= n_replicas)
    return steps if max_steps is None else min(steps, max_steps)


def numpy_window_batches(
    values: np.ndarray,
    starts: np.ndarray,
    *,
    window: int,
    decoder_length: int,
    n_targets: int,
    batch_size: int,
    seed: int | None,
    epochs: int,
    max_steps: int | None = None,
):
    """Return the window source on JAX and PyTorch: a ``keras.utils.PyDataset``.

    The same batches as :func:`make_window_dataset` in structure: each epoch
    draws a permutation of the window starts (numpy's generator seeded with
    ``(seed, epoch)``; ``None`` keeps them in order), cuts the first
    ``steps * batch_size`` into batches, and each batch is gathered from the
    flat rows when Keras asks for it (memory: one copy of the data). The
    permutations differ from TensorFlow's stateless shuffle, so the same
    ``random_state`` trains on another order than on TensorFlow.

    Parameters are those of :func:`make_window_dataset` (``epochs`` is only
    a check: the dataset reshuffles at the start of every epoch Keras runs).

    Returns
    -------
    dataset : keras.utils.PyDataset
        Item ``i`` is batch ``i`` of the current epoch: ``(B, W, F)`` inputs
        (with ``(B, H, K)`` known-ahead columns as a second input) and
        ``(B, H, T)`` targets.
    steps : int
        Batches per epoch (also ``len(dataset)``).
    """
    del epochs  # each epoch reshuffles on Keras' on_epoch_begin
    keras = import_keras()
    values = np.asarray(values, np.float32)  # (R, F)
    starts = np.asarray(starts)
    steps = window_steps(len(starts), batch_size, max_steps)
    used = min(len(starts), steps * batch_size)
    span = np.arange(window + decoder_length)  # (W + H,)
    with_future = values.shape[1] > n_targets

    class WindowBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=1, use_multiprocessing=False)
            self.epoch = 0
            self.order = starts[:used]

        def __len__(self):
            return steps

        def start_epoch(self, epoch):
            """Keras' epoch index, set by :func:`epoch_of_dataset` each epoch."""
            self.epoch = epoch

        def on_epoch_begin(self):
            # the permutation of the epoch Keras runs, not of the number of
            # calls: an unbuilt model's first fit peeks at one batch first
            # (one begin / end more), which would shift every epoch's order
            if seed is not None:
                rng = np.random.default_rng([seed, self.epoch])
                self.order = rng.permutation(starts)[:used]

        def __getitem__(self, i):
            rows = self.order[i * batch_size : (i + 1) * batch_size]
            block = values[rows[:, None] + span]  # -> (B, W + H, F)
            inputs = block[:, :window]  # (B, W, F)
            targets = block[:, window:, :n_targets]  # (B, H, T)
            if with_future:  # known-ahead columns of the target period
                return (inputs, block[:, window:, n_targets:]), targets
            return inputs, targets

    return WindowBatches(), steps


def epoch_of_dataset(dataset):
    """Return a Keras callback that tells ``dataset`` which epoch starts.

    ``dataset`` is a :func:`numpy_window_batches` source: epoch ``e`` is then
    shuffled with ``(seed, e)`` whether or not Keras peeked at a batch before
    training (it does on a model's first fit, which shifted every epoch's
    order and made that fit differ from later ones of the same structure).
    """
    keras = import_keras()
    return keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs=None: dataset.start_epoch(epoch)
    )


def _materialised_dataset(
    flat, start_t, *, seed, epochs, used, batch_size, window, decoder_length, n_targets
):
    """Return the batches of :func:`make_window_dataset`, gathered up front.

    Building and iterating the lazy pipeline costs 0.1-0.4 s per training (it
    traces its functions and starts its threads), more than an epoch of a
    small network. Here: the same shuffles (``(seed, epoch)``) and the same
    batches, epoch by epoch (a short last batch stays in its epoch), gathered
    with numpy from the flat rows into arrays in memory.
    """
    import tensorflow as tf

    values = flat.numpy()  # (R, F), a view of a CPU tensor
    span = np.arange(window + decoder_length)
    blocks = []
    for epoch in range(epochs):
        order = tf.random.experimental.stateless_shuffle(
            start_t, seed=tf.constant([seed, epoch], tf.int64)
        )
        rows = order.numpy()[:used]  # the first `used` of this epoch's order
        blocks.append(values[rows[:, None] + span])  # -> (used, W + H, F)

    def batches(block):
        inputs, targets = block[:, :window], block[:, window:, :n_targets]
        if block.shape[2] > n_targets:  # known-ahead columns of the targets
            inputs = (inputs, block[:, window:, n_targets:])
        return tf.data.Dataset.from_tensor_slices((inputs, targets)).batch(batch_size)

    if used % batch_size == 0:  # epochs end on a batch boundary
        return batches(np.concatenate(blocks))
    dataset = batches(blocks[0])
    for block in blocks[1:]:
        dataset = dataset.concatenate(batches(block))
    return dataset


def as_tensors(values: np.ndarray, *starts: np.ndarray):
    """Backend copies of the flat panel and window starts, made once per fit.

    On TensorFlow, tensors (what the ``tf.data`` pipeline reads); on JAX and
    PyTorch, float32 / int numpy arrays (what :func:`numpy_window_batches`
    reads).

    Every ensemble member then trains from the same tensors instead of each
    holding its own copy (hundreds of MB for 100,000 series). Starts are int32
    when the panel has fewer than 2**31 rows (half the memory of the shuffled
    order made every epoch). A CPU tensor's ``.numpy()`` is a view, so callers
    can drop their numpy arrays and read the tensors instead.
    """
    if not is_tensorflow():  # the numpy window source reads numpy arrays
        index_dtype = np.int32 if len(values) < 2**31 else np.int64
        return (
            np.asarray(values, np.float32),
            *(np.asarray(s, index_dtype) for s in starts),
        )
    import tensorflow as tf

    index_dtype = tf.int32 if len(values) < 2**31 else tf.int64
    return (
        tf.constant(values, tf.float32),
        *(tf.constant(s, index_dtype) for s in starts),
    )


def compile_network(
    model, *, optimizer, learning_rate, loss, run_eagerly, jit_compile=False
):
    """Compile ``model`` with a fresh optimizer built from its name.

    ``jit_compile``: Keras' argument (see :func:`_backend.resolve_jit_compile`).
    """
    keras = import_keras()
    if isinstance(optimizer, str):
        opt = keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        )
    else:
        # a user-supplied optimizer instance: never share state across fits
        opt = optimizer.__class__.from_config(optimizer.get_config())
    model.compile(
        optimizer=opt, loss=loss, run_eagerly=run_eagerly, jit_compile=jit_compile
    )
    return model


def compile_like(network, spec: TrainingSpec):
    """Compile ``network`` as ``spec`` says: optimizer, loss, eager mode, XLA."""
    return compile_network(
        network,
        optimizer=spec.optimizer,
        learning_rate=spec.learning_rate,
        loss=spec.loss,
        run_eagerly=spec.run_eagerly,
        jit_compile=resolve_jit_compile(
            spec.jit_compile, spec.run_eagerly, spec.strategy
        ),
    )


def build_like(
    spec: TrainingSpec, encoding, decoder_length, seed, member=0, compile=True
):
    """Build (and compile) a network of ``spec``'s parameters for ``encoding``'s inputs.

    ``compile=False`` for a network that is not trained now: it keeps no
    empty optimizer state (:func:`train_like` compiles it when it is trained).
    """
    import_keras()
    network = build_network(
        window_length=spec.window_length,
        n_features=encoding.n_features,
        output_length=decoder_length,
        n_targets=encoding.n_targets,
        n_future_features=encoding.n_known,
        units=spec.units,
        n_layers=spec.n_layers,
        bidirectional=spec.bidirectional,
        dropout=spec.dropout,
        zero_head=encoding.deseasonalized,
        anchor=None
        if encoding.backbone is None
        else encoding.backbone.matrix(spec.window_length, decoder_length),
        seed=seed,
        name=f"gru_encoder_decoder_{member}",
    )
    return compile_like(network, spec) if compile else network


def train_like(
    spec: TrainingSpec, network, scaled, train, held_out, decoder_length, seed,
    epochs, keep_optimizer=True, stage="network",
):  # fmt: skip
    """Train ``network`` in place with ``spec``'s parameters; return its history.

    ``scaled`` (R, F) are the encoded rows, ``train`` and ``held_out`` window
    starts. ``keep_optimizer``: keep the optimizer state, only worth its memory
    for a network that may be trained again (``update``, fine-tuning): not for
    ensemble members, whose average is what is kept, nor for the backtest
    network. ``stage`` names the network in the lines ``verbose`` prints.
    """
    if epochs == 0 or not len(train):
        return {}
    if not network.compiled:
        compile_like(network, spec)
    callbacks = list(spec.callbacks)
    progress = progress_callback(spec.verbose, stage, epochs)
    if progress is not None:
        callbacks.append(progress)
    # train a cached model of the same structure: TensorFlow never frees a
    # traced train step, so a new network per fit must not get its own; under
    # a strategy it is a distributed copy, built in the strategy's scope
    with borrowed_trainer(network, keep_optimizer, spec.strategy) as trainer:
        history = train_network(
            trainer,
            scaled,
            train,
            held_out if len(held_out) else None,
            window=spec.window_length,
            decoder_length=decoder_length,
            n_targets=int(network.output_shape[-1]),
            batch_size=spec.batch_size,
            max_steps=spec.max_steps_per_epoch,
            epochs=epochs,
            seed=seed,
            patience=spec.patience,
            callbacks=callbacks or None,
            verbose=keras_verbose(spec.verbose),
            strategy=get_strategy(spec.strategy),
        )
    # under a multi-worker strategy the logs have shape (1,): see _distribute
    return {
        k: [float(np.squeeze(v)) for v in vals] for k, vals in history.history.items()
    }


def fine_tune_on_tails(
    spec: TrainingSpec, network, encoding, tails, last, *, fitted_last, series,
    step, decoder_length, seed, epochs: int,
) -> None:  # fmt: skip
    """Train the fitted ``network`` further on windows that contain new data.

    ``update(update_params=True)``'s training: ``tails`` (n, L', C') are the
    fitted tails extended by the new rows (see
    :func:`~sktime_gru._tails.extend_tails`), aligned at their end: the last
    row of series ``i`` is at grid position ``last[i]``, which was
    ``fitted_last[i]`` before the new rows. ``encoding`` is the fitted
    encoding, ``series`` (n, 1) the series numbers, ``step`` the grid's step,
    ``seed`` the fit's seed + 1.
    """
    window = spec.window_length
    n, length, _ = tails.shape
    span = window + decoder_length
    n_new = (last - fitted_last) // step  # -> (n,)
    starts = new_row_starts(n, length, n_new, span)
    if not starts.size:
        return
    positions = last[:, None] - step * np.arange(length - 1, -1, -1)
    scaled = encoding.encode(tails, series, positions)  # (n, L', F)
    scaled = scaled.reshape(n * length, -1)  # -> (n * L', F), flat rows
    starts = starts[complete_windows(scaled, starts, span)]
    windows = (scaled, starts, starts[:0])  # nothing held out
    train_like(
        spec, network, *windows, decoder_length, seed, epochs, stage="fine-tuning"
    )


def clone_network(network, spec: TrainingSpec):
    """Return a compiled copy of ``network`` with the same weights (fine-tuning).

    ``spec`` supplies optimizer, learning rate, loss and eager mode.
    """
    copy = copy_structure(network)
    copy.set_weights(network.get_weights())
    return compile_like(copy, spec)


def train_network(
    model,
    values: np.ndarray,
    train_starts: np.ndarray,
    val_starts: np.ndarray | None,
    *,
    window: int,
    decoder_length: int,
    n_targets: int,
    batch_size: int,
    epochs: int,
    seed: int,
    patience: int | None,
    max_steps: int | None = None,
    callbacks: list | None,
    verbose: int,
    strategy=None,
):
    """Fit ``model`` on the windows at ``train_starts``; return the Keras History.

    ``strategy``: the ``tf.distribute.Strategy`` that ``model`` was built
    under, or None; each worker then reads its share of every batch.

    Early stopping on validation loss (best weights restored) is added when
    ``patience`` is set and validation windows exist. Training that produces a
    NaN or infinite loss is stopped and reported by raising ``FloatingPointError``.
    """
    keras = import_keras()
    train_ds, steps = _windows(
        strategy,
        values,
        train_starts,
        window=window,
        decoder_length=decoder_length,
        n_targets=n_targets,
        batch_size=batch_size,
        seed=seed,
        epochs=epochs,
        max_steps=max_steps,
    )
    fit_kwargs = {}
    cbs = [keras.callbacks.TerminateOnNaN()]
    if val_starts is not None and len(val_starts):
        val_ds, val_steps = _windows(
            strategy,
            values,
            val_starts,
            window=window,
            decoder_length=decoder_length,
            n_targets=n_targets,
            batch_size=max(batch_size, 256),
            seed=None,
            epochs=1,
        )
        fit_kwargs.update(validation_data=val_ds, validation_steps=val_steps)
        if patience is not None:
            cbs.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss",
                    patience=patience,
                    restore_best_weights=True,
                )
            )
    cbs.extend(callbacks or [])
    if not is_tensorflow():
        steps = None  # a PyDataset has its length; Keras reads it every epoch
        cbs.insert(0, epoch_of_dataset(train_ds))
        fit_kwargs.pop("validation_steps", None)
    history = model.fit(
        train_ds,
        epochs=epochs,
        steps_per_epoch=steps,
        callbacks=cbs,
        verbose=verbose,
        shuffle=False,  # the dataset shuffles itself, seeded
        **fit_kwargs,
    )
    losses = np.asarray(history.history.get("loss", []), dtype=float)
    if losses.size and not np.all(np.isfinite(losses)):
        raise FloatingPointError(
            "training diverged: the loss became NaN or infinite at epoch "
            f"{int(np.argmin(np.isfinite(losses))) + 1}; lower learning_rate, "
            "check the data for extreme values, or use scaling='per_series'"
        )
    # the last update can overflow the weights after a finite recorded loss
    if not all(np.isfinite(np.asarray(w)).all() for w in model.get_weights()):
        raise FloatingPointError(
            "training diverged: the network weights became NaN or infinite in "
            "the last update; lower learning_rate or check the data for extreme "
            "values"
        )
    return history


def _windows(strategy, values, starts, **kwargs):
    """Return the backend's window source, distributed over ``strategy``'s replicas.

    TensorFlow: :func:`make_window_dataset` (``tf.data``, which the
    strategies shard); JAX, PyTorch: :func:`numpy_window_batches`.
    """
    if strategy is None:
        if not is_tensorflow():
            return numpy_window_batches(values, starts, **kwargs)
        return make_window_dataset(values, starts, **kwargs)
    n_replicas = int(strategy.num_replicas_in_sync)
    steps = window_steps(
        len(starts), kwargs["batch_size"], kwargs.get("max_steps"), n_replicas
    )

    def per_worker(context):
        count = context.num_replicas_in_sync // context.num_input_pipelines
        shard = (context.input_pipeline_id * count, count, n_replicas)
        return make_window_dataset(values, starts, **kwargs, shard=shard)[0]

    return strategy.distribute_datasets_from_function(per_worker), steps
