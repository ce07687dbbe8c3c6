"""The GRU encoder-decoder network: pure builder, ensemble average, structure copy.

Also the variable plumbing the trainer cache, rollback and persistence share:
the optimizer's variable values (:func:`optimizer_variables`) and assigning
values to variables only when they match in shape (:func:`assign_matching`).

Returns an *uncompiled* ``keras.Model``; optimizer and loss are chosen where the
model is compiled. The GRU layers keep the configuration that lets TensorFlow run
its fused cuDNN kernel on a GPU: tanh / sigmoid activations, no recurrent
dropout, ``reset_after=True``, no unrolling (input ``dropout`` is allowed: Keras
applies it to the inputs before the fused kernel).

Dimension legend: ``B`` batch, ``W`` window length, ``F`` input features,
``H`` output length (decoder steps), ``T`` targets, ``U`` units, ``K`` features
known for the forecast period (exogenous, calendar).
"""

from __future__ import annotations

import numpy as np

from sktime_gru._backend import import_keras, to_numpy

__all__ = [
    "anchor_kernels",
    "assign_matching",
    "average_networks",
    "build_network",
    "copy_structure",
    "import_keras",
    "optimizer_variables",
]


def build_network(
    *,
    window_length: int,
    n_features: int,
    output_length: int,
    n_targets: int,
    n_future_features: int = 0,
    units: int = 32,
    n_layers: int = 1,
    bidirectional: bool = True,
    dropout: float = 0.0,
    zero_head: bool = False,
    anchor=None,
    seed: int = 0,
    name: str = "gru_encoder_decoder",
):
    """Build ``GRU encoder -> RepeatVector -> GRU decoder -> TimeDistributed Dense``.

    Parameters
    ----------
    window_length : int
        Input time steps ``W``.
    n_features : int
        Input features per step ``F``.
    output_length : int
        Decoder steps ``H``.
    n_targets : int
        Outputs per decoder step ``T``.
    n_future_features : int, default=0
        Known-ahead features per decoder step ``K`` (exogenous columns for the
        forecast period, calendar terms). When > 0 the model takes a second
        input ``future`` of shape ``(B, H, K)``, concatenated to the repeated
        encoder state at every decoder step.
    units : int, default=32
        GRU units per direction.
    n_layers : int, default=1
        GRU layers stacked in the encoder and, likewise, in the decoder.
    bidirectional : bool, default=True
        Wrap every GRU in ``keras.layers.Bidirectional``.
    dropout : float, default=0.0
        Input dropout of every GRU layer (cuDNN-compatible).
    zero_head : bool, default=False
        Start the output layer at zero, so that the untrained network forecasts
        exactly 0 in the scaled space: with deseasonalised targets that is the
        seasonal profile, which training then corrects only as far as the data
        supports.
    anchor : np.ndarray of shape (H, W) or None, default=None
        The backbone's level / trend anchor (see ``sktime_gru._backbone``): a
        fixed linear map from the window's target columns to a baseline
        forecast of every decoder step, which the network's output is added
        to; the GRUs see the window relative to the baseline's first step.
        Held by two non-trainable ``Dense`` layers (``anchor``, ``relative``)
        whose kernels are set here, so the model's config does not depend on
        it. With ``zero_head`` the untrained network forecasts the anchor.
    seed : int, default=0
        Seeds every initializer and dropout layer, so that building twice with
        the same seed gives the same weights without touching global RNG state.
    name : str, default="gru_encoder_decoder"
        Model name (members of an ensemble need distinct names).

    Returns
    -------
    keras.Model
        Uncompiled; input ``(B, W, F)`` (and ``future`` ``(B, H, K)`` when
        ``n_future_features > 0``), output ``(B, H, T)``.
    """
    import keras
    from keras import layers

    seeds = iter(range(seed, seed + 10_000))

    def one_gru(return_sequences: bool, name: str, go_backwards: bool = False):
        return layers.GRU(
            units,
            activation="tanh",
            recurrent_activation="sigmoid",
            reset_after=True,
            dropout=dropout,
            recurrent_dropout=0.0,
            return_sequences=return_sequences,
            go_backwards=go_backwards,
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            recurrent_initializer=keras.initializers.Orthogonal(seed=next(seeds)),
            seed=next(seeds),
            name=name,
        )

    def gru(return_sequences: bool, name: str):
        forward = one_gru(return_sequences, name)
        if not bidirectional:
            return forward
        # explicit backward layer: its own initializer seeds (a copied config
        # would start both directions from identical weights)
        backward = one_gru(return_sequences, f"{name}_backward", go_backwards=True)
        return layers.Bidirectional(forward, backward_layer=backward, name=f"bi_{name}")

    inputs = keras.Input(shape=(window_length, n_features), name="window")  # (B, W, F)
    x = inputs
    if anchor is not None:
        flat = layers.Flatten(name="window_flat")(inputs)  # -> (B, W * F)
        base = layers.Dense(
            output_length * n_targets, use_bias=False, trainable=False, name="anchor"
        )(flat)
        base = layers.Reshape((output_length, n_targets), name="baseline")(base)
        relative = layers.Dense(
            window_length * n_features,
            use_bias=False,
            trainable=False,
            name="relative",
        )(flat)
        x = layers.Reshape((window_length, n_features), name="window_relative")(
            relative
        )  # -> (B, W, F)
    for i in range(n_layers):
        last = i == n_layers - 1
        # the last encoder layer summarises the window into one vector
        x = gru(return_sequences=not last, name=f"encoder_{i}")(x)
    # -> (B, U) or (B, 2U) when bidirectional
    x = layers.RepeatVector(output_length, name="repeat")(x)  # -> (B, H, U')
    model_inputs = [inputs]
    if n_future_features:
        future = keras.Input(shape=(output_length, n_future_features), name="future")
        x = layers.Concatenate(name="with_future")([x, future])  # -> (B, H, U' + K)
        model_inputs.append(future)
    for i in range(n_layers):
        x = gru(return_sequences=True, name=f"decoder_{i}")(x)  # -> (B, H, U')
    outputs = layers.TimeDistributed(
        layers.Dense(
            n_targets,
            kernel_initializer=(
                "zeros"
                if zero_head
                else keras.initializers.GlorotUniform(seed=next(seeds))
            ),
        ),
        name="head",
    )(x)  # -> (B, H, T)
    if anchor is not None:
        outputs = layers.Add(name="backbone_plus")([base, outputs])  # -> (B, H, T)
    if len(model_inputs) == 1:
        model_inputs = model_inputs[0]
    model = keras.Model(model_inputs, outputs, name=name)
    if anchor is not None:
        kernel, relative = anchor_kernels(anchor, n_features, n_targets)
        model.get_layer("anchor").kernel.assign(kernel)
        model.get_layer("relative").kernel.assign(relative)
    return model


