"""nn-basic's margin, embedding and ranking criteria against hand-computed values and direct
formulas: Margin, SoftMargin, MultiMargin, MultiLabelMargin, HingeEmbedding, L1HingeEmbedding,
CosineEmbedding, MarginRanking and DistanceRatio."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.cosine_embedding_criterion import CosineEmbeddingCriterion
from nn_basic.distance_ratio_criterion import DistanceRatioCriterion
from nn_basic.hinge_embedding_criterion import HingeEmbeddingCriterion
from nn_basic.l1_hinge_embedding_criterion import L1HingeEmbeddingCriterion
from nn_basic.margin_criterion import MarginCriterion
from nn_basic.margin_ranking_criterion import MarginRankingCriterion
from nn_basic.multi_label_margin_criterion import MultiLabelMarginCriterion
from nn_basic.multi_margin_criterion import MultiMarginCriterion
from nn_basic.soft_margin_criterion import SoftMarginCriterion

from nncore.errors import IndexOutOfRangeError, InputError, InputTypeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import TOL  # noqa: E402


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
