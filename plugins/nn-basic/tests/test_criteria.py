"""nn-basic's criteria against hand-computed values and direct numpy formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_basic.abs_criterion import AbsCriterion
from nn_basic.bce_criterion import BCECriterion
from nn_basic.class_nll_criterion import ClassNLLCriterion
from nn_basic.class_simplex_criterion import ClassSimplexCriterion
from nn_basic.cosine_embedding_criterion import CosineEmbeddingCriterion
from nn_basic.cross_entropy_criterion import CrossEntropyCriterion
from nn_basic.dist_kl_div_criterion import DistKLDivCriterion
from nn_basic.distance_ratio_criterion import DistanceRatioCriterion
from nn_basic.hinge_embedding_criterion import HingeEmbeddingCriterion
from nn_basic.l1_cost import L1Cost
from nn_basic.l1_hinge_embedding_criterion import L1HingeEmbeddingCriterion
from nn_basic.margin_criterion import MarginCriterion
from nn_basic.margin_ranking_criterion import MarginRankingCriterion
from nn_basic.module_criterion import ModuleCriterion
from nn_basic.mse_criterion import MSECriterion
from nn_basic.multi_criterion import MultiCriterion
from nn_basic.multi_label_margin_criterion import MultiLabelMarginCriterion
from nn_basic.multi_label_soft_margin_criterion import MultiLabelSoftMarginCriterion
from nn_basic.multi_margin_criterion import MultiMarginCriterion
from nn_basic.parallel_criterion import ParallelCriterion
from nn_basic.smooth_l1_criterion import SmoothL1Criterion
from nn_basic.soft_margin_criterion import SoftMarginCriterion
from nn_basic.spatial_auto_crop_mse_criterion import SpatialAutoCropMSECriterion
from nn_basic.spatial_class_nll_criterion import SpatialClassNLLCriterion
from nn_basic.tanh import Tanh
from nn_basic.weighted_mse_criterion import WeightedMSECriterion

from nncore.errors import IndexOutOfRangeError, InputError, InputTypeError, ShapeError

TOL = {"rtol": 1e-12, "atol": 1e-12}


def log_softmax_rows(z: np.ndarray) -> np.ndarray:
    return np.array([[v - math.log(sum(math.exp(u) for u in row)) for v in row] for row in z])


# ----------------------------------------------------------------------------- seed 004
def test_seed_mse_with_and_without_size_average():
    y, yhat = np.array([1.0, -2.0, 0.5]), np.zeros(3)
    mse = MSECriterion()
    assert mse.forward(yhat, y) == pytest.approx((1 + 4 + 0.25) / 3, rel=1e-14)
    mse.size_average = False
    assert mse.forward(yhat, y) == pytest.approx(5.25, rel=1e-14)
    np.testing.assert_allclose(mse.backward(yhat, y), [-2.0, 4.0, -1.0], **TOL)


def test_seed_class_nll_on_log_softmax_output():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    yhat = log_softmax_rows(z)
    nll = ClassNLLCriterion()
    # Torch's targets {3, 1} are [2, 0] here; -log p averaged over the 2 examples
    lse = 3 + math.log(1 + math.exp(-1) + math.exp(-2))
    expected = ((lse - 3) + math.log(3)) / 2
    assert nll.forward(yhat, np.array([2, 0])) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(
        nll.backward(yhat, np.array([2, 0])), [[0, 0, -0.5], [-0.5, 0, 0]], **TOL
    )


# ----------------------------------------------------------------------------- ClassNLLCriterion
X23 = np.array([[-1.0, -2.0, -3.0], [-0.5, -1.5, -2.5]])


def test_class_nll_weights_and_size_average():
    w = np.array([1.0, 2.0, 3.0])
    crit = ClassNLLCriterion(w)
    assert crit.forward(X23, np.array([2, 0])) == pytest.approx((3 * 3 + 1 * 0.5) / 4)
    np.testing.assert_allclose(
        crit.backward(X23, np.array([2, 0])), [[0, 0, -0.75], [-0.25, 0, 0]], **TOL
    )
    crit = ClassNLLCriterion(w, size_average=False)
    assert crit.forward(X23, np.array([2, 0])) == pytest.approx(9.5)
    np.testing.assert_allclose(
        crit.backward(X23, np.array([2, 0])), [[0, 0, -3], [-1, 0, 0]], **TOL
    )


def test_class_nll_ignore_index():
    crit = ClassNLLCriterion(ignore_index=1)
    assert crit.forward(X23, np.array([1, 2])) == pytest.approx(2.5)
    np.testing.assert_allclose(crit.backward(X23, np.array([1, 2])), [[0, 0, 0], [0, 0, -1]])
    default = ClassNLLCriterion()
    assert default.forward(X23, np.array([-100, 0])) == pytest.approx(0.5)
    assert default.forward(X23, np.array([-100, -100])) == 0.0
    np.testing.assert_array_equal(default.backward(X23, np.array([-100, -100])), np.zeros((2, 3)))


def test_class_nll_single_example_and_float_targets():
    crit = ClassNLLCriterion(np.array([1.0, 2.0, 3.0]), size_average=False)
    assert crit.forward(X23[0], 1) == pytest.approx(4.0)
    assert crit.forward(X23[0], np.array([1.0])) == pytest.approx(4.0)
    np.testing.assert_allclose(crit.backward(X23[0], 1), [0, -2, 0])
    assert ClassNLLCriterion().forward(X23, np.array([2.0, 1.0])) == pytest.approx(2.25)


def test_class_nll_bad_targets():
    crit = ClassNLLCriterion()
    with pytest.raises(IndexOutOfRangeError, match=r"nn\.ClassNLLCriterion.*target 3 is out"):
        crit.forward(X23, np.array([0, 3]))
    with pytest.raises(IndexOutOfRangeError, match="target -1"):
        crit.forward(X23, np.array([-1, 0]))
    with pytest.raises(InputTypeError, match="whole numbers"):
        crit.forward(X23, np.array([0.5, 1.0]))
    with pytest.raises(ShapeError, match=r"expected target of shape \(2,\)"):
        crit.forward(X23, np.array([0, 1, 2]))
    with pytest.raises(ShapeError, match="3 dimensions|1 or 2"):
        crit.forward(np.zeros((2, 3, 4)), np.array([0, 1]))
    with pytest.raises(ShapeError, match="weights"):
        ClassNLLCriterion(np.ones(4)).forward(X23, np.array([0, 1]))
    with pytest.raises(InputTypeError):
        crit.forward("not an array", np.array([0, 1]))
    assert crit.forward(X23, np.array([0, 0])) == pytest.approx(0.75)  # still usable


def test_class_nll_float32_keeps_dtype():
    crit = ClassNLLCriterion(np.array([1.0, 2.0, 3.0])).float()
    grad = crit.backward(X23.astype(np.float32), np.array([2, 0]))
    assert grad.dtype == np.float32


# ----------------------------------------------------------------------------- regression losses
X = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]])
T = np.array([[0.0, 1.0, 2.5], [1.0, 0.5, 0.25]])


def test_abs_criterion():
    # |x - t| = 0.5, 2, 0.5, 2, 0.5, 0.5 -> 6
    assert AbsCriterion().forward(X, T) == pytest.approx(1.0)
    assert AbsCriterion(size_average=False).forward(X, T) == pytest.approx(6.0)
    np.testing.assert_allclose(
        AbsCriterion().backward(X, T), np.array([[1, -1, -1], [1, -1, -1]]) / 6, **TOL
    )
    np.testing.assert_array_equal(AbsCriterion(False).backward(np.ones(2), np.ones(2)), [1, 1])


def test_smooth_l1_criterion():
    # d = 0.5, -2, -0.5, 2, -0.5, -0.5 -> 0.125 + 1.5 + 0.125 + 1.5 + 0.125 + 0.125
    assert SmoothL1Criterion(size_average=False).forward(X, T) == pytest.approx(3.5)
    assert SmoothL1Criterion().forward(X, T) == pytest.approx(3.5 / 6)
    np.testing.assert_allclose(
        SmoothL1Criterion(False).backward(X, T), [[0.5, -1, -0.5], [1, -0.5, -0.5]], **TOL
    )


def test_weighted_mse_criterion_weights_the_target():
    w = np.array([2.0, 0.0, 1.0])
    crit = WeightedMSECriterion(w, size_average=False)
    # rows: x - w t = [0.5, -1, -0.5], [1, 0, -0.5]
    assert crit.forward(X, T) == pytest.approx(0.25 + 1 + 0.25 + 1 + 0 + 0.25)
    np.testing.assert_allclose(crit.backward(X, T), 2 * np.array([[0.5, -1, -0.5], [1, 0, -0.5]]))
    full = WeightedMSECriterion(np.array([[2.0, 0.0, 1.0], [1.0, 1.0, 1.0]]))
    assert full.forward(X, T) == pytest.approx(np.mean((X - full.weight * T) ** 2))
    with pytest.raises(ShapeError, match="weight"):
        crit.forward(np.zeros((2, 2)), np.zeros((2, 2)))


def test_spatial_auto_crop_mse_crops_the_centre():
    target = np.arange(20.0).reshape(1, 4, 5)
    x = np.zeros((1, 2, 3))
    crit = SpatialAutoCropMSECriterion(size_average=False)
    # rows 1..2, columns 1..3 of the 4x5 grid
    centre = np.array([[6.0, 7.0, 8.0], [11.0, 12.0, 13.0]])
    assert crit.forward(x, target) == pytest.approx(np.sum(centre**2))
    np.testing.assert_allclose(crit.backward(x, target), -2 * centre[None])
    batch = SpatialAutoCropMSECriterion().forward(np.zeros((2, 1, 2, 3)), np.stack([target] * 2))
    assert batch == pytest.approx(np.mean(centre**2))
    with pytest.raises(ShapeError, match="crop"):
        crit.forward(np.zeros((1, 5, 3)), target)


def test_dist_kl_div_criterion():
    t = np.array([0.5, 0.5, 0.0])
    x = np.log(np.array([0.25, 0.5, 0.25]))
    crit = DistKLDivCriterion(size_average=False)
    assert crit.forward(x, t) == pytest.approx(0.5 * math.log(2))
    np.testing.assert_allclose(crit.backward(x, t), [-0.5, -0.5, 0.0])
    assert DistKLDivCriterion().forward(x, t) == pytest.approx(0.5 * math.log(2) / 3)


def test_l1_cost_needs_no_target():
    crit = L1Cost()
    assert crit.forward(np.array([[1.0, -2.0], [0.0, 0.5]])) == pytest.approx(3.5)
    np.testing.assert_array_equal(
        crit.backward(np.array([[1.0, -2.0], [0.0, 0.5]])), [[1, -1], [0, 1]]
    )


# ----------------------------------------------------------------------------- probabilities
def test_bce_criterion_with_weights():
    x, t = np.array([[0.8, 0.4], [0.5, 0.1]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    w = np.array([2.0, 0.5])
    per = [-math.log(0.8) * 2, -math.log(0.6) * 0.5, -math.log(0.5) * 2, -math.log(0.1) * 0.5]
    assert BCECriterion(w).forward(x, t) == pytest.approx(sum(per) / 4, rel=1e-9)
    grad = BCECriterion(w, size_average=False).backward(x, t)
    np.testing.assert_allclose(grad, [[-2 / 0.8, 0.5 / 0.6], [2 / 0.5, -0.5 / 0.1]], rtol=1e-9)
    with pytest.raises(InputError, match="between 0 and 1"):
        BCECriterion().forward(np.array([1.5]), np.array([1.0]))


def test_multi_label_soft_margin_is_bce_of_sigmoid():
    rng = np.random.default_rng(4)
    x, t = rng.standard_normal((3, 4)), rng.integers(0, 2, (3, 4)).astype(float)
    w = np.array([1.0, 2.0, 0.5, 1.5])
    p = 1 / (1 + np.exp(-x))
    bce = -w * (t * np.log(p) + (1 - t) * np.log(1 - p))
    crit = MultiLabelSoftMarginCriterion(w)
    assert crit.forward(x, t) == pytest.approx(bce.mean(), rel=1e-12)
    np.testing.assert_allclose(crit.backward(x, t), w * (p - t) / 12, rtol=1e-12)
    assert MultiLabelSoftMarginCriterion().forward(np.array([800.0]), np.array([0.0])) == 800.0


def test_cross_entropy_is_nll_of_log_softmax():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    w = np.array([1.0, 2.0, 3.0])
    expected = ClassNLLCriterion(w).forward(log_softmax_rows(z), np.array([2, 0]))
    crit = CrossEntropyCriterion(w)
    assert crit.forward(z, np.array([2, 0])) == pytest.approx(expected, rel=1e-12)
    p = np.exp(log_softmax_rows(z))
    onehot = np.array([[0, 0, 1], [1, 0, 0]])
    np.testing.assert_allclose(
        crit.backward(z, np.array([2, 0])), np.array([[3], [1]]) * (p - onehot) / 4, rtol=1e-12
    )
    assert CrossEntropyCriterion().forward(np.zeros(4), 1) == pytest.approx(math.log(4))
    with pytest.raises(IndexOutOfRangeError, match="target 4"):
        CrossEntropyCriterion().forward(np.zeros(4), 4)


def test_spatial_class_nll_criterion():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 2, 2))
    t = np.array([[[0, 1], [2, 2]], [[1, 1], [0, 2]]])
    w = np.array([0.5, 1.0, 2.0])
    picked = [x[n, t[n, i, j], i, j] for n in range(2) for i in range(2) for j in range(2)]
    weights = [w[t[n, i, j]] for n in range(2) for i in range(2) for j in range(2)]
    crit = SpatialClassNLLCriterion(w)
    total = -sum(a * b for a, b in zip(picked, weights, strict=True))
    assert crit.forward(x, t) == pytest.approx(total / sum(weights), rel=1e-12)
    grad = crit.backward(x, t)
    assert grad[1, 0, 1, 0] == pytest.approx(-0.5 / sum(weights))
    assert np.count_nonzero(grad) == 8
    with pytest.raises(IndexOutOfRangeError, match="target 3"):
        crit.forward(x, np.full((2, 2, 2), 3))


def test_class_simplex_criterion():
    crit = ClassSimplexCriterion(4)
    s = crit.simplex
    assert s.shape == (4, 4)
    np.testing.assert_allclose(np.linalg.norm(s, axis=1), 1.0, atol=1e-12)
    gram = s @ s.T  # a regular simplex: every pair of vertices at the same angle, -1 / 3
    np.testing.assert_allclose(gram[~np.eye(4, dtype=bool)], -1 / 3, atol=1e-12)
    np.testing.assert_array_equal(s[:, 3], 0)
    x = np.array([[0.5, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
    expected = np.mean((x - s[[1, 3]]) ** 2)
    assert crit.forward(x, np.array([1, 3])) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(crit.backward(x, np.array([1, 3])), 2 * (x - s[[1, 3]]) / 8)
    np.testing.assert_array_equal(crit.get_top_prediction(s[[2, 0, 3]]), [2, 0, 3])


# ----------------------------------------------------------------------------- margins
def test_margin_and_soft_margin_criteria():
    x, y = np.array([0.5, 2.0, -0.2]), np.array([1.0, -1.0, -1.0])
    assert MarginCriterion().forward(x, y) == pytest.approx((0.5 + 3.0 + 0.8) / 3)
    np.testing.assert_allclose(MarginCriterion(0.1, False).backward(x, y), [0, 1, 0])  # 0.2 > 0.1
    soft = [math.log(1 + math.exp(v)) for v in (-0.5, 2.0, -0.2)]
    assert SoftMarginCriterion().forward(x, y) == pytest.approx(sum(soft) / 3, rel=1e-12)
    sig = [1 / (1 + math.exp(0.5)), 1 / (1 + math.exp(-2.0)), 1 / (1 + math.exp(0.2))]
    np.testing.assert_allclose(
        SoftMarginCriterion(False).backward(x, y), [-sig[0], sig[1], sig[2]], rtol=1e-12
    )


def test_multi_margin_criterion():
    x = np.array([[0.1, 0.8, 0.2], [1.0, 0.4, 0.5]])
    t = np.array([1, 0])
    # row 0: hinges 1 - 0.8 + 0.1 = 0.3, 1 - 0.8 + 0.2 = 0.4; row 1: 0.4, 0.5
    assert MultiMarginCriterion().forward(x, t) == pytest.approx((0.7 / 3 + 0.9 / 3) / 2)
    w = np.array([2.0, 3.0, 1.0])
    crit = MultiMarginCriterion(2, w, size_average=False)
    expected = 3 * (0.09 + 0.16) / 3 + 2 * (0.16 + 0.25) / 3
    assert crit.forward(x, t) == pytest.approx(expected)
    g = crit.backward(x, t)
    np.testing.assert_allclose(g[0], [3 * 0.6 / 3, -3 * 1.4 / 3, 3 * 0.8 / 3], rtol=1e-12)
    np.testing.assert_allclose(g[1], [-2 * 1.8 / 3, 2 * 0.8 / 3, 2 * 1.0 / 3], rtol=1e-12)
    assert MultiMarginCriterion(margin=0.1).forward(x[0], 1) == 0.0
    with pytest.raises(ValueError, match="p = 1 or 2"):
        MultiMarginCriterion(3)


def test_multi_label_margin_criterion_reads_targets_up_to_minus_one():
    x = np.array([[0.1, 0.2, 0.4, 0.8], [0.0, 0.5, 0.0, 0.0]])
    # row 0: targets 3, 0 (the 1 after -1 is ignored); row 1: target 1 alone
    y = np.array([[3, 0, -1, 1], [1, -1, 2, 2]])
    row0 = sum(max(0, 1 - (x[0, j] - x[0, i])) for j in (3, 0) for i in (1, 2))
    row1 = sum(max(0, 1 - (x[1, 1] - x[1, i])) for i in (0, 2, 3))
    crit = MultiLabelMarginCriterion()
    assert crit.forward(x, y) == pytest.approx((row0 + row1) / 4 / 2)
    grad = MultiLabelMarginCriterion(size_average=False).backward(x, y)
    np.testing.assert_allclose(grad, np.array([[-2, 2, 2, -2], [1, -3, 1, 1]]) / 4, **TOL)
    with pytest.raises(IndexOutOfRangeError, match="target 4"):
        crit.forward(x, np.array([[4, -1, 0, 0], [0, -1, 0, 0]]))


def test_hinge_embedding_criterion():
    x, y = np.array([0.3, 0.2, 1.5, 0.7]), np.array([1.0, -1.0, -1.0, 1.0])
    crit = HingeEmbeddingCriterion()
    assert crit.forward(x, y) == pytest.approx((0.3 + 0.8 + 0 + 0.7) / 4)
    np.testing.assert_allclose(crit.backward(x, y), np.array([1, -1, 0, 1]) / 4)
    margin2 = HingeEmbeddingCriterion(2.0, False)
    assert margin2.forward(x, -1) == pytest.approx(1.7 + 1.8 + 0.5 + 1.3)
    with pytest.raises(InputError, match="1 or -1"):
        crit.forward(x, np.array([1.0, 0.0, 1.0, 1.0]))


# ----------------------------------------------------------------------------- table inputs
def test_l1_hinge_embedding_criterion():
    a, b = np.array([1.0, -1.0, 0.5]), np.array([0.0, 0.0, 1.0])
    crit = L1HingeEmbeddingCriterion(3.0)
    assert crit.forward([a, b], 1) == pytest.approx(2.5)
    assert crit.forward([a, b], -1) == pytest.approx(0.5)
    ga, gb = crit.backward([a, b], -1)
    np.testing.assert_array_equal(ga, [-1, 1, 1])
    np.testing.assert_array_equal(gb, [1, -1, -1])
    np.testing.assert_array_equal(L1HingeEmbeddingCriterion(2.0).backward([a, b], -1)[0], 0)


def test_cosine_embedding_criterion():
    a = np.array([[1.0, 0.0], [3.0, 4.0]])
    b = np.array([[1.0, 1.0], [3.0, 4.0]])
    c = math.sqrt(0.5)
    crit = CosineEmbeddingCriterion(0.5)
    assert crit.forward([a, b], np.array([1, -1])) == pytest.approx((1 - c + 0.5) / 2)
    ga, gb = crit.backward([a, b], np.array([1, -1]))
    # d cos / d a = b / (|a||b|) - cos a / |a|^2; |a0| = 1, |b0| = sqrt(2), so b / (|a||b|) = c b
    np.testing.assert_allclose(ga[0], -(b[0] * c - c * a[0]) / 2, atol=1e-9)
    np.testing.assert_allclose(ga[1], [0, 0], atol=1e-9)  # cos 1 of identical rows: zero
    np.testing.assert_allclose(gb[0], -(a[0] * c - c * b[0] / 2) / 2, atol=1e-9)
    single = crit.forward([a[0], b[0]], -1)
    assert single == pytest.approx(c - 0.5)


def test_margin_ranking_criterion():
    x1, x2 = np.array([1.0, 0.5, 3.0]), np.array([2.0, 0.0, 1.0])
    y = np.array([1.0, 1.0, -1.0])
    crit = MarginRankingCriterion(1.0)
    # -y (x1 - x2) + 1 = 2, 0.5, 3
    assert crit.forward([x1, x2], y) == pytest.approx(5.5 / 3)
    g1, g2 = crit.backward([x1, x2], y)
    np.testing.assert_allclose(g1, np.array([-1, -1, 1]) / 3)
    np.testing.assert_allclose(g2, -g1)
    assert MarginRankingCriterion(0.5).forward([np.array([3.0]), np.array([1.0])], 1) == 0.0
    with pytest.raises(InputTypeError, match="list of 2"):
        crit.forward(x1, y)


def test_distance_ratio_criterion():
    ds, dd = np.array([1.0, 2.0]), np.array([3.0, 0.5])
    expected = [
        -math.log(math.exp(-a) / (math.exp(-a) + math.exp(-b))) for a, b in zip(ds, dd, strict=True)
    ]
    crit = DistanceRatioCriterion()
    assert crit.forward([ds, dd]) == pytest.approx(sum(expected) / 2, rel=1e-12)
    g_s, g_d = crit.backward([ds, dd])
    soft = np.exp(-ds) / (np.exp(-ds) + np.exp(-dd))
    np.testing.assert_allclose(g_s, (1 - soft) / 2, rtol=1e-12)
    np.testing.assert_allclose(g_d, -(1 - soft) / 2, rtol=1e-12)


# ----------------------------------------------------------------------------- compositions
def test_multi_criterion_weighted_sum_and_children():
    x, t = np.array([[0.0, 2.0]]), np.array([[1.0, 1.0]])
    mse, l1 = MSECriterion(), AbsCriterion()
    crit = MultiCriterion().add(mse, 0.5).add(l1)
    assert crit.forward(x, t) == pytest.approx(0.5 * 1.0 + 1.0)
    np.testing.assert_allclose(crit.backward(x, t), 0.5 * np.array([[-1, 1]]) + [[-0.5, 0.5]])
    assert [name for name, _ in crit.named_children()] == ["0", "1"]
    crit.set_child("1", MSECriterion())
    assert crit.forward(x, t) == pytest.approx(1.5)
    assert crit.find_modules("MSECriterion").paths == ["0", "1"]
    assert "nn.MultiCriterion" in repr(crit) and "(1): nn.MSECriterion" in repr(crit)


def test_parallel_criterion_and_repeat_target():
    z = np.array([[0.0, 0.0]])
    crit = ParallelCriterion().add(ClassNLLCriterion(), 0.5).add(MSECriterion(), 2.0)
    loss = crit.forward([z + [[-1.0, -3.0]], z], [np.array([1]), np.array([[1.0, 1.0]])])
    assert loss == pytest.approx(0.5 * 3 + 2 * 1)
    g_nll, g_mse = crit.backward([z, z], [np.array([1]), np.array([[1.0, 1.0]])])
    np.testing.assert_allclose(g_nll, [[0, -0.5]])
    np.testing.assert_allclose(g_mse, [[-2, -2]])
    repeat = ParallelCriterion(True).add(AbsCriterion()).add(MSECriterion())
    assert repeat.forward([np.array([1.0]), np.array([3.0])], np.array([0.0])) == 10.0
    with pytest.raises(InputTypeError, match="target to be a list"):
        crit.forward([z, z], np.array([1]))


def test_module_criterion_feeds_modules_and_backpropagates():
    x, t = np.array([0.5, -1.0]), np.array([0.0, 1.0])
    crit = ModuleCriterion(MSECriterion(size_average=False), Tanh(), Tanh())
    y, ty = np.tanh(x), np.tanh(t)
    assert crit.forward(x, t) == pytest.approx(np.sum((y - ty) ** 2))
    np.testing.assert_allclose(crit.backward(x, t), 2 * (y - ty) * (1 - y**2), rtol=1e-12)
    assert [name for name, _ in crit.named_children()] == [
        "criterion",
        "input_module",
        "target_module",
    ]


def test_module_criterion_cast_target_false_keeps_target_module_dtype():
    crit = ModuleCriterion(MSECriterion(), Tanh(), Tanh(), cast_target=False).float()
    assert crit.input_module.dtype == np.float32 and crit.target_module.dtype == np.float64
    assert ModuleCriterion(MSECriterion(), None, Tanh()).float().target_module.dtype == np.float32


# ----------------------------------------------------------------------------- PyTorch cross-check
def _torch_cases(rng: np.random.Generator) -> list[tuple]:
    """(criterion, input, target, torch loss of (input tensor, target)) with matching semantics."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    x, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    p, bits = rng.uniform(0.05, 0.95, (4, 3)), rng.integers(0, 2, (4, 3)).astype(float)
    signs = rng.choice([-1.0, 1.0], (4, 3))
    classes, w = np.array([2, 0, 1, 2]), np.array([0.5, 2.0, 1.5])
    labels = np.array([[2, 0, -1], [1, -1, 0], [0, 1, 2], [2, -1, -1]])
    dist = rng.uniform(0, 1, (4, 3)) * (rng.uniform(0, 1, (4, 3)) > 0.3)
    x4, t4 = rng.standard_normal((2, 3, 2, 2)), rng.integers(0, 3, (2, 2, 2))
    a, b, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), signs[:, 0]
    tt = torch.tensor
    return [
        (MSECriterion(), x, t, lambda v: F.mse_loss(v, tt(t))),
        (AbsCriterion(False), x, t, lambda v: F.l1_loss(v, tt(t), reduction="sum")),
        (SmoothL1Criterion(), 2 * x, t, lambda v: F.smooth_l1_loss(v, tt(t))),
        (BCECriterion(w), p, bits, lambda v: F.binary_cross_entropy(v, tt(bits), tt(w))),
        (
            DistKLDivCriterion(),
            x,
            dist,
            lambda v: F.kl_div(v, tt(dist), reduction="sum") / dist.size,
        ),
        (SoftMarginCriterion(), x, signs, lambda v: F.soft_margin_loss(v, tt(signs))),
        (
            MultiLabelSoftMarginCriterion(w),
            x,
            bits,
            lambda v: F.multilabel_soft_margin_loss(v, tt(bits), tt(w)),
        ),
        (
            HingeEmbeddingCriterion(0.5),
            x,
            signs,
            lambda v: F.hinge_embedding_loss(v, tt(signs), margin=0.5),
        ),
        (
            ClassNLLCriterion(w, ignore_index=1),
            x,
            classes,
            lambda v: F.nll_loss(v, tt(classes), tt(w), ignore_index=1),
        ),
        (CrossEntropyCriterion(w), x, classes, lambda v: F.cross_entropy(v, tt(classes), tt(w))),
        (SpatialClassNLLCriterion(w), x4, t4, lambda v: F.nll_loss(v, tt(t4), tt(w))),
        (
            MultiMarginCriterion(2, w, 0.5),
            x,
            classes,
            lambda v: F.multi_margin_loss(v, tt(classes), 2, 0.5, tt(w)),
        ),
        (MultiLabelMarginCriterion(), x, labels, lambda v: F.multilabel_margin_loss(v, tt(labels))),
        (
            CosineEmbeddingCriterion(0.2),
            [a, b],
            y,
            lambda v: F.cosine_embedding_loss(v[0], v[1], tt(y), margin=0.2),
        ),
        (
            MarginRankingCriterion(0.3),
            [a[:, 0], b[:, 0]],
            y,
            lambda v: F.margin_ranking_loss(v[0], v[1], tt(y), margin=0.3),
        ),
    ]


@pytest.mark.parametrize("k", range(15))
def test_agrees_with_pytorch(k):
    torch = pytest.importorskip("torch")
    crit, input, target, reference = _torch_cases(np.random.default_rng(k))[k]
    leaves = [
        torch.tensor(v, requires_grad=True) for v in (input if isinstance(input, list) else [input])
    ]
    expected = reference(leaves if isinstance(input, list) else leaves[0])
    expected.backward()
    assert crit.forward(input, target) == pytest.approx(expected.item(), rel=1e-9, abs=1e-12)
    grads = crit.backward(input, target)
    for grad, leaf in zip(grads if isinstance(input, list) else [grads], leaves, strict=True):
        np.testing.assert_allclose(grad, leaf.grad.numpy(), rtol=1e-7, atol=1e-9)
