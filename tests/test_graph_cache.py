"""Reused trainers: one traced train step per network structure, never shared state.

The forecaster trains every network through a cached, compiled model of the
same structure (``sktime_gru._graph_cache``), so that a loop of fits does not keep
one traced TensorFlow train step per fit. These tests pin what must not change
for the user: forecasts do not depend on what was fitted before in the process,
threads never share a trainer, and the cache stays small.
"""

from __future__ import annotations

import threading

import keras
import numpy as np
import pandas as pd
import pytest

from sktime_gru import _graph_cache
from sktime_gru._network import build_network
from sktime_gru._training import compile_network
from tests.conftest import BACKEND, make_panel, tensorflow_only, tiny_forecaster

#: PyTorch keeps no trainers (``_backend.caches_trainers``): nothing to count
caching = pytest.mark.skipif(
    BACKEND == "torch", reason="PyTorch builds a fresh trainer for every training"
)

FH = [1, 2, 3]


@pytest.fixture
def y():
    return make_panel(lengths=(40, 36, 44), start_offsets=(0, 4, 0))


def _network(seed=0, units=4, loss="mse", learning_rate=1e-3, name="net"):
    net = build_network(
        window_length=4, n_features=1, output_length=3, n_targets=1,
        units=units, seed=seed, name=name,
    )  # fmt: skip
    return compile_network(
        net,
        optimizer="adam",
        learning_rate=learning_rate,
        loss=loss,
        run_eagerly=False,
    )


def test_structure_key_ignores_seeds_and_names_only():
    base = _graph_cache.structure_key(_network(seed=0, name="a"))
    assert _graph_cache.structure_key(_network(seed=5, name="b")) == base
    assert _graph_cache.structure_key(_network(units=8)) != base
    assert _graph_cache.structure_key(_network(loss="mae")) != base


def test_learning_rate_is_no_part_of_the_structure():
    """The traced step reads the learning rate from a variable: one trace for all."""
    base = _graph_cache.structure_key(_network())
    assert _graph_cache.structure_key(_network(learning_rate=1e-2)) == base


def test_a_shared_trainer_trains_each_fit_with_its_own_learning_rate(y):
    """Fits that differ only by learning rate share a trainer, not the rate."""
    # no backtest: the network is always trained and kept (a backtest could
    # drop it, and then every learning rate gives the backbone's forecast)
    params = dict(run_eagerly=False, interval_calibration="windows")
    alone = tiny_forecaster(**params, learning_rate=1e-2).fit(y, fh=FH)
    expected = alone.predict()
    trainers = _graph_cache.cached_trainers()
    tiny_forecaster(**params, learning_rate=1e-3).fit(y, fh=FH)
    again = tiny_forecaster(**params, learning_rate=1e-2).fit(y, fh=FH)
    assert _graph_cache.cached_trainers() == trainers  # 0 on PyTorch
    pd.testing.assert_frame_equal(again.predict(), expected)
    slow = tiny_forecaster(**params, learning_rate=1e-5).fit(y, fh=FH)
    assert not np.allclose(slow.predict().to_numpy(), expected.to_numpy())


def test_plain_function_losses_are_told_apart_by_identity():
    def loss_a(t, p):
        return keras.ops.mean(keras.ops.square(t - p))

    def loss_b(t, p):
        return keras.ops.mean(keras.ops.abs(t - p))

    assert _graph_cache.structure_key(
        _network(loss=loss_a)
    ) == _graph_cache.structure_key(_network(loss=loss_a))
    assert _graph_cache.structure_key(
        _network(loss=loss_a)
    ) != _graph_cache.structure_key(_network(loss=loss_b))


# eager on JAX compiles every scan again (6 min here): slow there, so that CI's
# non-slow run on JAX leaves it out; TensorFlow runs both
EAGER_COST = pytest.mark.slow if BACKEND != "tensorflow" else ()


@pytest.mark.parametrize(
    "eager", [False, pytest.param(True, marks=EAGER_COST)], ids=["graph", "eager"]
)
def test_forecasts_do_not_depend_on_earlier_fits_in_the_process(y, eager):
    """Weights, optimizer moments and dropout seeds never leak between fits."""
    params = dict(run_eagerly=eager, dropout=0.2, n_epochs=3)
    first = tiny_forecaster(random_state=0, **params).fit(y, fh=FH).predict()
    # other fits of the same structure (other seeds) train the same trainer
    tiny_forecaster(random_state=1, **params).fit(y, fh=FH)
    tiny_forecaster(random_state=2, n_epochs=5, dropout=0.2).fit(y, fh=FH)
    again = tiny_forecaster(random_state=0, **params).fit(y, fh=FH).predict()
    pd.testing.assert_frame_equal(first, again, check_exact=True)


@caching
def test_many_fits_of_one_configuration_keep_one_trainer(y):
    before = _graph_cache.cached_trainers()
    for seed in range(3):
        tiny_forecaster(random_state=seed, run_eagerly=False, units=3).fit(y, fh=FH)
    assert _graph_cache.cached_trainers() - before <= 1
    assert _graph_cache.cached_trainers() <= _graph_cache.MAX_TRAINERS


@caching
def test_cache_is_bounded(y):
    for units in range(1, _graph_cache.MAX_TRAINERS + 3):
        tiny_forecaster(units=units, n_epochs=1).fit(y, fh=FH)
    assert _graph_cache.cached_trainers() == _graph_cache.MAX_TRAINERS


