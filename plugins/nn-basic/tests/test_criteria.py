"""nn-basic's criteria against hand-computed values and direct numpy formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_basic.class_nll_criterion import ClassNLLCriterion
from nn_basic.mse_criterion import MSECriterion

from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError

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
    np.testing.assert_allclose(nll.backward(yhat, np.array([2, 0])),
                               [[0, 0, -0.5], [-0.5, 0, 0]], **TOL)


# ----------------------------------------------------------------------------- ClassNLLCriterion
X23 = np.array([[-1.0, -2.0, -3.0], [-0.5, -1.5, -2.5]])


def test_class_nll_weights_and_size_average():
    w = np.array([1.0, 2.0, 3.0])
    crit = ClassNLLCriterion(w)
    assert crit.forward(X23, np.array([2, 0])) == pytest.approx((3 * 3 + 1 * 0.5) / 4)
    np.testing.assert_allclose(crit.backward(X23, np.array([2, 0])),
                               [[0, 0, -0.75], [-0.25, 0, 0]], **TOL)
    crit = ClassNLLCriterion(w, size_average=False)
    assert crit.forward(X23, np.array([2, 0])) == pytest.approx(9.5)
    np.testing.assert_allclose(crit.backward(X23, np.array([2, 0])),
                               [[0, 0, -3], [-1, 0, 0]], **TOL)


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
