"""nn-basic's classification and probability criteria against hand-computed values and direct
numpy formulas: ClassNLL, CrossEntropy, SpatialClassNLL, BCE, MultiLabelSoftMargin and
ClassSimplex."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.bce_criterion import BCECriterion
from nn_basic.class_nll_criterion import ClassNLLCriterion
from nn_basic.class_simplex_criterion import ClassSimplexCriterion
from nn_basic.cross_entropy_criterion import CrossEntropyCriterion
from nn_basic.multi_label_soft_margin_criterion import MultiLabelSoftMarginCriterion
from nn_basic.spatial_class_nll_criterion import SpatialClassNLLCriterion

from nncore.errors import IndexOutOfRangeError, InputError, InputTypeError, ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import TOL  # noqa: E402


def log_softmax_rows(z: np.ndarray) -> np.ndarray:
    return np.array([[v - math.log(sum(math.exp(u) for u in row)) for v in row] for row in z])


# ----------------------------------------------------------------------------- seed 004
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


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, ">i4"])
def test_class_nll_range_check_in_one_reduction(dtype):
    # signed targets are checked as unsigned (negatives become huge): every integer type, either
    # byte order, forward and backward alike
    crit = ClassNLLCriterion()
    for bad in ([0, 3], [2, -1] if np.dtype(dtype).kind == "i" else [2, 255]):
        target = np.array(bad).astype(dtype)
        for call in (crit.forward, crit.backward):
            with pytest.raises(IndexOutOfRangeError, match=r"target (3|-1|255) is out of range"):
                call(X23, target)
    target = np.array([2, 0]).astype(dtype)
    assert crit.forward(X23, target) == pytest.approx((3 + 0.5) / 2, rel=1e-15)
    np.testing.assert_array_equal(crit.backward(X23, target), [[0, 0, -0.5], [-0.5, 0, 0]])


def test_class_nll_equal_weights_are_shared_but_gradients_are_not():
    crit = ClassNLLCriterion()
    first = crit.backward(X23, np.array([2, 0]))
    first[0, 0] = 7.0  # the caller owns its gradient
    again = crit.backward(X23, np.array([2, 0]))
    np.testing.assert_array_equal(again, [[0, 0, -0.5], [-0.5, 0, 0]])
    x = np.log(np.full((3, 4), 0.25))
    for size_average, expected in ((True, 1 / 3), (False, 1.0)):  # other batch sizes, options
        crit = ClassNLLCriterion(size_average=size_average)
        assert crit.forward(x, np.array([0, 1, 3])) == pytest.approx(3 * expected * math.log(4))
        np.testing.assert_array_equal(
            crit.backward(x, np.array([0, 1, 3]))[:, 0], [-expected, 0, 0]
        )
    # ignore_index inside the class range still drops its targets; outside, it still may appear
    crit = ClassNLLCriterion(ignore_index=0)
    assert crit.forward(X23, np.array([0, 2])) == pytest.approx(2.5)
    assert ClassNLLCriterion().forward(X23, np.array([2, -100])) == pytest.approx(3.0)
