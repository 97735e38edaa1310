"""nn-basic's distance, similarity and norm layers against direct numpy formulas: Euclidean,
WeightedEuclidean, Cosine, Kmeans and Normalize."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.cosine import Cosine
from nn_basic.euclidean import Euclidean
from nn_basic.kmeans import Kmeans
from nn_basic.normalize import Normalize
from nn_basic.weighted_euclidean import WeightedEuclidean

from nncore.errors import ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import check_gradients  # noqa: E402

#: every test starts from the same random seed (conftest.py)
pytestmark = pytest.mark.usefixtures("seeded")


# ---------------------------------------------------------------------- distance layers
def test_euclidean_is_distance_to_columns():
    rng = np.random.default_rng(15)
    m = Euclidean(3, 4)
    x = rng.standard_normal((2, 3))
    expected = [[np.sqrt(np.sum((x[b] - m.weight[:, j]) ** 2)) for j in range(4)] for b in range(2)]
    np.testing.assert_allclose(m.forward(x), expected, rtol=1e-12)
    np.testing.assert_allclose(m.forward(x[1]), expected[1], rtol=1e-12)
    check_gradients(m, x, atol=1e-5)
    check_gradients(m, x[0], atol=1e-5)
    with pytest.raises(ShapeError):
        m.forward(np.ones((2, 2, 3)))


def test_weighted_euclidean_scales_differences():
    rng = np.random.default_rng(16)
    m = WeightedEuclidean(3, 2)
    m.diag_cov[...] = rng.uniform(0.5, 2.0, (3, 2))
    x = rng.standard_normal((4, 3))
    expected = [
        [np.linalg.norm(m.diag_cov[:, j] * (x[b] - m.weight[:, j])) for j in range(2)]
        for b in range(4)
    ]
    np.testing.assert_allclose(m.forward(x), expected, rtol=1e-12)
    check_gradients(m, x, atol=1e-5)
    check_gradients(m, x[2], atol=1e-5)
    assert np.all(WeightedEuclidean(3, 2).diag_cov == 1)


def test_cosine_similarity():
    rng = np.random.default_rng(17)
    m = Cosine(3, 2)
    x = rng.standard_normal((4, 3))
    expected = [
        [x[b] @ w / (np.linalg.norm(x[b]) * np.linalg.norm(w)) for w in m.weight] for b in range(4)
    ]
    np.testing.assert_allclose(m.forward(x), expected, rtol=1e-9)
    np.testing.assert_allclose(m.forward(x[0]), expected[0], rtol=1e-9)
    check_gradients(m, x)
    check_gradients(m, x[0])


# ---------------------------------------------------------------------- Kmeans
def test_kmeans_assigns_and_moves_centres():
    m = Kmeans(2, 2)
    m.weight[...] = [[0.0, 0.0], [10.0, 10.0]]
    x = np.array([[1.0, 0.0], [0.0, 3.0], [9.0, 9.0], [12.0, 10.0]])
    np.testing.assert_array_equal(m.forward(x), [0, 0, 1, 1])
    assert m.loss == pytest.approx(1 + 9 + 2 + 4)
    m.zero_grad_parameters()
    m.backward(x, np.zeros(4))
    np.testing.assert_array_equal(m.cluster_sample_count, [2, 2])
    m.update_parameters(1.0)
    np.testing.assert_allclose(m.weight, [[0.5, 1.5], [10.5, 9.5]], rtol=1e-6)
    np.testing.assert_array_equal(m.backward(x, np.zeros(4)), np.zeros((4, 2)))
    with pytest.raises(ShapeError):
        m.forward(np.ones(2))


def test_kmeans_initialisers_pick_samples():
    x = np.arange(20.0).reshape(10, 2)
    m = Kmeans(3, 2)
    m.init_random(x)
    assert all(any(np.array_equal(c, row) for row in x) for c in m.weight)
    m.init_kmeans_plus(x, p=0.9)
    assert all(any(np.array_equal(c, row) for row in x) for c in m.weight)
    # with p = 0.9 the pool is the single farthest sample: the second centre is an extreme row
    assert any(np.array_equal(m.weight[1], row) for row in (x[0], x[-1]))


def test_weighted_euclidean_with_unit_scales_is_euclidean():
    rng = np.random.default_rng(40)
    plain, weighted = Euclidean(3, 2), WeightedEuclidean(3, 2)
    weighted.weight[...] = plain.weight
    x, go = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    np.testing.assert_allclose(weighted.forward(x), plain.forward(x), rtol=1e-14)
    np.testing.assert_allclose(weighted.backward(x, go), plain.backward(x, go), rtol=1e-14)
    np.testing.assert_allclose(weighted.grad_weight, plain.grad_weight, rtol=1e-14)


# ---------------------------------------------------------------------- Normalize
@pytest.mark.parametrize("p", [1, 1.5, 2, 3, 4, np.inf])
def test_normalize_gives_unit_norm_rows(p):
    rng = np.random.default_rng(18)
    x = rng.standard_normal((3, 5))
    y = Normalize(p).forward(x)
    np.testing.assert_allclose(np.linalg.norm(y, ord=p, axis=1), np.ones(3), rtol=1e-8)
    np.testing.assert_allclose(y * np.linalg.norm(x, ord=p, axis=1, keepdims=True), x, rtol=1e-8)
    check_gradients(Normalize(p), x, atol=1e-5)
    check_gradients(Normalize(p), x[0], atol=1e-5)


@pytest.mark.parametrize("p", [1, 2, 3, np.inf])
def test_normalize_of_vectors_of_no_elements_is_empty(p):
    module = Normalize(p)
    x = np.zeros((2, 0))
    assert module.forward(x).shape == (2, 0)
    assert module.backward(x, np.ones((2, 0))).shape == (2, 0)
    # the inf-norm of a vector is still its largest magnitude
    np.testing.assert_allclose(Normalize(np.inf).forward(np.array([[3.0, -4.0]])), [[0.75, -1.0]])


def test_normalize_rejects_bad_input():
    with pytest.raises(ShapeError):
        Normalize(2).forward(np.ones((2, 2, 2)))
    with pytest.raises(ValueError):
        Normalize(0)
    assert repr(Normalize(2)) == "nn.Normalize(2)"
