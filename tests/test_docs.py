"""What ``help()`` shows a user: full numpydoc on every public method."""

from __future__ import annotations

import pydoc

import pytest

from sktime_gru import GRUEncoderDecoderForecaster

PUBLIC = [
    "fit",
    "predict",
    "predict_residuals",
    "update",
    "pretrain",
    "save_model",
    "load_model",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_help_shows_numpydoc_sections(name):
    text = pydoc.render_doc(
        getattr(GRUEncoderDecoderForecaster, name), renderer=pydoc.plaintext
    )
    assert "Parameters\n" in text and "----------" in text
    assert "Returns" in text or "Raises" in text
    assert "Same contract as" not in text  # the old stub
    assert "_serialization.save_forecaster" not in text  # no private pointer


@pytest.mark.parametrize(
    "name", ["fit", "predict", "predict_residuals", "update", "pretrain"]
)
def test_documented_parameters_match_the_signature(name):
    import inspect

    method = getattr(GRUEncoderDecoderForecaster, name)
    doc = method.__doc__
    for parameter in inspect.signature(method).parameters:
        if parameter != "self":
            assert f"\n    {parameter} : " in doc, (name, parameter)


def test_every_constructor_parameter_is_documented():
    doc = GRUEncoderDecoderForecaster.__doc__
    for parameter in GRUEncoderDecoderForecaster.get_param_names():
        assert f"\n    {parameter} : " in doc, parameter


# ----------------------------------------- names in README.md and help() --
def _readme_parameter_table() -> list[str]:
    """The first column of README.md's "## Parameters" table."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    start = text.index("\n## Parameters\n")
    end = text.index("\n## ", start + 1)
    rows = re.findall(r"^\| `([^`]+)` \|", text[start:end], flags=re.MULTILINE)
    assert rows, "no parameter table found"
    return rows


def test_readme_parameter_table_names_exactly_the_constructor_parameters():
    table = _readme_parameter_table()
    params = GRUEncoderDecoderForecaster.get_param_names()
    assert sorted(set(table) - set(params)) == [], "in the table, not parameters"
    assert sorted(set(params) - set(table)) == [], "parameters missing in the table"
    assert len(table) == len(set(table)), "a parameter listed twice"


def test_readme_and_examples_construct_the_forecaster_with_real_parameters():
    """``GRUEncoderDecoderForecaster(name=...)`` in the docs: real parameters."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    params = set(GRUEncoderDecoderForecaster.get_param_names())
    files = [root / "README.md", *sorted((root / "examples").glob("*.py"))]
    checked = 0
    for path in files:
        text = path.read_text("utf-8")
        for call in re.findall(r"GRUEncoderDecoderForecaster\(([^()]*)\)", text):
            for name in re.findall(r"\b([a-z_]+)=", call):
                assert name in params, (path.name, name)
                checked += 1
    assert checked >= 10  # the pattern found the calls


def test_every_public_fitted_attribute_is_documented():
    """Each attribute ending in ``_`` that fit sets is in the Attributes section."""
    import re

    from sktime_gru.datasets import load_weather_au

    y = load_weather_au()
    y = y[y.index.get_level_values("Location").isin(["Sydney", "Cairns"])]
    fitted = [
        GRUEncoderDecoderForecaster(
            n_epochs=0, ensemble_size=1, units=4, random_state=0, **extra
        ).fit(y, fh=[1, 2, 3])
        for extra in ({}, {"interval_calibration": "windows", "deseasonalize": False})
    ]
    doc = GRUEncoderDecoderForecaster.__doc__
    attributes = doc[doc.index("    Attributes\n") : doc.index("    Raises\n")]
    documented = set()
    for line in attributes.splitlines():
        if re.match(r"^    [a-z]", line):  # an entry, not its description
            head = line.strip().rstrip("\\").split(" : ")[0]
            documented |= {name.strip() for name in head.split(",") if name.strip()}
    public = {
        name
        for f in fitted
        for name in vars(f)
        if name.endswith("_") and not name.startswith("_")
    }
    assert sorted(public - documented) == []
    # and nothing documented that fit never sets (pretrain's are documented apart)
    stale = documented - public - {n for n in documented if n.startswith("pretrain")}
    assert sorted(stale) == []
