"""Swish and Linear against values computed by hand and by direct formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_example_plugin.linear import Linear
from nn_example_plugin.swish import Swish

from nncore import InputTypeError, ShapeError


def test_swish_by_hand():
    x = np.array([-1.0, 0.0, 2.0])
    expected = [-1.0 / (1.0 + math.e), 0.0, 2.0 / (1.0 + math.exp(-2.0))]
    np.testing.assert_allclose(Swish().forward(x), expected, rtol=1e-12, atol=0)


def test_swish_beta_and_gradient_formula():
    rng = np.random.default_rng(3)
    x, dy = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    beta = 1.7
    module = Swish(beta)
    sigma = 1.0 / (1.0 + np.exp(-beta * x))
    np.testing.assert_allclose(module.forward(x), x * sigma, rtol=1e-12, atol=1e-14)
    # d/dx [x sigma(beta x)] = sigma + beta x sigma' with sigma' = sigma (1 - sigma)
    expected = dy * (sigma + beta * x * sigma * (1.0 - sigma))
    np.testing.assert_allclose(module.backward(x, dy), expected, rtol=1e-12, atol=1e-14)


def test_swish_is_finite_for_large_inputs():
    out = Swish().forward(np.array([-800.0, 800.0]))
    np.testing.assert_allclose(out, [0.0, 800.0], atol=1e-300)


def test_linear_by_hand():
    module = Linear(2, 2)
    module.weight[...] = [[1.0, 2.0], [0.0, -1.0]]
    module.bias[...] = [0.5, 1.0]
    x = np.array([[1.0, 1.0], [2.0, -1.0]])
    np.testing.assert_allclose(module.forward(x), [[3.5, 0.0], [0.5, 2.0]], atol=1e-14)
    module.zero_grad_parameters()
    dy = np.array([[1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(
        module.backward(x, dy, scale=0.5), [[1.0, 2.0], [0.0, -2.0]], atol=1e-14
    )
    np.testing.assert_allclose(module.grad_weight, [[0.5, 0.5], [2.0, -1.0]], atol=1e-14)
    np.testing.assert_allclose(module.grad_bias, [0.5, 1.0], atol=1e-14)


def test_linear_single_example_matches_its_row_in_a_batch():
    rng = np.random.default_rng(0)
    module = Linear(4, 3)
    x = rng.standard_normal((5, 4))
    batch = module.forward(x).copy()
    np.testing.assert_allclose(module.forward(x[2]), batch[2], rtol=1e-12, atol=1e-14)


def test_linear_matches_nn_basic_when_installed():
    nn_basic_linear = pytest.importorskip("nn_basic.linear").Linear
    rng = np.random.default_rng(1)
    mine, theirs = Linear(6, 4), nn_basic_linear(6, 4)
    theirs.weight[...], theirs.bias[...] = mine.weight, mine.bias
    x, dy = rng.standard_normal((3, 6)), rng.standard_normal((3, 4))
    np.testing.assert_allclose(mine.forward(x), theirs.forward(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(mine.backward(x, dy), theirs.backward(x, dy), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(mine.grad_weight, theirs.grad_weight, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "bad, error, message",
    [
        ("not an array", InputTypeError, "numpy.ndarray"),
        (np.zeros((2, 3)), ShapeError, "size 4 in dimension -1"),
        (np.zeros((2, 2, 4)), ShapeError, "1 or 2 dimensions"),
        (np.array(["a", "b", "c", "d"]), InputTypeError, "real numbers"),
    ],
)
def test_linear_bad_input_is_a_clear_error(bad, error, message):
    module = Linear(4, 3)
    with pytest.raises(error, match=message):
        module.forward(bad)
    assert module.forward(np.ones(4)).shape == (3,)
