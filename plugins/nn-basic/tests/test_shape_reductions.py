"""Reduction layers against hand-computed values, torch/nn's documented results and direct
numpy formulas: Sum, Mean, Max, Min and TemporalDynamicKMaxPooling; bad input; batch detection
through ``n_input_dims``."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.max import Max
from nn_basic.mean import Mean
from nn_basic.min import Min
from nn_basic.sum import Sum
from nn_basic.temporal_dynamic_k_max_pooling import TemporalDynamicKMaxPooling
from nn_basic.view import View

from nncore.errors import InputTypeError, ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import TOL, forwarded  # noqa: E402

# the 3x2 input of torch/nn's tutorial notebook, section "modules without parameters"
SEED_X = np.array([[0.9011, -0.0143], [-0.8167, 1.3009], [-0.0597, 2.5226]])


# ----------------------------------------------------------------------------- the tutorial
def test_tutorial_sum_of_a_vector_is_a_one_element_vector():
    x = np.arange(1.0, 6.0)
    m = Sum(0)
    out = m.forward(x)
    assert out.shape == (1,)
    np.testing.assert_allclose(out, [15.0], **TOL)
    np.testing.assert_allclose(m.backward(x, np.array([1.6834])), np.full(5, 1.6834), **TOL)


def test_tutorial_max_mean_view():
    np.testing.assert_allclose(Max(0, 2).forward(SEED_X), [0.9011, 2.5226], **TOL)
    np.testing.assert_allclose(Mean(1, 2).forward(SEED_X), [0.4434, 0.2421, 1.23145], **TOL)
    np.testing.assert_allclose(
        View(2, 3).forward(SEED_X), [[0.9011, -0.0143, -0.8167], [1.3009, -0.0597, 2.5226]], **TOL
    )


# ----------------------------------------------------------------------------- Sum / Mean
def test_sum_hand_values_and_squeeze():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_allclose(Sum(0).forward(x), [5.0, 7.0, 9.0], **TOL)
    np.testing.assert_allclose(Sum(1).forward(x), [6.0, 15.0], **TOL)
    np.testing.assert_allclose(Sum(-1).forward(x), [6.0, 15.0], **TOL)
    np.testing.assert_allclose(Sum(1, squeeze=False).forward(x), [[6.0], [15.0]], **TOL)
    np.testing.assert_allclose(Sum(1, size_average=True).forward(x), [2.0, 5.0], **TOL)


def test_sum_n_input_dims_shifts_for_a_batch(rng):
    x = rng.standard_normal((4, 2, 3))
    m = Sum(0, 2)  # sums over an example's rows, whether alone or in a batch
    out = m.forward(x)
    for i in range(4):
        np.testing.assert_allclose(out[i], x[i][0] + x[i][1], **TOL)
    np.testing.assert_allclose(Sum(0, 2).forward(x[0]), x[0][0] + x[0][1], **TOL)
    # a negative dimension counts from the end and is never shifted
    np.testing.assert_allclose(Sum(-2, 2).forward(x), x[:, 0] + x[:, 1], **TOL)


def test_sum_and_mean_gradients(rng):
    x = rng.standard_normal((2, 3))
    dy = np.array([1.0, -2.0])
    np.testing.assert_allclose(forwarded(Sum(1), x).backward(x, dy), [[1.0] * 3, [-2.0] * 3], **TOL)
    np.testing.assert_allclose(
        forwarded(Mean(1), x).backward(x, dy), [[1 / 3] * 3, [-2 / 3] * 3], **TOL
    )
    grad = forwarded(Sum(0, squeeze=False), x).backward(x, np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(grad, [[1.0, 2.0, 3.0]] * 2, **TOL)


def test_mean_is_numpy_mean(rng):
    x = rng.standard_normal((3, 4, 5))
    for dim in range(-3, 3):
        np.testing.assert_allclose(Mean(dim).forward(x), np.mean(x, axis=dim), **TOL)
    assert Mean(1, 2).config() == {"dimension": 1, "n_input_dims": 2}


def test_reduction_bad_inputs():
    with pytest.raises(ShapeError, match="out of range"):
        Sum(2).forward(np.zeros((2, 3)))
    with pytest.raises(InputTypeError, match="expected input"):
        Mean(0).forward("not an array")
    m = forwarded(Sum(0), np.zeros((2, 3)))
    with pytest.raises(ShapeError, match=r"expected grad_output of shape \(3,\)"):
        m.backward(np.zeros((2, 3)), np.zeros(4))
    np.testing.assert_allclose(m.forward(np.ones((2, 3))), [2.0, 2.0, 2.0], **TOL)


# ----------------------------------------------------------------------------- Max / Min
def test_max_min_values_indices_and_gradient():
    x = np.array([[1.0, 7.0, 3.0], [4.0, 2.0, 9.0]])
    m = Max(1)
    np.testing.assert_allclose(m.forward(x), [7.0, 9.0], **TOL)
    np.testing.assert_array_equal(m.indices.ravel(), [1, 2])
    np.testing.assert_allclose(
        m.backward(x, np.array([10.0, 20.0])), [[0, 10, 0], [0, 0, 20]], **TOL
    )
    n = Min(0)
    np.testing.assert_allclose(n.forward(x), [1.0, 2.0, 3.0], **TOL)
    np.testing.assert_allclose(
        n.backward(x, np.array([1.0, 2.0, 3.0])), [[1, 0, 3], [0, 2, 0]], **TOL
    )


def test_max_min_of_a_vector_keep_one_element():
    x = np.array([3.0, -1.0, 8.0, 2.0])
    assert Max(0).forward(x).shape == (1,)
    np.testing.assert_allclose(Max(0).forward(x), [8.0], **TOL)
    m = Min(0)
    np.testing.assert_allclose(m.forward(x), [-1.0], **TOL)
    np.testing.assert_allclose(m.backward(x, np.array([5.0])), [0, 5, 0, 0], **TOL)


def test_max_batch_against_each_example(rng):
    x = rng.standard_normal((3, 4, 5))
    out = Max(1, 2).forward(x)
    assert out.shape == (3, 4)
    for i in range(3):
        np.testing.assert_allclose(out[i], [max(row) for row in x[i]], **TOL)
        np.testing.assert_allclose(Max(1, 2).forward(x[i]), out[i], **TOL)


def test_max_backward_needs_a_matching_forward():
    m = Max(0)
    with pytest.raises(Exception, match="expected forward"):
        m.backward(np.zeros((2, 3)), np.zeros(3))
    m.forward(np.zeros((2, 3)))
    with pytest.raises(Exception, match="expected grad_output of shape"):
        m.backward(np.zeros((2, 4)), np.zeros(4))
    with pytest.raises(ShapeError, match="non-empty"):
        m.forward(np.zeros((0, 3)))


# ----------------------------------------------------------------------------- k-max pooling
def test_k_max_pooling_keeps_order_of_the_largest():
    x = np.array([[1.0, 9.0], [5.0, 2.0], [3.0, 4.0], [7.0, 0.0], [6.0, 8.0]])
    m = TemporalDynamicKMaxPooling(3)
    np.testing.assert_array_equal(m.forward(x), [[5.0, 9.0], [7.0, 4.0], [6.0, 8.0]])
    grad = m.backward(x, np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    np.testing.assert_array_equal(grad, [[0, 2], [1, 0], [0, 4], [3, 0], [5, 6]])


def test_k_max_pooling_dynamic_k_and_batch(rng):
    x = rng.standard_normal((2, 7, 3))
    m = TemporalDynamicKMaxPooling(2, 0.5)  # k = max(2, ceil(3.5)) = 4
    out = m.forward(x)
    assert out.shape == (2, 4, 3)
    for b in range(2):
        for f in range(3):
            frames = sorted(np.argsort(x[b, :, f])[-4:])
            np.testing.assert_array_equal(out[b, :, f], x[b, frames, f])
    with pytest.raises(ShapeError, match="at least k=2 frames"):
        m.forward(np.zeros((1, 2)))
    with pytest.raises(ShapeError, match="2 or 3 dimensions"):
        m.forward(np.zeros(5))
