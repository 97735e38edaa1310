"""Tests of nn-basic's simple layers against hand-computed values and direct numpy formulas."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.abs import Abs
from nn_basic.add import Add
from nn_basic.cadd import CAdd
from nn_basic.cmul import CMul
from nn_basic.dropout import Dropout
from nn_basic.mul import Mul

import nncore
from nncore.errors import InputTypeError, ShapeError


def _arrays(value):
    return [a for item in value for a in _arrays(item)] if isinstance(value, list) else [value]


def check_gradients(module, input, seed=0, eps=1e-6, atol=1e-6, params=True):
    """Compare backward's input and parameter gradients with central differences of
    ``sum(forward(input) * grad_output)``."""
    rng = np.random.default_rng(seed)
    output = module.forward(input)
    grad_output = [rng.standard_normal(o.shape) for o in _arrays(output)]

    def loss():
        outputs = _arrays(module.forward(input))
        return sum(np.sum(o * g) for o, g in zip(outputs, grad_output, strict=True))

    module.zero_grad_parameters()
    module.forward(input)
    go = grad_output if isinstance(output, list) else grad_output[0]
    grad_input = module.backward(input, go)
    targets = list(zip(_arrays(input), _arrays(grad_input), strict=True))
    if params:
        targets += list(zip(*module.parameters(), strict=True))
    for array, analytic in targets:
        numeric = np.zeros(array.shape)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + eps
            plus = loss()
            array[index] = saved - eps
            minus = loss()
            array[index] = saved
            numeric[index] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, atol=atol, rtol=1e-5)


@pytest.fixture(autouse=True)
def _seed():
    nncore.manual_seed(1234)


# ---------------------------------------------------------------------- CMul / CAdd
def test_cmul_broadcast_batch_and_same_shape():
    rng = np.random.default_rng(0)
    m = CMul((1, 3))
    w = m.weight.copy()
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(m.forward(x), x * w, rtol=1e-12)
    go = rng.standard_normal((4, 3))
    m.zero_grad_parameters()
    m.backward(x, go, 0.5)
    expected = 0.5 * np.array([[sum(x[b, j] * go[b, j] for b in range(4)) for j in range(3)]])
    np.testing.assert_allclose(m.grad_weight, expected, rtol=1e-12)
    check_gradients(m, x)

    single = CMul(5)
    check_gradients(single, rng.standard_normal(5))
    batch = CMul(5)
    check_gradients(batch, rng.standard_normal((3, 5)))
    nested = CMul((2, 3))  # batch of (2, 3) examples
    y = rng.standard_normal((4, 2, 3))
    np.testing.assert_allclose(nested.forward(y), y * nested.weight[None], rtol=1e-12)
    check_gradients(nested, y)


def test_cmul_rejects_mismatched_input():
    m = CMul(3)
    with pytest.raises(ShapeError, match="CMul"):
        m.forward(np.ones((2, 4)))
    with pytest.raises(InputTypeError):
        m.forward("not an array")
    assert m.forward(np.ones(3)).shape == (3,)


def test_cadd_values_and_gradients():
    rng = np.random.default_rng(1)
    m = CAdd((3, 1))
    m.bias[...] = [[1.0], [2.0], [3.0]]
    x = np.zeros((3, 4))
    np.testing.assert_allclose(m.forward(x), np.repeat([[1.0], [2.0], [3.0]], 4, axis=1))
    m.zero_grad_parameters()
    m.backward(x, np.ones((3, 4)))
    np.testing.assert_allclose(m.grad_bias, [[4.0], [4.0], [4.0]])
    check_gradients(CAdd(4), rng.standard_normal((2, 4)))
    check_gradients(CAdd(4), rng.standard_normal(4))
    with pytest.raises(ShapeError):
        m.forward(np.ones((2, 4)))


# ---------------------------------------------------------------------- Mul / Add
def test_mul():
    rng = np.random.default_rng(2)
    m = Mul()
    m.weight[0] = 2.5
    x = rng.standard_normal((3, 2))
    np.testing.assert_allclose(m.forward(x), 2.5 * x)
    go = rng.standard_normal((3, 2))
    m.zero_grad_parameters()
    np.testing.assert_allclose(m.backward(x, go), 2.5 * go)
    np.testing.assert_allclose(m.grad_weight, [np.sum(x * go)], rtol=1e-12)
    check_gradients(m, x)
    with pytest.raises(InputTypeError):
        m.forward("not an array")


def test_add_vector_scalar_and_batch():
    rng = np.random.default_rng(3)
    m = Add(3)
    m.bias[...] = [1.0, 2.0, 3.0]
    np.testing.assert_allclose(m.forward(np.zeros(3)), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(m.forward(np.zeros((2, 3))), [[1.0, 2.0, 3.0]] * 2)
    m.zero_grad_parameters()
    m.backward(np.zeros((2, 3)), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    np.testing.assert_allclose(m.grad_bias, [5.0, 7.0, 9.0])
    check_gradients(Add(3), rng.standard_normal((4, 3)))
    check_gradients(Add(6), rng.standard_normal((2, 2, 3)))
    s = Add(7, scalar=True)
    assert s.bias.shape == (1,)
    np.testing.assert_allclose(s.forward(np.zeros(5)), np.full(5, s.bias[0]))
    check_gradients(s, rng.standard_normal((2, 5)))
    with pytest.raises(ShapeError):
        m.forward(np.zeros((2, 4)))


# ---------------------------------------------------------------------- Abs
def test_abs():
    m = Abs()
    x = np.array([[-1.5, 0.0, 2.0]])
    np.testing.assert_allclose(m.forward(x), [[1.5, 0.0, 2.0]])
    # torch/nn's Abs takes sign(0) = +1
    np.testing.assert_allclose(m.backward(x, np.array([[3.0, 4.0, 5.0]])), [[-3.0, 4.0, 5.0]])
    check_gradients(m, np.array([0.3, -0.7, 1.1]))
    with pytest.raises(ShapeError):
        m.backward(x, np.ones(3))
    with pytest.raises(InputTypeError):
        m.forward("not an array")


# ---------------------------------------------------------------------- Dropout
def test_dropout_v2_scales_kept_elements_and_masks_gradient():
    m = Dropout(0.25)
    x = np.ones((200, 50))
    y = m.forward(x)
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.75)
    assert abs(kept.mean() - 0.75) < 0.02
    g = m.backward(x, np.full(x.shape, 2.0))
    np.testing.assert_allclose(g, np.where(kept, 2.0 / 0.75, 0.0))
    m.evaluate()
    np.testing.assert_array_equal(m.forward(x), x)
    np.testing.assert_array_equal(m.backward(x, x), x)


def test_dropout_v1_and_stochastic_inference():
    m = Dropout(0.4, v1=True)
    y = m.forward(np.ones(1000))
    assert set(np.unique(y)) <= {0.0, 1.0}
    m.evaluate()
    np.testing.assert_allclose(m.forward(np.ones(3)), [0.6, 0.6, 0.6])
    np.testing.assert_allclose(m.backward(np.ones(3), np.ones(3)), [0.6, 0.6, 0.6])
    s = Dropout(0.5, stochastic_inference=True).evaluate()
    assert np.any(s.forward(np.ones(100)) == 0)


def test_dropout_is_seeded_inplace_and_validated():
    nncore.manual_seed(7)
    a = Dropout(0.5).forward(np.ones(20))
    nncore.manual_seed(7)
    b = Dropout(0.5).forward(np.ones(20))
    np.testing.assert_array_equal(a, b)
    m = Dropout(0.5, inplace=True)
    x = np.ones(20)
    y = m.forward(x)
    assert y is x and np.any(x == 0)
    go = np.ones(20)
    assert m.backward(x, go) is go
    np.testing.assert_array_equal(go, m.noise)
    np.testing.assert_array_equal(Dropout(0.0).forward(np.ones(3)), np.ones(3))
    with pytest.raises(ValueError):
        Dropout(1.0)
    with pytest.raises(InputTypeError):
        Dropout().forward("not an array")
