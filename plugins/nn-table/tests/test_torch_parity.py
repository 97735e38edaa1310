"""Behaviours where nn-table follows torch/nn's source: PairwiseDistance, DotProduct and
CosineDistance give one pair of vectors an output of size 1 (torch/nn ``PairwiseDistance.lua``
resizes its output to 1; ``DotProduct.lua`` and ``CosineDistance.lua`` view one pair as a batch
of one and keep the batch of one in the output)."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import nn
from nncore.errors import ShapeError

X = np.array([1.0, 2.0, 3.0])
Y = np.array([4.0, 5.0, 6.0])

PAIRS = {
    "PairwiseDistance": (
        lambda x, y: np.sqrt(np.sum((x - y) ** 2)),
        lambda x, y: (x - y) / 27**0.5,
    ),
    "DotProduct": (lambda x, y: np.sum(x * y), lambda x, y: y),
    "CosineDistance": (
        lambda x, y: np.sum(x * y) / np.linalg.norm(x) / np.linalg.norm(y),
        lambda x, y: (
            (y - np.sum(x * y) / np.sum(x * x) * x) / np.linalg.norm(x) / np.linalg.norm(y)
        ),
    ),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_one_pair_gives_an_output_of_size_one(name):
    module = getattr(nn, name)()
    value, grad_x = PAIRS[name]
    output = module.forward([X, Y])
    assert output.shape == (1,)
    np.testing.assert_allclose(output, [value(X, Y)], rtol=1e-10)
    grads = module.backward([X, Y], np.array([2.0]))
    assert [g.shape for g in grads] == [(3,), (3,)]
    np.testing.assert_allclose(grads[0], 2 * grad_x(X, Y), rtol=1e-8)


@pytest.mark.parametrize("name", list(PAIRS))
def test_one_pair_refuses_a_gradient_of_another_shape(name):
    module = getattr(nn, name)()
    module.forward([X, Y])
    with pytest.raises(ShapeError):
        module.backward([X, Y], np.array(1.0))
    with pytest.raises(ShapeError):
        module.backward([X, Y], np.ones(2))


@pytest.mark.parametrize("name", list(PAIRS))
def test_a_batch_keeps_one_value_per_example(name):
    module = getattr(nn, name)()
    batch = module.forward([np.stack([X, Y]), np.stack([Y, X])])
    assert batch.shape == (2,)
    single = module.forward([X, Y])
    np.testing.assert_allclose(batch[:1], single, rtol=1e-12)
