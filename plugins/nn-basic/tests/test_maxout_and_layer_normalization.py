"""Maxout and LayerNormalization against direct formulas, central differences and, where it is
installed, PyTorch (torch/nn ``Maxout.lua`` and ``LayerNormalization.lua``)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.layer_normalization import LayerNormalization
from nn_basic.linear import Linear
from nn_basic.max import Max
from nn_basic.maxout import Maxout
from nn_basic.tanh import Tanh
from nn_basic.view import View

import nncore
from nncore.errors import ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import check_gradients  # noqa: E402

pytestmark = pytest.mark.usefixtures("seeded")


# ---------------------------------------------------------------------- Maxout
def _maxout(module, x):
    """``max_m (x W^T + b)[m * out + o]`` computed directly."""
    linear = module.get(0)
    pieces = (np.atleast_2d(x) @ linear.weight.T + linear.bias).reshape(
        len(np.atleast_2d(x)), -1, 3
    )
    return pieces.max(axis=1)


def test_maxout_is_torch_nn_s_sequential():
    m = Maxout(4, 3, 2)
    assert [type(c) for c in m.modules] == [Linear, View, Max]
    assert m.get(0).weight.shape == (6, 4)
    with_tanh = Maxout(4, 3, 2, preprocess=Tanh())
    assert [type(c) for c in with_tanh.modules] == [Linear, View, Tanh, Max]
    assert repr(m).startswith("nn.Maxout {")


def test_maxout_values_and_gradients(rng):
    m = Maxout(4, 3, 2)
    x = rng.standard_normal((5, 4))
    np.testing.assert_allclose(m.forward(x), _maxout(m, x), rtol=1e-12)
    np.testing.assert_allclose(m.forward(x[1]), _maxout(m, x[1])[0], rtol=1e-12)
    check_gradients(m, x)
    check_gradients(Maxout(3, 2, 3, preprocess=Tanh()), rng.standard_normal((2, 3)))


def test_maxout_gradient_goes_to_the_winning_piece():
    m = Maxout(1, 1, 3)
    m.get(0).weight[...] = [[1.0], [2.0], [-1.0]]
    m.get(0).bias[...] = 0.0
    x = np.array([[1.0], [-1.0]])  # winners: piece 1 (2x) then piece 2 (-x)
    np.testing.assert_array_equal(m.forward(x), [[2.0], [1.0]])
    m.zero_grad_parameters()
    np.testing.assert_array_equal(m.backward(x, np.ones((2, 1))), [[2.0], [-1.0]])
    np.testing.assert_array_equal(m.get(0).grad_weight, [[0.0], [1.0], [-1.0]])


def test_maxout_saves_and_rebuilds_with_its_preprocess(tmp_path, rng):
    m = Maxout(3, 2, 2, preprocess=Tanh())
    x = rng.standard_normal((4, 3))
    nncore.save(m, tmp_path / "maxout.safetensors")
    loaded = nncore.load(tmp_path / "maxout.safetensors")
    assert [type(c) for c in loaded.modules] == [Linear, View, Tanh, Max]
    np.testing.assert_array_equal(loaded.forward(x), m.forward(x))
    assert len(Maxout.from_config(m.config()).modules) == 4


def test_maxout_against_pytorch(rng):
    torch = pytest.importorskip("torch")
    m = Maxout(5, 3, 4)
    x = rng.standard_normal((6, 5))
    tx = torch.tensor(x, requires_grad=True)
    linear = torch.nn.functional.linear(
        tx, torch.tensor(m.get(0).weight), torch.tensor(m.get(0).bias)
    )
    ty = linear.view(6, 4, 3).max(dim=1).values
    np.testing.assert_allclose(m.forward(x), ty.detach().numpy(), rtol=1e-12)
    g = rng.standard_normal((6, 3))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(m.backward(x, g), tx.grad.numpy(), rtol=1e-12)


# ---------------------------------------------------------------------- LayerNormalization
def _layer_norm(x, eps=1e-10, weight=1.0, bias=0.0):
    """torch/nn's composition, step by step on each example."""
    rows = np.atleast_2d(x)
    centred = rows - rows.mean(axis=1, keepdims=True)
    normalized = centred / np.sqrt(np.sum(centred**2, axis=1, keepdims=True) + eps)
    return (normalized * math.sqrt(rows.shape[1]) * weight + bias).reshape(x.shape)


def test_layer_normalization_values(rng):
    ln = LayerNormalization(4, bias=0.25)
    np.testing.assert_array_equal(ln.weight, np.ones(4))
    np.testing.assert_array_equal(ln.bias, np.full(4, 0.25))
    x = rng.standard_normal((3, 4)) * 5 + 2
    y = ln.forward(x)
    np.testing.assert_allclose(y, _layer_norm(x, bias=0.25), rtol=1e-12)
    np.testing.assert_allclose((y - 0.25).mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose((y - 0.25).std(axis=1), 1, rtol=1e-8)  # biased std of each row
    np.testing.assert_allclose(ln.forward(x[2]), y[2], rtol=1e-12)


def test_layer_normalization_of_a_constant_example_is_the_bias():
    ln = LayerNormalization(3, bias=0.5)
    np.testing.assert_allclose(ln.forward(np.full(3, 7.0)), np.full(3, 0.5))
    assert np.all(np.isfinite(ln.backward(np.full(3, 7.0), np.ones(3))))


@pytest.mark.parametrize("affine", [True, False])
def test_layer_normalization_gradients(affine, rng):
    ln = LayerNormalization(5, eps=1e-3, affine=affine)
    if affine:
        ln.reset(0.7)
    check_gradients(ln, rng.standard_normal((3, 5)))
    check_gradients(ln, rng.standard_normal(5))
    assert len(ln.parameters()[0]) == (2 if affine else 0)


def test_layer_normalization_against_pytorch(rng):
    """PyTorch's layer_norm divides by ``sqrt(var + eps')``: ours is that with ``eps' = eps/n``."""
    torch = pytest.importorskip("torch")
    ln = LayerNormalization(6, eps=1e-4).reset(0.5)
    x = rng.standard_normal((4, 6))
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(ln.weight, requires_grad=True)
    tb = torch.tensor(ln.bias, requires_grad=True)
    ty = torch.nn.functional.layer_norm(tx, (6,), tw, tb, eps=1e-4 / 6)
    np.testing.assert_allclose(ln.forward(x), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal((4, 6))
    ty.backward(torch.tensor(g))
    ln.zero_grad_parameters()
    np.testing.assert_allclose(ln.backward(x, g, 0.5), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ln.grad_weight, 0.5 * tw.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ln.grad_bias, 0.5 * tb.grad.numpy(), rtol=1e-12)


def test_layer_normalization_refuses_other_sizes():
    ln = LayerNormalization(4)
    with pytest.raises(ShapeError, match="LayerNormalization"):
        ln.forward(np.zeros((2, 5)))
    with pytest.raises(ShapeError):
        ln.forward(np.zeros((2, 3, 4)))
    assert repr(ln) == "nn.LayerNormalization(4)"
    assert repr(LayerNormalization(2, affine=False)) == "nn.LayerNormalization(2, without affine)"
