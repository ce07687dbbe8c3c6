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
