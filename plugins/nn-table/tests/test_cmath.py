"""Elementwise table arithmetic against torch/nn's documented values and hand-computed gradients."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import nn
from nncore.errors import InputTypeError, ShapeError


def test_c_add_table_documented_value():
    ii = [np.ones(5), 2 * np.ones(5), 3 * np.ones(5)]
    module = nn.CAddTable()
    np.testing.assert_array_equal(module.forward(ii), np.full(5, 6.0))
    assert ii[0].tolist() == [1.0] * 5
    g = np.arange(5.0)
    grads = module.backward(ii, g)
    assert len(grads) == 3
    for grad in grads:
        np.testing.assert_array_equal(grad, g)
        assert grad is not g


def test_c_add_table_inplace_writes_into_the_first_input():
    ii = [np.ones(3), 2 * np.ones(3)]
    module = nn.CAddTable(inplace=True)
    out = module.forward(ii)
    assert out is ii[0] and ii[0].tolist() == [3.0, 3.0, 3.0]
    g = np.ones(3)
    assert all(grad is g for grad in module.backward(ii, g))
    assert repr(module) == "nn.CAddTable(inplace)"


def test_c_sub_table():
    module = nn.CSubTable()
    np.testing.assert_allclose(module.forward([np.full(5, 2.2), np.ones(5)]), np.full(5, 1.2))
    g = np.array([1.0, -2.0, 3.0, 0.5, 0.0])
    grad_a, grad_b = module.backward([np.zeros(5), np.zeros(5)], g)
    np.testing.assert_array_equal(grad_a, g)
    np.testing.assert_array_equal(grad_b, -g)


def test_c_mul_table_value_and_gradient_with_zeros():
    ii = [2 * np.ones(5), 3 * np.ones(5), 4 * np.ones(5)]
    module = nn.CMulTable()
    np.testing.assert_array_equal(module.forward(ii), np.full(5, 24.0))
    x = [np.array([0.0, 2.0]), np.array([3.0, 0.0]), np.array([5.0, 7.0])]
    g = np.array([1.0, 10.0])
    module.forward(x)
    grads = module.backward(x, g)
    np.testing.assert_array_equal(grads[0], [3 * 5, 10 * 0 * 7])
    np.testing.assert_array_equal(grads[1], [0 * 5, 10 * 2 * 7])
    np.testing.assert_array_equal(grads[2], [0 * 3, 10 * 2 * 0])


def test_c_div_table():
    module = nn.CDivTable()
    np.testing.assert_allclose(module.forward([np.full(5, 2.2), np.full(5, 4.4)]), np.full(5, 0.5))
    x = [np.array([3.0]), np.array([2.0])]
    module.forward(x)
    grad_a, grad_b = module.backward(x, np.array([4.0]))
    np.testing.assert_allclose(grad_a, [4.0 / 2.0])
    np.testing.assert_allclose(grad_b, [-4.0 * 3.0 / 4.0])


@pytest.mark.parametrize(
    "name, expected, winner",
    [("CMaxTable", [3, 2, 3], [1, 0, 0]), ("CMinTable", [1, 2, 1], [0, 0, 1])],
)
def test_c_max_and_min_table(name, expected, winner):
    a, b = np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])
    module = getattr(nn, name)()
    np.testing.assert_array_equal(module.forward([a, b]), expected)
    g = np.array([10.0, 20.0, 30.0])
    grad_a, grad_b = module.backward([a, b], g)
    # a tie (the middle element) sends the gradient to the first input, as torch/nn does
    np.testing.assert_array_equal(grad_a, np.where(np.array(winner) == 0, g, 0))
    np.testing.assert_array_equal(grad_b, np.where(np.array(winner) == 1, g, 0))


@pytest.mark.parametrize(
    "name", ["CAddTable", "CSubTable", "CMulTable", "CDivTable", "CMaxTable", "CMinTable"]
)
def test_cmath_bad_inputs(name):
    module = getattr(nn, name)()
    with pytest.raises(InputTypeError, match="expected input to be a table"):
        module.forward(np.ones(3))
    with pytest.raises(ShapeError, match=r"expected input\[1\] of the same shape as input\[0\]"):
        module.forward([np.ones(3), np.ones(2)])
    module.forward([np.ones(3), np.ones(3)])
    with pytest.raises(ShapeError, match="expected grad_output of shape"):
        module.backward([np.ones(3), np.ones(3)], np.ones(4))
    assert module.forward([np.ones(2), np.ones(2)]).shape == (2,)


@pytest.mark.parametrize("name", ["CSubTable", "CDivTable"])
def test_binary_cmath_needs_exactly_two_inputs(name):
    with pytest.raises(ShapeError, match="table of 2 elements, got a list of length 3"):
        getattr(nn, name)().forward([np.ones(2)] * 3)


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_c_mul_table_gradients_match_the_products_of_the_other_inputs(count):
    rng = np.random.default_rng(count)
    x = [rng.standard_normal((4, 3)) for _ in range(count)]
    x[0][0, 0] = x[-1][1, 2] = 0.0  # zeros get exact gradients (no division)
    g = rng.standard_normal((4, 3))
    module = nn.CMulTable()
    expected_output = np.ones((4, 3))
    for array in x:
        expected_output = expected_output * array
    np.testing.assert_allclose(module.forward(x), expected_output, rtol=1e-14)
    grads = module.backward(x, g)
    for i in range(count):
        others = np.ones((4, 3))
        for j, array in enumerate(x):
            if j != i:
                others = others * array
        np.testing.assert_allclose(grads[i], g * others, rtol=1e-14)
        assert grads[i] is not g


@pytest.mark.parametrize(
    "name, reduce, pick", [("CMaxTable", np.max, np.argmax), ("CMinTable", np.min, np.argmin)]
)
def test_c_max_and_min_table_follow_the_first_winner_among_many(name, reduce, pick):
    rng = np.random.default_rng(0)
    x = [rng.integers(0, 3, (5, 4)).astype(np.float32) for _ in range(4)]  # many ties
    x[2][0, 0] = np.nan  # a NaN wins where it appears, as argmax picks it
    g = rng.standard_normal((5, 4)).astype(np.float32)
    module = getattr(nn, name)().float()
    stacked = np.stack(x)
    np.testing.assert_array_equal(module.forward(x), reduce(stacked, axis=0))
    grads = module.backward(x, g)
    winner = pick(stacked, axis=0)
    for i, grad in enumerate(grads):
        assert grad.dtype == np.float32
        np.testing.assert_array_equal(grad, np.where(winner == i, g, 0))
