"""What ``pip install`` reads: the license field and the extras a user needs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _project() -> dict:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib needs Python 3.11")
    import tomllib

    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def test_license_is_an_spdx_expression_not_a_deprecated_table():
    data = _project()
    assert data["project"]["license"] == "BSD-3-Clause"
    requires = data["build-system"]["requires"]
    assert any(r.replace(" ", "").startswith("setuptools>=77") for r in requires)


def test_plot_extra_installs_what_sktime_plotting_needs():
    extras = _project()["project"]["optional-dependencies"]
    names = {r.split(">")[0].split("=")[0].strip() for r in extras["plot"]}
    assert {"matplotlib", "seaborn"} <= names


def test_sktime_plot_series_works_with_the_extras(tmp_path):
    # what the plot extra is for: sktime's own plotting (it imports seaborn)
    import matplotlib

    matplotlib.use("Agg")
    from sktime.utils.plotting import plot_series

    from sktime_gru.datasets import load_weather_au

    y = load_weather_au().loc["Sydney"].iloc[:, 0]
    fig, ax = plot_series(y.iloc[:-6], y.iloc[-6:], labels=["history", "actual"])
    fig.savefig(tmp_path / "plot.png")
    assert (tmp_path / "plot.png").stat().st_size > 0
