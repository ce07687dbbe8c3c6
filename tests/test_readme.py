"""The README's "Using it with sktime" snippets run as a user runs them."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## Using it with sktime"


def _snippets() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.DOTALL)


def test_the_section_has_a_snippet_for_each_workflow():
    code = "\n".join(_snippets())
    for name in (
        "TransformedTargetForecaster",
        "ForecastingGridSearchCV",
        "PinballLoss",
        "ReconcilerForecaster",
        "predict_residuals",
        "align_series_ends",
    ):
        assert name in code, name


@pytest.mark.slow
def test_the_snippets_run_in_order_and_give_what_they_say(capsys):
    namespace: dict = {"__name__": "readme"}
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for snippet in _snippets():
            exec(compile(snippet, str(README), "exec"), namespace)
    # every warning a user sees is explained in the README: its text is there
    text = " ".join(README.read_text(encoding="utf-8").split())
    unexplained = {
        f"{w.category.__name__}: {w.message}"
        for w in record
        if " ".join(str(w.message).split())[:40] not in text
    }
    assert not unexplained
    y, y_pred = namespace["y"], namespace["y_pred"]
    assert len(y_pred) == 4 * 6 and np.isfinite(y_pred.to_numpy()).all()
    assert namespace["search"].best_params_["window_length"] in (12, 24)
    results = namespace["results"]
    assert len(results) == 2
    coverage = results["test_EmpiricalCoverage"].to_numpy()
    assert ((coverage >= 0) & (coverage <= 1)).all()
    # coherent: each state is the sum of its stations, the total of the states
    coherent = namespace["y_coherent"].iloc[:, 0]
    states = coherent.drop(index="__total", level=0)
    stations = states.drop(index="__total", level=1)
    by_state = stations.groupby(level=[0, 2]).sum()
    state_totals = states.xs("__total", level=1)
    np.testing.assert_allclose(
        by_state.sort_index().to_numpy(), state_totals.sort_index().to_numpy()
    )
    residuals = namespace["residuals"]
    assert residuals.index.equals(y.index)
    assert np.isfinite(residuals.to_numpy()).sum() > len(y) // 2
    # each series forecast from its own end: its next 6 steps, as commented
    y_own, lengths = namespace["y_own"], namespace["lengths"]
    for station, n in lengths.items():
        steps = y_own.loc[station].index.tolist()
        assert steps == list(range(n + 1, n + 7)), station
    assert namespace["intervals_own"].index.equals(y_own.index)
