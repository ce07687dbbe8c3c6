"""Faults: diverging training, and fit / update interrupted half-way.

A diverging fit must stop with ``FloatingPointError`` instead of returning a
network that forecasts NaN; a failed or interrupted ``fit`` / ``update`` must
leave the forecaster exactly as it was (cutoff, forecasts, network weights,
optimizer state), and a new forecaster unfitted.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from tests.conftest import make_panel, tiny_forecaster


class Interrupt(keras.callbacks.Callback):
    """Raises ``error`` after ``after`` training batches, once armed."""

    def __init__(self, error, after=2):
        super().__init__()
        self.error, self.after, self.armed, self.batches = error, after, False, 0

    def on_train_batch_end(self, batch, logs=None):
        if self.armed:
            self.batches += 1
            if self.batches >= self.after:
                raise self.error


def nan_loss(y_true, y_pred):
    """A loss that is NaN from the first batch on: a certain divergence."""
    return keras.ops.mean(keras.ops.square(y_true - y_pred)) * float("nan")


@pytest.fixture
def panel_data():
    return make_panel()


def _state(f):
    """What must survive a failed call: cutoff, forecasts, weights, attributes."""
    return {
        "cutoff": f.cutoff,
        "pred": f.predict(fh=[1, 2, 3]),  # sets f.fh: read fh after it
        "fh": f.fh.to_pandas(),
        "weights": [w.copy() for w in f.network_.get_weights()],
        # a network the backtest dropped is never trained, nor compiled: it
        # has no optimizer (on JAX these tiny fits drop it; TensorFlow keeps it)
        "optimizer": [np.asarray(v).copy() for v in f.network_.optimizer.variables]
        if f.network_.compiled
        else [],
        "network": f.network_,
        "keys": sorted(f.__dict__),
        "tail": f.tail_.copy(),
    }


def _assert_unchanged(f, before):
    after = _state(f)
    assert f.is_fitted
    assert after["cutoff"].equals(before["cutoff"])
    assert after["fh"].equals(before["fh"])
    pd.testing.assert_frame_equal(after["pred"], before["pred"], check_exact=True)
    assert after["network"] is before["network"]
    for a, b in zip(after["weights"], before["weights"]):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(after["optimizer"], before["optimizer"]):
        np.testing.assert_array_equal(a, b)
    assert after["keys"] == before["keys"]
    np.testing.assert_array_equal(after["tail"], before["tail"])


# --------------------------------------------------------------- divergence --
@pytest.mark.parametrize(
    "params",
    [
        {"loss": nan_loss},
        # float32 overflow after the first update; the next batch's loss is inf
        {"learning_rate": 1e36, "n_epochs": 3, "batch_size": 64},
    ],
    ids=["nan_loss", "huge_learning_rate"],
)
def test_diverging_fit_raises_and_keeps_previous_fit(panel_data, params):
    f = tiny_forecaster().fit(panel_data, fh=[1, 2, 3])
    before = _state(f)
    bad = tiny_forecaster(**params)
    with pytest.raises(FloatingPointError, match=r"training diverged.*learning_rate"):
        bad.fit(panel_data, fh=[1, 2, 3])
    assert not bad.is_fitted and not hasattr(bad, "network_")
    # the same failure on an already fitted forecaster changes nothing;
    # attributes, not set_params, which would reset the fitted state
    good = f.get_params(deep=False)
    for name, value in params.items():
        setattr(f, name, value)
    with pytest.raises(FloatingPointError):
        f.fit(panel_data, fh=[1, 2])
    for name in params:
        setattr(f, name, good[name])
    _assert_unchanged(f, before)


def test_overflow_in_the_last_step_is_caught(panel_data):
    # one batch per epoch, one epoch: the loss is computed before the update
    # that overflows float32, so the recorded loss is finite; the weights are not
    f = tiny_forecaster(learning_rate=1e39, n_epochs=1, batch_size=1024)
    with pytest.raises(FloatingPointError, match="weights became NaN or infinite"):
        f.fit(panel_data, fh=[1])
    assert not f.is_fitted


# ------------------------------------------------------------ atomic fit --
@pytest.mark.parametrize(
    "error", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
def test_interrupted_refit_leaves_fitted_forecaster_as_it_was(panel_data, error):
    stop = Interrupt(error)
    f = tiny_forecaster(callbacks=[stop]).fit(panel_data, fh=[1, 2, 3])
    before = _state(f)
    stop.armed = True
    longer = make_panel(lengths=(40, 30, 50))
    with pytest.raises(type(error)):
        f.fit(longer, fh=[1, 2])
    assert stop.batches >= 2  # it really stopped inside training
    _assert_unchanged(f, before)


@pytest.mark.parametrize(
    "error", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
def test_interrupted_first_fit_leaves_forecaster_unfitted(panel_data, error):
    stop = Interrupt(error)
    stop.armed = True
    f = tiny_forecaster(callbacks=[stop])
    with pytest.raises(type(error)):
        f.fit(panel_data, fh=[1, 2, 3])
    assert not f.is_fitted
    assert not hasattr(f, "network_") and not hasattr(f, "tail_")
    # and it can be fitted afterwards
    stop.armed = False
    assert f.fit(panel_data, fh=[1]).is_fitted


def test_failed_fit_on_bad_data_keeps_previous_fit(panel_data):
    f = tiny_forecaster().fit(panel_data, fh=[1, 2, 3])
    before = _state(f)
    with pytest.raises(ValueError, match="fewer than output_length"):
        f.fit(make_panel(lengths=(3, 2)), fh=[1])
    _assert_unchanged(f, before)


# ---------------------------------------------------------- atomic update --
@pytest.mark.parametrize(
    "error", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
def test_interrupted_fine_tuning_update_changes_nothing(error):
    y = make_panel(lengths=(40, 40, 40), start_offsets=(0, 0, 0))
    train, new = y.groupby(level=0).head(30), y.groupby(level=0).tail(10)
    stop = Interrupt(error, after=1)
    # no backtest: it may keep none of the network (then update trains nothing)
    f = tiny_forecaster(
        callbacks=[stop], update_epochs=3, interval_calibration="windows"
    ).fit(train, fh=[1, 2, 3])
    before = _state(f)
    stop.armed = True
    with pytest.raises(type(error)):
        f.update(new, update_params=True)
    assert stop.batches >= 1  # fine-tuning had started: weights were trained
    _assert_unchanged(f, before)
    # the same update goes through once the interruption is gone
    stop.armed = False
    f.update(new, update_params=True)
    assert f.cutoff[0] == y.index.get_level_values(-1).max()


def test_failed_update_does_not_move_the_cutoff():
    y = make_panel(lengths=(40, 40), start_offsets=(0, 0))
    f = tiny_forecaster().fit(y.groupby(level=0).head(30), fh=[1])
    before = _state(f)
    # sktime moves the cutoff before _update runs; a gap makes _update fail
    with pytest.raises(ValueError, match="leaving a gap"):
        f.update(y.groupby(level=0).tail(5), update_params=False)
    _assert_unchanged(f, before)


# -------------------------------------------------------- atomic pretrain --
def test_interrupted_pretrain_update_leaves_the_pretrained_network_as_it_was():
    y = make_panel(lengths=(40, 40, 40), start_offsets=(0, 0, 0))
    stop = Interrupt(KeyboardInterrupt(), after=1)
    f = tiny_forecaster(callbacks=[stop]).pretrain(y, fh=[1, 2])
    weights = [w.copy() for w in f.pretrained_network_.get_weights()]
    keys = sorted(f.__dict__)
    stop.armed = True
    with pytest.raises(KeyboardInterrupt):
        f.pretrain(y)  # second call: continues training (_pretrain_update)
    assert stop.batches >= 1
    assert f.state == "pretrained" and sorted(f.__dict__) == keys
    for a, b in zip(f.pretrained_network_.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
