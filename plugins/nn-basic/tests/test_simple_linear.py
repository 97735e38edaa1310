"""nn-basic's layers with weights against hand-computed values and direct numpy formulas:
CMul, CAdd, Mul, Add, LinearWeightNorm, SparseLinear, Bilinear, PartialLinear, MM, MV and
BatchNormalization."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.add import Add
from nn_basic.batch_normalization import BatchNormalization
from nn_basic.bilinear import Bilinear
from nn_basic.cadd import CAdd
from nn_basic.cmul import CMul
from nn_basic.euclidean import Euclidean
from nn_basic.linear_weight_norm import LinearWeightNorm
from nn_basic.mm import MM
from nn_basic.mul import Mul
from nn_basic.mv import MV
from nn_basic.partial_linear import PartialLinear
from nn_basic.sparse_linear import SparseLinear

import nncore
from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import check_gradients  # noqa: E402

#: every test starts from the same random seed (conftest.py)
pytestmark = pytest.mark.usefixtures("seeded")


# ---------------------------------------------------------------------- CMul / CAdd
def test_cmul_broadcast_batch_and_same_shape():
    rng = np.random.default_rng(0)
    m = CMul((1, 3))
    w = m.weight.copy()
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(m.forward(x), x * w, rtol=1e-12)
    go = rng.standard_normal((4, 3))
    m.zero_grad_parameters()
    m.backward(x, go, 0.5)
    expected = 0.5 * np.array([[sum(x[b, j] * go[b, j] for b in range(4)) for j in range(3)]])
    np.testing.assert_allclose(m.grad_weight, expected, rtol=1e-12)
    check_gradients(m, x)

    single = CMul(5)
    check_gradients(single, rng.standard_normal(5))
    batch = CMul(5)
    check_gradients(batch, rng.standard_normal((3, 5)))
    nested = CMul((2, 3))  # batch of (2, 3) examples
    y = rng.standard_normal((4, 2, 3))
    np.testing.assert_allclose(nested.forward(y), y * nested.weight[None], rtol=1e-12)
    check_gradients(nested, y)


def test_cmul_rejects_mismatched_input():
    m = CMul(3)
    with pytest.raises(ShapeError, match="CMul"):
        m.forward(np.ones((2, 4)))
    with pytest.raises(InputTypeError):
        m.forward("not an array")
    assert m.forward(np.ones(3)).shape == (3,)


def test_cadd_values_and_gradients():
    rng = np.random.default_rng(1)
    m = CAdd((3, 1))
    m.bias[...] = [[1.0], [2.0], [3.0]]
    x = np.zeros((3, 4))
    np.testing.assert_allclose(m.forward(x), np.repeat([[1.0], [2.0], [3.0]], 4, axis=1))
    m.zero_grad_parameters()
    m.backward(x, np.ones((3, 4)))
    np.testing.assert_allclose(m.grad_bias, [[4.0], [4.0], [4.0]])
    check_gradients(CAdd(4), rng.standard_normal((2, 4)))
    check_gradients(CAdd(4), rng.standard_normal(4))
    with pytest.raises(ShapeError):
        m.forward(np.ones((2, 4)))


# ---------------------------------------------------------------------- Mul / Add
def test_mul():
    rng = np.random.default_rng(2)
    m = Mul()
    m.weight[0] = 2.5
    x = rng.standard_normal((3, 2))
    np.testing.assert_allclose(m.forward(x), 2.5 * x)
    go = rng.standard_normal((3, 2))
    m.zero_grad_parameters()
    np.testing.assert_allclose(m.backward(x, go), 2.5 * go)
    np.testing.assert_allclose(m.grad_weight, [np.sum(x * go)], rtol=1e-12)
    check_gradients(m, x)
    with pytest.raises(InputTypeError):
        m.forward("not an array")


def test_add_vector_scalar_and_batch():
    rng = np.random.default_rng(3)
    m = Add(3)
    m.bias[...] = [1.0, 2.0, 3.0]
    np.testing.assert_allclose(m.forward(np.zeros(3)), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(m.forward(np.zeros((2, 3))), [[1.0, 2.0, 3.0]] * 2)
    m.zero_grad_parameters()
    m.backward(np.zeros((2, 3)), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    np.testing.assert_allclose(m.grad_bias, [5.0, 7.0, 9.0])
    check_gradients(Add(3), rng.standard_normal((4, 3)))
    check_gradients(Add(6), rng.standard_normal((2, 2, 3)))
    s = Add(7, scalar=True)
    assert s.bias.shape == (1,)
    np.testing.assert_allclose(s.forward(np.zeros(5)), np.full(5, s.bias[0]))
    check_gradients(s, rng.standard_normal((2, 5)))
    with pytest.raises(ShapeError):
        m.forward(np.zeros((2, 4)))


# ---------------------------------------------------------------------- LinearWeightNorm
def test_linear_weight_norm_rows_have_length_g():
    rng = np.random.default_rng(10)
    m = LinearWeightNorm(4, 3)
    m.v[...] = rng.standard_normal((3, 4))
    m.g[...] = [[2.0], [0.5], [3.0]]
    x = rng.standard_normal((5, 4))
    y = m.forward(x)
    lengths = m.g[:, 0]
    weight = np.array([lengths[j] * m.v[j] / np.sqrt(np.sum(m.v[j] ** 2)) for j in range(3)])
    np.testing.assert_allclose(np.linalg.norm(m.weight, axis=1), [2.0, 0.5, 3.0], rtol=1e-12)
    np.testing.assert_allclose(y, x @ weight.T + m.bias, rtol=1e-12)
    check_gradients(m, x)
    check_gradients(LinearWeightNorm(3, 2, bias=False), rng.standard_normal(3))


def test_linear_weight_norm_starts_as_its_drawn_weight():
    m = LinearWeightNorm(5, 2)
    np.testing.assert_allclose(m.g[:, 0], np.linalg.norm(m.v, axis=1), rtol=1e-12)
    m.forward(np.ones(5))
    np.testing.assert_allclose(m.weight, m.v, rtol=1e-12)
    assert repr(LinearWeightNorm(5, 2, bias=False)) == "nn.LinearWeightNorm(5 -> 2, without bias)"
    with pytest.raises(ShapeError):
        m.forward(np.ones(4))


# ---------------------------------------------------------------------- SparseLinear
def _dense(example, size):
    x = np.zeros(size)
    for index, value in example:
        x[int(index)] += value
    return x


def test_sparse_linear_matches_dense_linear_map():
    rng = np.random.default_rng(11)
    m = SparseLinear(8, 3)
    one = np.array([[0.0, 0.5], [7.0, -1.0], [3.0, 2.0], [7.0, 0.25]])  # 7 repeats: adds up
    two = np.array([[2.0, 1.5]])
    np.testing.assert_allclose(m.forward(one), m.weight @ _dense(one, 8) + m.bias, rtol=1e-12)
    y = m.forward([one, two])
    dense = np.stack([_dense(one, 8), _dense(two, 8)])
    np.testing.assert_allclose(y, dense @ m.weight.T + m.bias, rtol=1e-12)
    go = rng.standard_normal((2, 3))
    m.zero_grad_parameters()
    assert m.backward([one, two], go, 2.0) == []
    np.testing.assert_allclose(m.grad_weight, 2.0 * go.T @ dense, rtol=1e-12)
    np.testing.assert_allclose(m.grad_bias, 2.0 * go.sum(axis=0), rtol=1e-12)
    legacy = np.stack([one, one])
    np.testing.assert_allclose(m.forward(legacy), [m.forward(one)] * 2, rtol=1e-12)


def test_sparse_linear_dense_grad_input_and_errors():
    rng = np.random.default_rng(12)
    m = SparseLinear(4, 2, do_grad_input=True)
    x = np.array([[1.0, 3.0]])
    go = rng.standard_normal(2)
    m.forward(x)
    grad = m.backward(x, go)
    np.testing.assert_allclose(grad[:, 0], [0, 1, 2, 3])
    np.testing.assert_allclose(grad[:, 1], go @ m.weight, rtol=1e-12)
    m.forward([x, x])
    grads = m.backward([x, x], np.stack([go, go]))
    assert isinstance(grads, list) and len(grads) == 2
    with pytest.raises(IndexOutOfRangeError, match="SparseLinear"):
        m.forward(np.array([[4.0, 1.0]]))
    with pytest.raises(ShapeError):
        m.forward(np.array([[1.0, 2.0, 3.0]]))
    with pytest.raises(InputTypeError):
        m.forward("not an array")
    with pytest.raises(InputTypeError):
        m.forward(np.array([[1.5, 1.0]]))


# ---------------------------------------------------------------------- Bilinear
def test_bilinear_against_loops():
    rng = np.random.default_rng(13)
    m = Bilinear(2, 3, 4)
    x1, x2 = rng.standard_normal((5, 2)), rng.standard_normal((5, 3))
    y = m.forward([x1, x2])
    expected = np.array(
        [[x1[b] @ m.weight[k] @ x2[b] + m.bias[k] for k in range(4)] for b in range(5)]
    )
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    check_gradients(m, [x1, x2])
    check_gradients(Bilinear(3, 2, 2, bias=False), [rng.standard_normal(3), rng.standard_normal(2)])
    assert repr(m) == "nn.Bilinear(2x3 -> 4)"
    with pytest.raises(ShapeError):
        m.forward([x1, x2[:4]])
    with pytest.raises(ShapeError):
        m.forward([x2, x1])
    with pytest.raises(InputTypeError):
        m.forward(x1)


# ---------------------------------------------------------------------- PartialLinear
def test_partial_linear_uses_chosen_rows_only():
    rng = np.random.default_rng(14)
    m = PartialLinear(3, 5)
    m.bias[...] = rng.standard_normal((1, 5))
    x = rng.standard_normal((4, 3))
    full = x @ m.weight.T + m.bias
    np.testing.assert_allclose(m.forward(x), full, rtol=1e-12)
    m.set_partition([4, 1])
    np.testing.assert_allclose(m.forward(x), full[:, [4, 1]], rtol=1e-12)
    m.zero_grad_parameters()
    go = rng.standard_normal((4, 2))
    m.backward(x, go)
    untouched = [0, 2, 3]
    assert not m.grad_weight[untouched].any() and not m.grad_bias[0, untouched].any()
    np.testing.assert_allclose(m.grad_weight[[4, 1]], go.T @ x, rtol=1e-12)
    check_gradients(m, x)
    check_gradients(m, x[0])
    m.reset_partition()
    np.testing.assert_allclose(m.forward(x), full, rtol=1e-12)
    with pytest.raises(ValueError):
        m.set_partition([1, 1])
    with pytest.raises(IndexOutOfRangeError):
        m.set_partition([5])


# ---------------------------------------------------------------------- MM / MV
@pytest.mark.parametrize(
    "trans_a,trans_b", [(False, False), (True, False), (False, True), (True, True)]
)
def test_mm(trans_a, trans_b):
    rng = np.random.default_rng(19)
    a = rng.standard_normal((2, 4, 3) if trans_a else (2, 3, 4))
    b = rng.standard_normal((2, 5, 4) if trans_b else (2, 4, 5))
    m = MM(trans_a, trans_b)
    ops = "bji" if trans_a else "bij"
    opb = "bkj" if trans_b else "bjk"
    np.testing.assert_allclose(m.forward([a, b]), np.einsum(f"{ops},{opb}->bik", a, b), rtol=1e-12)
    check_gradients(m, [a, b])
    check_gradients(m, [a[0], b[0]])


def test_mm_and_mv_errors():
    with pytest.raises(ShapeError):
        MM().forward([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(ShapeError):
        MM().forward([np.ones((2, 3, 4)), np.ones((3, 4, 2))])
    with pytest.raises(InputTypeError):
        MM().forward(np.ones((2, 2)))
    with pytest.raises(ShapeError):
        MV().forward([np.ones((2, 3)), np.ones(2)])
    with pytest.raises(ShapeError):
        MV().forward([np.ones((2, 3, 4)), np.ones(4)])


@pytest.mark.parametrize("trans", [False, True])
def test_mv(trans):
    rng = np.random.default_rng(20)
    matrices = rng.standard_normal((3, 4, 2))
    vectors = rng.standard_normal((3, 4 if trans else 2))
    m = MV(trans)
    expected = [(mat.T if trans else mat) @ v for mat, v in zip(matrices, vectors, strict=True)]
    np.testing.assert_allclose(m.forward([matrices, vectors]), expected, rtol=1e-12)
    np.testing.assert_allclose(m.forward([matrices[1], vectors[1]]), expected[1], rtol=1e-12)
    check_gradients(m, [matrices, vectors])
    check_gradients(m, [matrices[0], vectors[0]])


# ---------------------------------------------------------------------- BatchNormalization
def test_batch_normalization_training_statistics():
    m = BatchNormalization(2, eps=0.0, momentum=0.5)
    m.weight[...] = [2.0, 1.0]
    m.bias[...] = [0.0, 1.0]
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 16.0]])
    # feature 0: mean 3, biased variance 8/3; feature 1: mean 12, biased variance 8
    y = m.forward(x)
    np.testing.assert_allclose(y[:, 0], 2.0 * (x[:, 0] - 3) / np.sqrt(8 / 3), rtol=1e-12)
    np.testing.assert_allclose(y[:, 1], (x[:, 1] - 12) / np.sqrt(8) + 1.0, rtol=1e-12)
    np.testing.assert_allclose(m.running_mean, [0.5 * 3, 0.5 * 12], rtol=1e-12)
    np.testing.assert_allclose(m.running_var, [0.5 + 0.5 * 4, 0.5 + 0.5 * 12], rtol=1e-12)
    single = BatchNormalization(2)
    single.forward(np.ones((1, 2)))
    np.testing.assert_array_equal(single.running_mean, [0, 0])
    flat = BatchNormalization(1, eps=0.0, affine=False)
    np.testing.assert_array_equal(flat.forward(np.full((3, 1), 2.0)), np.zeros((3, 1)))
    with pytest.raises(ShapeError, match="BatchNormalization"):
        m.forward(np.ones(2))


def test_batch_normalization_evaluation_and_gradients():
    rng = np.random.default_rng(21)
    m = BatchNormalization(3)
    x = rng.standard_normal((6, 3))
    check_gradients(m, x)
    check_gradients(BatchNormalization(3, affine=False), x)
    assert BatchNormalization(3, affine=False).parameters()[0] == []
    m.running_mean[...] = [1.0, 2.0, 3.0]
    m.running_var[...] = [4.0, 1.0, 0.25]
    m.evaluate()
    expected = (x - m.running_mean) / np.sqrt(m.running_var + 1e-5) * m.weight + m.bias
    np.testing.assert_allclose(m.forward(x), expected, rtol=1e-12)
    np.testing.assert_allclose(m.forward(x[2]), expected[2], rtol=1e-12)
    check_gradients(m, x)
    np.testing.assert_array_equal(m.running_mean, [1.0, 2.0, 3.0])
    assert BatchNormalization.buffer_names == ("running_mean", "running_var")


# ---------------------------------------------------------------------- reset(stdv)
@pytest.mark.parametrize(
    "make", [lambda: CMul(4000), lambda: CAdd(4000), lambda: Add(4000), lambda: Euclidean(4000, 1)]
)
def test_reset_stdv_draws_uniform_with_that_standard_deviation(make):
    module = make()
    values = module.parameters()[0][0]
    nncore.manual_seed(3)
    module.reset(0.2)
    bound = 0.2 * np.sqrt(3)
    assert np.all(np.abs(values) <= bound) and values.max() > 0.95 * bound
    assert values.std() == pytest.approx(0.2, rel=0.05)
