"""CAddTensorTable against hand-computed values and central differences (torch/nn
``CAddTensorTable.lua``: the first array added to each array of the second, a table)."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import nn
from nncore.errors import InputTypeError, ShapeError
from nncore.testing import numeric_gradient


def test_adds_the_array_to_every_array_of_the_table():
    v = np.array([1.0, -2.0, 3.0])
    table = [np.zeros(3), np.array([10.0, 20.0, 30.0])]
    module = nn.CAddTensorTable()
    out = module.forward([v, table])
    np.testing.assert_array_equal(out[0], [1.0, -2.0, 3.0])
    np.testing.assert_array_equal(out[1], [11.0, 18.0, 33.0])
    assert table[0].tolist() == [0.0, 0.0, 0.0]  # inputs untouched
    g = [np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.5, -1.0])]
    grad_v, grad_table = module.backward([v, table], g)
    np.testing.assert_array_equal(grad_v, [1.5, 2.5, 2.0])
    np.testing.assert_array_equal(grad_table[0], g[0])
    np.testing.assert_array_equal(grad_table[1], g[1])
    assert grad_table[0] is not g[0]


def test_gradients_against_central_differences():
    rng = np.random.default_rng(2)
    v, table = rng.standard_normal((2, 3)), [rng.standard_normal((2, 3)) for _ in range(3)]
    weights = [rng.standard_normal((2, 3)) for _ in range(3)]
    module = nn.CAddTensorTable()

    def loss():
        return sum(np.sum(o * w) for o, w in zip(module.forward([v, table]), weights, strict=True))

    module.forward([v, table])
    grad_v, grad_table = module.backward([v, table], weights)
    np.testing.assert_allclose(grad_v, numeric_gradient(loss, v), atol=1e-7)
    for array, grad in zip(table, grad_table, strict=True):
        np.testing.assert_allclose(grad, numeric_gradient(loss, array), atol=1e-7)


def test_an_empty_table():
    module = nn.CAddTensorTable()
    assert module.forward([np.ones(2), []]) == []
    grad_v, grad_table = module.backward([np.ones(2), []], [])
    np.testing.assert_array_equal(grad_v, np.zeros(2))
    assert grad_table == []


@pytest.mark.parametrize(
    "bad, error, message",
    [
        ("not an array", InputTypeError, "table"),
        ([np.ones(3)], ShapeError, "table of 2 elements"),
        ([np.ones(3), np.ones(3)], InputTypeError, r"input\[1\] to be a table"),
        ([np.ones(3), [np.ones(3), np.ones(4)]], ShapeError, r"input\[1\]\[1\] of the shape"),
    ],
)
def test_refuses_bad_tables(bad, error, message):
    module = nn.CAddTensorTable()
    with pytest.raises(error, match=message):
        module.forward(bad)
    assert len(module.forward([np.ones(3), [np.ones(3)]])) == 1
