"""nn-basic's regression criteria against hand-computed values and direct numpy formulas:
MSE, Abs, SmoothL1, WeightedMSE, SpatialAutoCropMSE, DistKLDiv and L1Cost."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.abs_criterion import AbsCriterion
from nn_basic.dist_kl_div_criterion import DistKLDivCriterion
from nn_basic.l1_cost import L1Cost
from nn_basic.mse_criterion import MSECriterion
from nn_basic.smooth_l1_criterion import SmoothL1Criterion
from nn_basic.spatial_auto_crop_mse_criterion import SpatialAutoCropMSECriterion
from nn_basic.weighted_mse_criterion import WeightedMSECriterion

from nncore.errors import ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import TOL  # noqa: E402


# ----------------------------------------------------------------------------- seed 004
def test_seed_mse_with_and_without_size_average():
    y, yhat = np.array([1.0, -2.0, 0.5]), np.zeros(3)
    mse = MSECriterion()
    assert mse.forward(yhat, y) == pytest.approx((1 + 4 + 0.25) / 3, rel=1e-14)
    mse.size_average = False
    assert mse.forward(yhat, y) == pytest.approx(5.25, rel=1e-14)
    np.testing.assert_allclose(mse.backward(yhat, y), [-2.0, 4.0, -1.0], **TOL)


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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_abs_criterion_gradient_is_made_in_the_input_dtype(dtype):
    # torch/nn: +1 where x >= t, -1 elsewhere (so where either is NaN), times 1/n
    x = np.array([1.0, -1.0, 0.0, -0.0, np.nan, 2.0], dtype)
    t = np.array([0.0, 2.0, 0.0, 0.0, 0.0, np.nan], dtype)
    grad = AbsCriterion().type(dtype).backward(x, t)
    assert grad.dtype == dtype
    expected = np.array([1, -1, 1, 1, -1, -1], dtype) * dtype(1 / 6)
    np.testing.assert_array_equal(grad, expected)


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
