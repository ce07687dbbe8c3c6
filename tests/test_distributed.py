"""Parallel and distributed evaluation with sktime's ``evaluate`` backends.

The forecaster travels to worker processes (pickled / cloudpickled), is fitted
there, and must give exactly the numbers of the sequential run: ``random_state``
fixes weights, dropout and window order, and nothing depends on the process.
Each test starts its workers (or cluster) and shuts them down itself.

``backend="multiprocessing"`` forks the parent, and TensorFlow does not survive
``fork`` once it has started: the forecaster raises a clear ``RuntimeError`` in
such a child instead of hanging; use ``"loky"`` or ``"dask"``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from sktime.forecasting.model_evaluation import evaluate
from sktime.split import ExpandingWindowSplitter

from tests.conftest import make_panel, tiny_forecaster

SCORE = "test_MeanAbsolutePercentageError"


def _evaluate(**kwargs) -> pd.DataFrame:
    y = make_panel(lengths=(30, 30, 30), start_offsets=(0, 0, 0))
    cv = ExpandingWindowSplitter(initial_window=20, step_length=3, fh=[1, 2])
    return evaluate(tiny_forecaster(n_epochs=1, random_state=0), cv, y, **kwargs)


@pytest.fixture(scope="module")
def sequential():
    return _evaluate()


def _assert_same_results(results, sequential):
    assert len(results) == len(sequential) == 3
    np.testing.assert_array_equal(results[SCORE].to_numpy(), sequential[SCORE])
    assert list(results["cutoff"].astype(str)) == list(sequential["cutoff"].astype(str))
    assert np.isfinite(results[SCORE]).all()


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend, backend_params",
    [
        ("loky", {"n_jobs": 2}),
        # sktime's "joblib" backend passes the joblib backend by name
        ("joblib", {"backend": "loky", "n_jobs": 2}),
        ("joblib", {"backend": "threading", "n_jobs": 2}),
    ],
    ids=["loky", "joblib-loky", "joblib-threading"],
)
def test_joblib_backends_match_sequential(sequential, backend, backend_params):
    results = _evaluate(backend=backend, backend_params=backend_params)
    _assert_same_results(results, sequential)


@pytest.mark.slow
def test_forked_workers_raise_instead_of_hanging(sequential):
    # the fixture ran TensorFlow (or JAX) in this process: forked children
    # would block on their first operation; the forecaster says so instead
    with pytest.raises(RuntimeError, match="forked after (TensorFlow|JAX).*'loky'"):
        _evaluate(
            backend="multiprocessing",
            backend_params={"n_jobs": 2},
            error_score="raise",
        )


@pytest.mark.slow
def test_dask_local_cluster_matches_sequential(sequential):
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=120)
        workers = set(client.scheduler_info()["workers"])
        with distributed.get_task_stream(client) as stream:
            results = _evaluate(backend="dask")
        # the work really ran on the cluster's worker processes (asked after
        # the work, the scheduler's list of workers came back empty once on
        # a loaded machine: the task stream records where each task ran)
        assert len(workers) == 2
        assert stream.data
        assert {task["worker"] for task in stream.data} <= workers
    _assert_same_results(results, sequential)


@pytest.mark.slow
def test_ray_matches_sequential(sequential):
    ray = pytest.importorskip("ray")
    try:
        results = _evaluate(
            backend="ray",
            backend_params={
                "ray_remote_args": {"num_cpus": 2, "include_dashboard": False},
                "shutdown_ray": True,
            },
        )
    finally:
        if ray.is_initialized():
            ray.shutdown()
    _assert_same_results(results, sequential)
