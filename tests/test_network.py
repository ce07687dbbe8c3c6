"""The pure Keras builder: shapes, cuDNN-eligible GRUs, seeded weights."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from sktime_gru._network import build_network  # noqa: E402
from tests.conftest import tensorflow_only  # noqa: E402


def _grus(model):
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            out += [layer.forward_layer, layer.backward_layer]
        elif isinstance(layer, keras.layers.GRU):
            out.append(layer)
    return out


def test_reference_design_shapes_and_layers():
    m = build_network(window_length=18, n_features=1, output_length=18, n_targets=1)
    assert m.input_shape == (None, 18, 1) and m.output_shape == (None, 18, 1)
    kinds = [type(layer).__name__ for layer in m.layers]
    assert kinds == [
        "InputLayer",
        "Bidirectional",
        "RepeatVector",
        "Bidirectional",
        "TimeDistributed",
    ]
    assert m.count_params() == 25_601  # the tutorial's network, units=32


@tensorflow_only
def test_gru_layers_are_cudnn_eligible():
    # Keras' own eligibility test, minus the "is a GPU present" part of cudnn_ok
    from keras.src.backend.tensorflow.rnn import _do_gru_arguments_support_cudnn

    m = build_network(
        window_length=6,
        n_features=3,
        output_length=4,
        n_targets=2,
        n_layers=2,
        dropout=0.2,
    )
    grus = _grus(m)
    assert len(grus) == 8  # 2 layers x encoder/decoder x 2 directions
    for gru in grus:
        cell = gru.cell
        assert cell.recurrent_dropout == 0 and not gru.unroll and cell.reset_after
        assert _do_gru_arguments_support_cudnn(
            cell.activation,
            cell.recurrent_activation,
            gru.unroll,
            cell.use_bias,
            reset_after=cell.reset_after,
        )


def test_seed_fixes_weights_and_directions_differ():
    kw = dict(window_length=5, n_features=1, output_length=3, n_targets=1)
    a, b = build_network(seed=3, **kw), build_network(seed=3, **kw)
    c = build_network(seed=4, **kw)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert any(
        not np.array_equal(x, y) for x, y in zip(a.get_weights(), c.get_weights())
    )
    bi = a.layers[1]
    assert not np.allclose(
        bi.forward_layer.get_weights()[0], bi.backward_layer.get_weights()[0]
    )


def test_future_input_and_unidirectional():
    m = build_network(
        window_length=5,
        n_features=4,
        output_length=3,
        n_targets=2,
        n_future_features=2,
        bidirectional=False,
        units=7,
    )
    assert [tuple(s) for s in m.input_shape] == [(None, 5, 4), (None, 3, 2)]
    out = m([np.zeros((2, 5, 4), "float32"), np.zeros((2, 3, 2), "float32")])
    assert tuple(out.shape) == (2, 3, 2)