def anchor_kernels(anchor, n_features: int, n_targets: int):
    """Kernels of the ``anchor`` and ``relative`` layers for a flat window.

    Parameters
    ----------
    anchor : np.ndarray, shape (H, W)
    n_features, n_targets : int
        ``F`` columns per window step, of which the first ``T`` are targets.

    Returns
    -------
    kernel : np.ndarray of float32, shape (W * F, H * T)
        ``flat_window @ kernel`` is the baseline of every step and target:
        ``anchor @ window[:, t]`` for target ``t``; X and calendar columns get
        no weight.
    relative : np.ndarray of float32, shape (W * F, W * F)
        ``flat_window @ relative`` subtracts the baseline's first step from
        every target value of the window, leaving the other columns as they are.
    """
    decoder_length, window = anchor.shape
    kernel = np.zeros((window * n_features, decoder_length * n_targets), np.float32)
    relative = np.eye(window * n_features, dtype=np.float32)
    for t in range(n_targets):
        rows = np.arange(window) * n_features + t  # the window's values of t
        kernel[rows[:, None], np.arange(decoder_length) * n_targets + t] = anchor.T
        relative[rows[:, None], rows[None, :]] -= anchor[0][:, None]
    return kernel, relative


def average_networks(members: list):
    """One model whose output is the mean of the ``members``' outputs.

    Parameters
    ----------
    members : list of keras.Model
        Trained networks with the same inputs and output shape, distinct names.

    Returns
    -------
    keras.Model
        Uncompiled; same inputs and output shape as each member.
    """
    import keras

    first = members[0]
    inputs = [
        keras.Input(shape=tuple(t.shape[1:]), name=t.name.split(":")[0])
        for t in first.inputs
    ]
    feed = inputs if len(inputs) > 1 else inputs[0]
    outputs = keras.layers.Average(name="ensemble_mean")([m(feed) for m in members])
    return keras.Model(feed, outputs, name="gru_ensemble")


def copy_structure(network):
    """Return a new, uncompiled model with ``network``'s layers and fresh weights.

    Rebuilt from the config rather than ``keras.models.clone_model``, which
    re-compiles a compiled model from its compile config and so fails for a
    loss that is a plain Python function.
    """
    keras = import_keras()
    return keras.Model.from_config(network.get_config())


def optimizer_variables(network) -> list:
    """Return copies of the optimizer variables of ``network`` ([] if unbuilt).

    Copies, not views: on PyTorch a variable's numpy view changes with it.
    """
    opt = getattr(network, "optimizer", None)
    if opt is None or not getattr(opt, "built", False):
        return []
    return [np.array(to_numpy(v)) for v in opt.variables]


def assign_matching(variables, values) -> bool:
    """Assign ``values`` to ``variables`` when they match one to one in shape.

    Returns whether they did; nothing is assigned when they do not (the
    caller raises its own error).
    """
    variables = list(variables)
    if len(variables) != len(values) or any(
        tuple(var.shape) != tuple(getattr(val, "shape", ()))
        for var, val in zip(variables, values)
    ):
        return False
    for var, value in zip(variables, values):
        var.assign(value)
    return True
