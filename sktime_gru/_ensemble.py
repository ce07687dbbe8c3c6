"""The ensemble: ``ensemble_size`` networks trained apart, then averaged.

Members differ only by seed (``seed + MEMBER_SEED_STRIDE * k``: initial
weights, dropout, window order); their departures from the backbone are
scaled by the backtest's departure weight (:mod:`sktime_gru._backtest`), and
more than one member become one Keras model averaging them all
(:func:`~sktime_gru._network.average_networks`). Never sees the estimator:
its parameters come in a :class:`~sktime_gru._training.TrainingSpec`.

Dimension legend: ``R`` rows of the flat panel, ``F`` encoded features,
``N`` windows.
"""

from __future__ import annotations

from sktime_gru._backtest import shrink_departure
from sktime_gru._network import average_networks
from sktime_gru._progress import say
from sktime_gru._training import TrainingSpec, build_like, train_like

__all__ = ["MEMBER_SEED_STRIDE", "combine", "train_ensemble"]

# member k is seeded seed + stride * k; the backtest network takes the next
# multiple (k = ensemble_size)
MEMBER_SEED_STRIDE = 7919


def train_ensemble(spec: TrainingSpec, encoding, shared, decoder_length, seed, weight):
    """Build and train ``spec.ensemble_size`` members; return ``(network, history)``.

    Parameters
    ----------
    spec : TrainingSpec
        The network's and the training's parameters.
    encoding : Encoding
        The fitted encoding of the inputs.
    shared : tuple of tensors
        ``(scaled (R, F), train (N,), held_out (N',))``, one copy for all
        members.
    decoder_length : int
        Decoder steps.
    seed : int
        Seed of the first member.
    weight : float
        The backtest's departure weight; 0: the backtest found no departure
        from the backbone worth keeping, so one untrained network (the
        backbone) is the forecaster.

    Returns
    -------
    network : keras.Model
        The single member, or a model averaging all members.
    history : dict
        Training history of the first member.
    """
    n_members = spec.ensemble_size if weight > 0 else 1
    epochs = spec.n_epochs if weight > 0 else 0
    members, history = [], {}
    if weight <= 0 and spec.n_epochs:
        say(
            spec.verbose,
            "the backtest kept none of the network (departure_weight_ 0): "
            "the members are not trained, the forecast is the backbone",
        )
    for m in range(n_members):
        # members differ only by seed: initial weights, dropout, window order
        member_seed = seed + MEMBER_SEED_STRIDE * m
        member = build_like(spec, encoding, decoder_length, member_seed, m, epochs > 0)
        member_history = train_like(
            spec,
            member,
            *shared,
            decoder_length,
            member_seed,
            epochs,
            keep_optimizer=n_members == 1,
            stage=f"member {m + 1}/{n_members}",
        )
        history = history or member_history
        shrink_departure(member, weight)
        members.append(member)
    return combine(members), history


def combine(members):
    """Return the single member, or a model averaging all members.

    The average is compiled only when it is trained (``update``), so that
    no empty optimizer state is stored with it.
    """
    if len(members) == 1:
        return members[0]
    return average_networks(members)
