"""All-or-nothing calls: a failed fit, pretrain or update changes nothing.

:func:`atomic` snapshots the forecaster's attributes (containers copied one
level deep) and, when a network is trained in place, its weights and optimizer
variables; if the call raises (or is interrupted) everything is put back.
"""

from __future__ import annotations

from sktime_gru._network import optimizer_variables
from sktime_gru._seeding import kept_global_random_state

__all__ = ["atomic", "restore_network", "snapshot_network"]


def atomic(est, call, network=None):
    """Run ``call()``; on any failure restore ``est``'s attributes and ``network``.

    Parameters
    ----------
    est : object
        Whose ``__dict__`` is restored.
    call : callable
        Without arguments; its result is returned.
    network : keras.Model or None
        A network ``call`` may change in place (fine-tuning).
    """
    snapshot = {k: _shallow(v) for k, v in est.__dict__.items()}
    weights = snapshot_network(network) if network is not None else None
    try:
        with kept_global_random_state():
            return call()
    except BaseException:
        est.__dict__.clear()
        est.__dict__.update(snapshot)
        if weights is not None:
            restore_network(network, weights)
        raise


def _shallow(value):
    """Copy containers so that a failed fit cannot leave them half-changed."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


def snapshot_network(network) -> tuple[list, list]:
    """Copy the weights and optimizer variables of ``network``.

    With :func:`restore_network` this undoes in-place training (``update``
    fine-tunes the fitted network) when it fails or is interrupted.
    """
    return [w.copy() for w in network.get_weights()], optimizer_variables(network)


def restore_network(network, snapshot: tuple[list, list]) -> None:
    """Put back what :func:`snapshot_network` copied."""
    weights, opt_values = snapshot
    network.set_weights(weights)
    opt = getattr(network, "optimizer", None)
    if opt is not None and opt_values:
        for var, value in zip(opt.variables, opt_values):
            var.assign(value)
