"""PairwiseDistance, DotProduct and CosineDistance against torch/nn's documented values."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import nn
from nncore.errors import ShapeError

X = np.array([1.0, 2.0, 3.0])
Y = np.array([4.0, 5.0, 6.0])


def test_pairwise_distance_documented_values():
    assert nn.PairwiseDistance(1).forward([X, Y]) == pytest.approx(9.0, rel=1e-12)
    assert nn.PairwiseDistance(2).forward([X, Y]) == pytest.approx(5.1962, abs=1e-4)
    assert nn.PairwiseDistance().forward([X, Y]).shape == (1,)


@pytest.mark.parametrize("p", [1, 2, 3, 1.5])
def test_pairwise_distance_batch_and_gradient(p):
    rng = np.random.default_rng(int(10 * p))
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    module = nn.PairwiseDistance(p)
    out = module.forward([x, y])
    expected = np.array(
        [
            sum(abs(a - b) ** p for a, b in zip(xi, yi, strict=True)) ** (1 / p)
            for xi, yi in zip(x, y, strict=True)
        ]
    )
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    g = rng.standard_normal(4)
    grad_x, grad_y = module.backward([x, y], g)
    # d/dx_k ||x - y||_p = sign(d_k) |d_k|^(p-1) / ||d||_p^(p-1)
    d = x - y
    expected_x = g[:, None] * np.sign(d) * np.abs(d) ** (p - 1) / expected[:, None] ** (p - 1)
    np.testing.assert_allclose(grad_x, expected_x, rtol=1e-10)
    np.testing.assert_allclose(grad_y, -expected_x, rtol=1e-10)


def test_pairwise_distance_of_equal_vectors_has_zero_gradient():
    distance = nn.PairwiseDistance(2)
    distance.forward([X, X.copy()])
    grad_x, grad_y = distance.backward([X, X.copy()], np.array([1.0]))
    np.testing.assert_array_equal(grad_x, np.zeros(3))
    np.testing.assert_array_equal(grad_y, np.zeros(3))


def test_dot_product_documented_value_and_gradient():
    module = nn.DotProduct()
    assert module.forward([X, Y]) == 32.0
    grad_x, grad_y = module.backward([X, Y], np.array([2.0]))
    np.testing.assert_array_equal(grad_x, 2 * Y)
    np.testing.assert_array_equal(grad_y, 2 * X)
    batch = module.forward([np.stack([X, Y]), np.stack([Y, Y])])
    np.testing.assert_array_equal(batch, [32.0, 77.0])


def test_cosine_distance_documented_values():
    module = nn.CosineDistance()
    assert module.forward([X, Y]) == pytest.approx(32 / np.sqrt(14 * 77), rel=1e-10)
    x = np.array([[1.0, 2, 3], [1, 2, -3]])
    y = np.array([[4.0, 5, 6], [-4, 5, 6]])
    batch = module.forward([x, y])
    np.testing.assert_allclose(batch, [0.9746, -0.3655], atol=1e-4)


def test_cosine_distance_gradient_is_orthogonal_to_its_own_input():
    # the cosine does not change when x is scaled, so its gradient has no component along x
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    cosine = nn.CosineDistance()
    cosine.forward([x, y])
    grad_x, grad_y = cosine.backward([x, y], np.ones(3))
    np.testing.assert_allclose(np.sum(grad_x * x, axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(np.sum(grad_y * y, axis=1), 0, atol=1e-12)
    # its component along y/|y| is (1 - cos^2) / |x|
    cos = np.sum(x * y, 1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    along_y = np.sum(grad_x * y, axis=1) / np.linalg.norm(y, axis=1)
    np.testing.assert_allclose(along_y, (1 - cos**2) / np.linalg.norm(x, axis=1), rtol=1e-8)


@pytest.mark.parametrize("name", ["PairwiseDistance", "DotProduct", "CosineDistance"])
@pytest.mark.parametrize(
    "bad, message",
    [
        ([X], "expected input to be a table of 2 elements, got a list of length 1"),
        ([X, np.ones(4)], r"expected input\[1\] of the same shape as input\[0\] \(3,\)"),
        ([np.ones((2, 2, 2))] * 2, r"expected input\[0\] with 1 or 2 dimensions"),
    ],
)
def test_pair_modules_reject_bad_pairs(name, bad, message):
    module = getattr(nn, name)()
    with pytest.raises(ShapeError, match=message):
        module.forward(bad)
    assert np.isfinite(module.forward([X, Y]))
