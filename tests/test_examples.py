"""Smoke runs of the example scripts in examples/ (two training epochs each)."""

from __future__ import annotations

import json
import math
import runpy
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import tensorflow_only

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# with 2 epochs the GRU is far from converged, so the bounds only catch broken
# scaling or misaligned forecasts: monthly temperatures span about 0..35 °C
MAX_MAE = 10.0
MAX_MASE = 10.0


def _example_main(name: str):
    """Load ``examples/<name>.py`` without running it as a script."""
    namespace = runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name=name)
    return namespace["main"]


def test_weather_au_quick(tmp_path, capsys):
    output = tmp_path / "forecast.png"
    metrics = _example_main("weather_au")(["--quick", "--output", str(output)])

    assert metrics["n_epochs"] == 2
    for key in ("mae", "rmse", "mase", "fit_time_s"):
        assert math.isfinite(metrics[key]), key
    assert 0 < metrics["mae"] <= metrics["rmse"] < MAX_MAE
    assert 0 < metrics["mase"] < MAX_MASE
    assert metrics["fit_time_s"] > 0

    per_location = metrics["per_location"]
    assert per_location.shape == (44, 3)
    assert per_location.notna().all().all()
    # overall MASE is documented as the mean of the per-location values
    assert metrics["mase"] == pytest.approx(per_location["MASE"].mean())
    # MAE pooled over locations equals the mean of per-location MAEs here, as
    # every location has the same 18 test months
    assert metrics["mae"] == pytest.approx(per_location["MAE"].mean())
    # the intervals are nested: the 95% one covers at least what the 80% does
    assert set(metrics["coverage"]) == {0.8, 0.95}
    assert 0 < metrics["coverage"][0.8] <= metrics["coverage"][0.95] <= 1

    assert output.is_file()
    data = output.read_bytes()
    assert len(data) > 1000
    assert data.startswith(b"\x89PNG")
    assert "MASE" in capsys.readouterr().out


def test_cross_validation_quick(capsys):
    results = _example_main("cross_validation")(["--quick"])

    assert set(results) == {"GRU", "Naive"}
    expected_cutoffs = ["2013-06", "2014-06", "2015-06"]
    for name, frame in results.items():
        assert isinstance(frame, pd.DataFrame)
        assert len(frame) == 3, name
        assert [str(c) for c in frame["cutoff"]] == expected_cutoffs, name
        assert list(frame["len_train_window"]) == [54, 66, 78], name
        mae = frame["test_MeanAbsoluteError"]
        mase = frame["test_MeanAbsoluteScaledError"]
        assert mae.between(0, MAX_MAE, inclusive="neither").all(), name
        assert mase.between(0, MAX_MASE, inclusive="neither").all(), name
        assert frame["fit_time"].notna().all(), name
    assert "Summary" in capsys.readouterr().out


def test_pretrain_example_quick():
    import runpy
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "pretrain.py"
    result = runpy.run_path(str(path))["main"](["--quick"])
    assert len(result["unseen"]) == 14
    for key in ("mae_pretrained_on_30", "mae_trained_on_44"):
        assert 0 < result[key] < 10


@pytest.mark.slow
def test_update_strategies_example_quick():
    import runpy
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "update_strategies.py"
    table = runpy.run_path(str(path))["main"](["--quick"])
    assert len(table) == 6 and (table["folds"] == 3).all()
    assert ((table["mean MAE"] > 0) & (table["mean MAE"] < 10)).all()


@pytest.mark.slow
@tensorflow_only
def test_distributed_training_quick(capsys):
    """Two local workers (TF_CONFIG) train one network; then one process alone."""
    result = _example_main("distributed_training")(["--workers", "2", "--quick"])

    assert result["workers"] == 2 and result["epochs"] == 1
    # the all-reduce keeps the workers' networks identical, bit for bit
    assert result["max_weight_diff_between_workers"] == 0.0
    assert 0 < result["mae_multi_worker"] < MAX_MAE
    assert 0 < result["mae_single_process"] < MAX_MAE
    # close to the single-process fit: another order of float sums only
    assert result["mae_between_forecasts"] < 0.5
    assert result["fit_seconds"] > 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(line) == result