def test_failed_training_leaves_the_network_untouched():
    net = _network(seed=3)
    weights = [w.copy() for w in net.get_weights()]
    with pytest.raises(KeyboardInterrupt):
        with _graph_cache.borrowed_trainer(net) as trainer:
            trainer.get_layer("head").set_weights(
                [np.ones_like(w) for w in trainer.get_layer("head").get_weights()]
            )
            raise KeyboardInterrupt
    for a, b in zip(net.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    assert not net.optimizer.built  # no optimizer state was copied back


def test_concurrent_fits_in_threads_match_sequential_fits(y):
    """A trainer in use by one thread is never lent to another."""
    params = dict(run_eagerly=False, n_epochs=3)
    expected = {
        s: tiny_forecaster(random_state=s, **params).fit(y, fh=FH).predict()
        for s in (0, 1, 2)
    }
    got, errors = {}, []

    def work(seed):
        try:
            f = tiny_forecaster(random_state=seed, **params)
            got[seed] = f.fit(y, fh=FH).predict()
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(s,)) for s in (0, 1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    for s in (0, 1, 2):
        pd.testing.assert_frame_equal(got[s], expected[s], check_exact=True)


def test_fits_still_work_after_the_user_clears_the_keras_session(y):
    first = tiny_forecaster(run_eagerly=False).fit(y, fh=FH).predict()
    keras.backend.clear_session()
    again = tiny_forecaster(run_eagerly=False).fit(y, fh=FH).predict()
    pd.testing.assert_frame_equal(first, again, check_exact=True)


def test_update_fine_tuning_continues_the_network_s_own_optimizer(y):
    """The optimizer moments belong to the network, not to the shared trainer."""
    head = y.groupby(level=0).head(34)
    # no backtest: the network is always trained and kept (a backtest could
    # drop it: then the members are not trained and have no optimizer)
    params = dict(run_eagerly=False, interval_calibration="windows")
    f = tiny_forecaster(**params).fit(head, fh=FH)
    moments = [np.asarray(v).copy() for v in f.network_.optimizer.variables]
    assert int(f.network_.optimizer.iterations.numpy()) > 0
    # another fit of the same structure trains the same trainer meanwhile
    tiny_forecaster(random_state=9, **params).fit(y, fh=FH)
    for a, b in zip(f.network_.optimizer.variables, moments):
        np.testing.assert_array_equal(np.asarray(a), b)
    steps = int(f.network_.optimizer.iterations.numpy())
    f.update(y, update_params=True)
    assert int(f.network_.optimizer.iterations.numpy()) > steps


def test_traced_predictions_match_the_eager_network_call(y):
    f = tiny_forecaster(run_eagerly=False, ensemble_size=2).fit(y, fh=FH)
    traced = f.predict()
    f.run_eagerly = True  # _inference.predict_network then calls the model eagerly
    eager = f.predict()
    pd.testing.assert_frame_equal(traced, eager, rtol=1e-5)


def test_one_traced_predictor_per_structure_whatever_the_fits(y):
    before = _graph_cache.cached_predictors()
    for seed in range(3):
        tiny_forecaster(random_state=seed, run_eagerly=False, units=5).fit(
            y, fh=FH
        ).predict()
    assert _graph_cache.cached_predictors() - before <= 1
    assert _graph_cache.cached_predictors() <= _graph_cache.MAX_TRAINERS


def test_ensembles_of_any_learning_rate_share_one_predictor(y):
    """Trained members carry their compile config; the predictor ignores it."""
    before = _graph_cache.cached_predictors()
    for learning_rate in (1e-3, 1e-2, 3e-2):
        tiny_forecaster(
            run_eagerly=False, units=6, ensemble_size=2, learning_rate=learning_rate
        ).fit(y, fh=FH).predict()
    # the members' structure only: an ensemble traces no predictor of its own
    assert _graph_cache.cached_predictors() - before <= 1


def test_an_ensemble_predicts_through_its_members_bit_for_bit(y):
    """Members through their own predictor, averaged: as the traced ensemble."""
    f = tiny_forecaster(
        run_eagerly=False, ensemble_size=3, interval_calibration="windows"
    ).fit(y, fh=FH)
    network = f.network_
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(7, *t.shape[1:])).astype(np.float32) for t in network.inputs]
    x = x[0] if len(x) == 1 else x
    whole = _graph_cache._new_predictor(network)  # the ensemble traced as one
    whole.model.set_weights(network.get_weights())
    expected = np.asarray(whole.call(x))
    np.testing.assert_array_equal(
        np.asarray(_graph_cache.predict_traced(network, x)), expected
    )


@tensorflow_only
def test_a_grid_search_over_learning_rates_triggers_no_retracing_warning():
    """One traced trainer and predictor serve every candidate of the grid.

    Before, each learning rate traced its own trainer and ensemble predictor,
    and TensorFlow warned "N out of the last M calls to <function
    _new_predictor.<locals>.<lambda>> triggered tf.function retracing".
    """
    import logging

    from sktime.forecasting.model_selection import ForecastingGridSearchCV
    from sktime.split import ExpandingWindowSplitter
    from tensorflow.python.eager.polymorphic_function import polymorphic_function

    # TensorFlow warns at most twice per function and process: forget earlier
    # tests' tracing, so that this test can see the warning
    manager = getattr(polymorphic_function, "_frequent_tracing_detector_manager", None)
    if manager is not None:
        manager._detectors.clear()
    messages = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger("tensorflow")
    logger.addHandler(handler)
    try:
        search = ForecastingGridSearchCV(
            tiny_forecaster(
                run_eagerly=False,
                n_epochs=1,
                ensemble_size=2,
                interval_calibration="windows",
            ),
            cv=ExpandingWindowSplitter(fh=FH, initial_window=37),  # one fold
            param_grid={"learning_rate": [1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2]},
            backend=None,
            error_score="raise",
        )
        search.fit(make_panel(lengths=(40, 40, 40), start_offsets=(0, 0, 0)), fh=FH)
    finally:
        logger.removeHandler(handler)
    assert not [m for m in messages if "retracing" in m]
