"""Tests of nn-basic's simple layers against hand-computed values and direct numpy formulas."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.abs import Abs
from nn_basic.add import Add
from nn_basic.add_constant import AddConstant
from nn_basic.batch_normalization import BatchNormalization
from nn_basic.bilinear import Bilinear
from nn_basic.cadd import CAdd
from nn_basic.clamp import Clamp
from nn_basic.cmul import CMul
from nn_basic.cosine import Cosine
from nn_basic.dropout import Dropout
from nn_basic.euclidean import Euclidean
from nn_basic.exp import Exp
from nn_basic.gradient_reversal import GradientReversal
from nn_basic.kmeans import Kmeans
from nn_basic.l1_penalty import L1Penalty
from nn_basic.linear_weight_norm import LinearWeightNorm
from nn_basic.log import Log
from nn_basic.mm import MM
from nn_basic.mul import Mul
from nn_basic.mul_constant import MulConstant
from nn_basic.mv import MV
from nn_basic.normalize import Normalize
from nn_basic.partial_linear import PartialLinear
from nn_basic.power import Power
from nn_basic.sparse_linear import SparseLinear
from nn_basic.sqrt import Sqrt
from nn_basic.square import Square
from nn_basic.weighted_euclidean import WeightedEuclidean
from nn_basic.white_noise import WhiteNoise
from nn_basic.zero_grad import ZeroGrad

import nncore
from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError, StateError
from nncore.testing import numeric_gradient


def _arrays(value):
    return [a for item in value for a in _arrays(item)] if isinstance(value, list) else [value]


def check_gradients(module, input, seed=0, eps=1e-6, atol=1e-6, params=True):
    """Compare backward's input and parameter gradients with central differences of
    ``sum(forward(input) * grad_output)``."""
    rng = np.random.default_rng(seed)
    output = module.forward(input)
    grad_output = [rng.standard_normal(o.shape) for o in _arrays(output)]

    def loss():
        outputs = _arrays(module.forward(input))
        return sum(np.sum(o * g) for o, g in zip(outputs, grad_output, strict=True))

    module.zero_grad_parameters()
    module.forward(input)
    go = grad_output if isinstance(output, list) else grad_output[0]
    grad_input = module.backward(input, go)
    targets = list(zip(_arrays(input), _arrays(grad_input), strict=True))
    if params:
        targets += list(zip(*module.parameters(), strict=True))
    for array, analytic in targets:
        numeric = numeric_gradient(loss, array, eps)
        np.testing.assert_allclose(analytic, numeric, atol=atol, rtol=1e-5)


@pytest.fixture(autouse=True)
def _seed():
    nncore.manual_seed(1234)


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


# ---------------------------------------------------------------------- Abs
def test_abs():
    m = Abs()
    x = np.array([[-1.5, 0.0, 2.0]])
    np.testing.assert_allclose(m.forward(x), [[1.5, 0.0, 2.0]])
    # torch/nn's Abs takes sign(0) = +1
    np.testing.assert_allclose(m.backward(x, np.array([[3.0, 4.0, 5.0]])), [[-3.0, 4.0, 5.0]])
    check_gradients(m, np.array([0.3, -0.7, 1.1]))
    with pytest.raises(ShapeError):
        m.backward(x, np.ones(3))
    with pytest.raises(InputTypeError):
        m.forward("not an array")


# ---------------------------------------------------------------------- Dropout
def test_dropout_v2_scales_kept_elements_and_masks_gradient():
    m = Dropout(0.25)
    x = np.ones((200, 50))
    y = m.forward(x)
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.75)
    assert abs(kept.mean() - 0.75) < 0.02
    g = m.backward(x, np.full(x.shape, 2.0))
    np.testing.assert_allclose(g, np.where(kept, 2.0 / 0.75, 0.0))
    m.evaluate()
    np.testing.assert_array_equal(m.forward(x), x)
    np.testing.assert_array_equal(m.backward(x, x), x)


def test_dropout_v1_and_stochastic_inference():
    m = Dropout(0.4, v1=True)
    y = m.forward(np.ones(1000))
    assert set(np.unique(y)) <= {0.0, 1.0}
    m.evaluate()
    np.testing.assert_allclose(m.forward(np.ones(3)), [0.6, 0.6, 0.6])
    np.testing.assert_allclose(m.backward(np.ones(3), np.ones(3)), [0.6, 0.6, 0.6])
    s = Dropout(0.5, stochastic_inference=True).evaluate()
    assert np.any(s.forward(np.ones(100)) == 0)


def test_dropout_is_seeded_inplace_and_validated():
    nncore.manual_seed(7)
    a = Dropout(0.5).forward(np.ones(20))
    nncore.manual_seed(7)
    b = Dropout(0.5).forward(np.ones(20))
    np.testing.assert_array_equal(a, b)
    m = Dropout(0.5, inplace=True)
    x = np.ones(20)
    y = m.forward(x)
    assert y is x and np.any(x == 0)
    go = np.ones(20)
    assert m.backward(x, go) is go
    np.testing.assert_array_equal(go, m.noise)
    np.testing.assert_array_equal(Dropout(0.0).forward(np.ones(3)), np.ones(3))
    with pytest.raises(ValueError):
        Dropout(1.0)
    with pytest.raises(InputTypeError):
        Dropout().forward("not an array")


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


# ---------------------------------------------------------------------- constants
def test_mul_constant_and_add_constant():
    x = np.array([1.0, -2.0])
    np.testing.assert_allclose(MulConstant(3.0).forward(x), [3.0, -6.0])
    times3 = MulConstant(3.0)
    times3.forward(x)
    np.testing.assert_allclose(times3.backward(x, np.ones(2)), [3.0, 3.0])
    np.testing.assert_allclose(AddConstant(1.5).forward(x), [2.5, -0.5])
    vector = AddConstant(np.array([1.0, 2.0]))
    np.testing.assert_allclose(vector.forward(np.zeros((3, 2))), [[1.0, 2.0]] * 3)
    with pytest.raises(ShapeError):
        vector.forward(np.zeros((2, 3)))
    with pytest.raises(TypeError):
        MulConstant(np.ones(2))


def test_inplace_constants_restore_their_input():
    x = np.array([1.0, -2.0])
    m = MulConstant(4.0, inplace=True)
    y = m.forward(x)
    assert y is x
    np.testing.assert_allclose(x, [4.0, -8.0])
    go = np.ones(2)
    assert m.backward(x, go) is go
    np.testing.assert_allclose(go, [4.0, 4.0])
    np.testing.assert_allclose(x, [1.0, -2.0])
    a = AddConstant(2.0, inplace=True)
    assert a.forward(x) is x
    np.testing.assert_allclose(x, [3.0, 0.0])
    a.backward(x, go)
    np.testing.assert_allclose(x, [1.0, -2.0])


# ---------------------------------------------------------------------- elementwise math
def test_elementwise_values_and_derivatives():
    x = np.array([0.25, 1.0, 4.0])
    cases = [
        (Exp(), np.exp(x), np.exp(x)),
        (Log(), [np.log(0.25), 0.0, np.log(4.0)], [4.0, 1.0, 0.25]),
        (Square(), [0.0625, 1.0, 16.0], [0.5, 2.0, 8.0]),
        (Sqrt(), [0.5, 1.0, 2.0], [1.0, 0.5, 0.25]),
        (Power(3), [0.25**3, 1.0, 64.0], [3 * 0.0625, 3.0, 48.0]),
        (Power(-1), [4.0, 1.0, 0.25], [-16.0, -1.0, -0.0625]),
        (Clamp(0.5, 2.0), [0.5, 1.0, 2.0], [0.0, 1.0, 0.0]),
    ]
    for module, value, slope in cases:
        np.testing.assert_allclose(module.forward(x), value, rtol=1e-12, err_msg=repr(module))
        np.testing.assert_allclose(
            module.backward(x, np.ones(3)), slope, rtol=1e-12, err_msg=repr(module)
        )
        check_gradients(module, np.array([[0.3, 1.7], [2.2, 0.9]]))


def test_sqrt_eps_zero_gradient_and_clamp_bounds():
    root = Sqrt()
    root.forward(np.zeros(2))
    np.testing.assert_allclose(root.backward(np.zeros(2), np.ones(2)), [0.0, 0.0])
    np.testing.assert_allclose(Sqrt(0.5).forward(np.array([1.5])), [np.sqrt(2.0)])
    clamp = Clamp(-1.0, 1.0)
    x = np.array([-1.0, -0.5, 1.0, 3.0])
    np.testing.assert_allclose(clamp.forward(x), [-1.0, -0.5, 1.0, 1.0])
    np.testing.assert_allclose(clamp.backward(x, np.full(4, 2.0)), [0.0, 2.0, 0.0, 0.0])
    with pytest.raises(ValueError):
        Clamp(1.0, 1.0)
    with pytest.raises(InputTypeError):
        Exp().forward("not an array")


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


def test_normalize_rejects_bad_input():
    with pytest.raises(ShapeError):
        Normalize(2).forward(np.ones((2, 2, 2)))
    with pytest.raises(ValueError):
        Normalize(0)
    assert repr(Normalize(2)) == "nn.Normalize(2)"


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


# ---------------------------------------------------------------------- noise and identities
def test_white_noise():
    m = WhiteNoise(1.0, 0.5)
    y = m.forward(np.zeros(20000))
    assert abs(y.mean() - 1.0) < 0.02 and abs(y.std() - 0.5) < 0.02
    m.forward(np.zeros(3))
    np.testing.assert_array_equal(m.backward(np.zeros(3), np.arange(3.0)), np.arange(3.0))
    nncore.manual_seed(3)
    a = WhiteNoise().forward(np.zeros(4))
    nncore.manual_seed(3)
    np.testing.assert_array_equal(WhiteNoise().forward(np.zeros(4)), a)
    m.evaluate()
    np.testing.assert_allclose(m.forward(np.zeros(2)), [1.0, 1.0])
    with pytest.raises(StateError, match="WhiteNoise"):
        m.backward(np.zeros(2), np.ones(2))


def test_gradient_reversal_l1_penalty_zero_grad():
    x = np.array([1.0, -2.0, 0.0])
    go = np.array([1.0, 2.0, 3.0])
    g = GradientReversal(0.5)
    np.testing.assert_array_equal(g.forward(x), x)
    np.testing.assert_allclose(g.backward(x, go), [-0.5, -1.0, -1.5])
    g.set_lambda(2.0)
    np.testing.assert_allclose(g.backward(x, go), [-2.0, -4.0, -6.0])

    penalty = L1Penalty(0.3, size_average=True)
    np.testing.assert_array_equal(penalty.forward(x), x)
    assert penalty.loss == pytest.approx(0.3 * 3 / 3)
    np.testing.assert_allclose(penalty.backward(x, go), [1.1, 1.9, 3.0])
    silent = L1Penalty(0.3, provide_output=False)
    silent.forward(x)
    np.testing.assert_allclose(silent.backward(x, go), [0.3, -0.3, 0.0])

    z = ZeroGrad()
    table = [x, [np.ones((2, 2))]]
    assert z.forward(table) is table
    grad = z.backward(table, [go, [np.ones((2, 2))]])
    np.testing.assert_array_equal(grad[0], np.zeros(3))
    np.testing.assert_array_equal(grad[1][0], np.zeros((2, 2)))
    with pytest.raises(InputTypeError):
        z.forward("not an array")


# ---------------------------------------------------------------------- shared behaviour
def test_elementwise_layers_promote_integers_and_keep_float32():
    np.testing.assert_array_equal(Abs().forward(np.array([-2, 3])), [2.0, 3.0])
    assert Abs().forward(np.array([-2, 3])).dtype == np.float64
    assert Square().forward(np.array([2], np.int32)).dtype == np.float64
    inverse = Power(-1)
    np.testing.assert_allclose(inverse.forward(np.array([2, 4])), [0.5, 0.25], rtol=1e-15)
    np.testing.assert_allclose(
        inverse.backward(np.array([2, 4]), np.ones(2)), [-0.25, -0.0625], rtol=1e-15
    )
    for module in (Abs(), Exp(), Square(), Power(2), Clamp(-1.0, 1.0)):
        module.float()
        x = np.array([0.5, -0.25], np.float32)
        assert module.forward(x).dtype == np.float32, repr(module)
        assert module.backward(x, np.ones(2, np.float32)).dtype == np.float32, repr(module)


def test_elementwise_backward_needs_the_forward_it_differentiates():
    with pytest.raises(StateError, match="expected forward before backward"):
        Exp().backward(np.array([0.0, 1.0]), np.array([2.0, 3.0]))
    square = Square()
    square.forward(np.ones((2, 2)))  # a stored output of another shape is not differentiated
    with pytest.raises(ShapeError, match="output of the last forward"):
        square.backward(np.array([3.0]), np.array([1.0]))
    square.forward(np.array([3.0]))
    np.testing.assert_allclose(square.backward(np.array([3.0]), np.array([1.0])), [6.0])


def test_clamp_is_a_hard_tanh():
    from nn_basic.hard_tanh import HardTanh

    clamp, hard = Clamp(-0.5, 2.0), HardTanh(-0.5, 2.0)
    assert isinstance(clamp, HardTanh)
    x, go = np.array([-1.0, 0.0, 1.5, 3.0]), np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(clamp.forward(x), hard.forward(x))
    np.testing.assert_array_equal(clamp.backward(x, go), [0.0, 2.0, 3.0, 0.0])
    assert repr(clamp) == "nn.Clamp(-0.5, 2)"


def test_inplace_constants_and_dropout_say_so():
    assert repr(MulConstant(2.0, inplace=True)) == "nn.MulConstant(2.0, in place)"
    assert repr(AddConstant(1.5, inplace=True)) == "nn.AddConstant(1.5, in place)"
    assert repr(Dropout(0.3, v1=True, inplace=True)) == "nn.Dropout(p=0.3, v1, in place)"
    assert repr(Dropout(0.3)) == "nn.Dropout(p=0.3)"


def test_weighted_euclidean_with_unit_scales_is_euclidean():
    rng = np.random.default_rng(40)
    plain, weighted = Euclidean(3, 2), WeightedEuclidean(3, 2)
    weighted.weight[...] = plain.weight
    x, go = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    np.testing.assert_allclose(weighted.forward(x), plain.forward(x), rtol=1e-14)
    np.testing.assert_allclose(weighted.backward(x, go), plain.backward(x, go), rtol=1e-14)
    np.testing.assert_allclose(weighted.grad_weight, plain.grad_weight, rtol=1e-14)


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
