"""Shape and reduction layers against hand-computed values, torch/nn's documented results and
direct numpy formulas; bad input; batch detection through ``n_input_dims``."""

from __future__ import annotations

import numpy as np
import pytest

from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError
from nn_basic.max import Max
from nn_basic.mean import Mean
from nn_basic.min import Min
from nn_basic.reshape import Reshape
from nn_basic.sum import Sum
from nn_basic.view import View

TOL = dict(rtol=1e-12, atol=1e-12)

# the 3x2 input of torch/nn's tutorial notebook, section "modules without parameters"
SEED_X = np.array([[0.9011, -0.0143], [-0.8167, 1.3009], [-0.0597, 2.5226]])


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(4)


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
        View(2, 3).forward(SEED_X),
        [[0.9011, -0.0143, -0.8167], [1.3009, -0.0597, 2.5226]], **TOL)


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
    np.testing.assert_allclose(Sum(1).backward(x, dy), [[1.0] * 3, [-2.0] * 3], **TOL)
    np.testing.assert_allclose(Mean(1).backward(x, dy), [[1 / 3] * 3, [-2 / 3] * 3], **TOL)
    grad = Sum(0, squeeze=False).backward(x, np.array([[1.0, 2.0, 3.0]]))
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
    m = Sum(0)
    with pytest.raises(ShapeError, match="expected grad_output with 3 elements"):
        m.backward(np.zeros((2, 3)), np.zeros(4))
    np.testing.assert_allclose(m.forward(np.ones((2, 3))), [2.0, 2.0, 2.0], **TOL)


# ----------------------------------------------------------------------------- Max / Min
def test_max_min_values_indices_and_gradient():
    x = np.array([[1.0, 7.0, 3.0], [4.0, 2.0, 9.0]])
    m = Max(1)
    np.testing.assert_allclose(m.forward(x), [7.0, 9.0], **TOL)
    np.testing.assert_array_equal(m.indices.ravel(), [1, 2])
    np.testing.assert_allclose(m.backward(x, np.array([10.0, 20.0])),
                               [[0, 10, 0], [0, 0, 20]], **TOL)
    n = Min(0)
    np.testing.assert_allclose(n.forward(x), [1.0, 2.0, 3.0], **TOL)
    np.testing.assert_allclose(n.backward(x, np.array([1.0, 2.0, 3.0])),
                               [[1, 0, 3], [0, 2, 0]], **TOL)


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
    with pytest.raises(Exception, match="expected forward"):
        m.backward(np.zeros((2, 4)), np.zeros(4))
    with pytest.raises(ShapeError, match="non-empty"):
        m.forward(np.zeros((0, 3)))


# ----------------------------------------------------------------------------- View / Reshape
def test_view_torch_examples():
    x = np.arange(1.0, 17.0).reshape(4, 4)
    np.testing.assert_array_equal(View(2, 8).forward(x)[1], np.arange(9.0, 17.0))
    assert View((8, 2)).forward(x).shape == (8, 2)
    assert View(16).forward(x).shape == (16,)
    m = View(-1, num_input_dims=2)
    assert m.forward(np.zeros((2, 3))).shape == (6,)
    assert m.forward(np.zeros((5, 2, 3))).shape == (5, 6)


def test_view_infers_a_batch_and_its_gradient(rng):
    x = rng.standard_normal((4, 2, 3))
    m = View(6)
    out = m.forward(x)
    assert out.shape == (4, 6)
    np.testing.assert_array_equal(out[2], [x[2, 0, 0], x[2, 0, 1], x[2, 0, 2],
                                           x[2, 1, 0], x[2, 1, 1], x[2, 1, 2]])
    dy = rng.standard_normal((4, 6))
    np.testing.assert_array_equal(m.backward(x, dy)[3, 1], dy[3, 3:])
    # a batch of one keeps its batch dimension only when num_input_dims says so
    assert View(6).forward(np.zeros((1, 2, 3))).shape == (6,)
    assert View(6, num_input_dims=2).forward(np.zeros((1, 2, 3))).shape == (1, 6)


def test_view_bad_sizes_and_inputs():
    with pytest.raises(ShapeError, match="at most one -1"):
        View(-1, -1)
    with pytest.raises(ShapeError, match="multiple of 4"):
        View(4).forward(np.zeros((2, 3)))
    with pytest.raises(InputTypeError):
        View(4).forward("not an array")


def test_view_config_round_trip():
    m = View(2, -1, num_input_dims=3)
    assert m.config() == {"size": (2, -1), "num_input_dims": 3}
    rebuilt = View.from_config(m.config())
    assert repr(rebuilt) == repr(m) == "nn.View(2, -1)"
    assert rebuilt.forward(np.zeros((5, 2, 2, 2))).shape == (5, 2, 4)


def test_reshape_torch_examples():
    x = np.arange(1.0, 17.0).reshape(4, 4)
    np.testing.assert_array_equal(Reshape(8, 2).forward(x)[:, 1], np.arange(2.0, 17.0, 2))
    assert Reshape(16).forward(x).shape == (16,)
    y = np.zeros((1, 4))
    assert Reshape(4).forward(y).shape == (1, 4)
    assert Reshape(4, batch_mode=False).forward(y).shape == (4,)
    assert Reshape(2, 2, batch_mode=True).forward(np.zeros((1, 4))).shape == (1, 2, 2)
    assert repr(Reshape(2, 8)) == "nn.Reshape(2x8)"


def test_reshape_batch_and_gradient(rng):
    x = rng.standard_normal((3, 2, 3))
    m = Reshape(3, 2)
    out = m.forward(x)
    assert out.shape == (3, 3, 2)
    np.testing.assert_array_equal(out[1, 2], x[1, 1, 1:])
    dy = rng.standard_normal((3, 3, 2))
    np.testing.assert_array_equal(m.backward(x, dy), dy.reshape(3, 2, 3))
    with pytest.raises(ShapeError, match="expected input that can be viewed as 3x3x2"):
        m.forward(np.zeros((3, 7)))
    with pytest.raises(ShapeError, match="grad_output"):
        m.backward(x, np.zeros(5))
