"""nn-basic's constants, noise and gradient-only layers against hand-computed values:
MulConstant, AddConstant, Dropout, WhiteNoise, GradientReversal, L1Penalty and ZeroGrad."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.add_constant import AddConstant
from nn_basic.dropout import Dropout
from nn_basic.gradient_reversal import GradientReversal
from nn_basic.l1_penalty import L1Penalty
from nn_basic.mul_constant import MulConstant
from nn_basic.white_noise import WhiteNoise
from nn_basic.zero_grad import ZeroGrad

import nncore
from nncore.errors import InputTypeError, ShapeError, StateError

#: every test starts from the same random seed (conftest.py)
pytestmark = pytest.mark.usefixtures("seeded")


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


# ---------------------------------------------------------------------- in place, said so
def test_inplace_constants_and_dropout_say_so():
    assert repr(MulConstant(2.0, inplace=True)) == "nn.MulConstant(2.0, in place)"
    assert repr(AddConstant(1.5, inplace=True)) == "nn.AddConstant(1.5, in place)"
    assert repr(Dropout(0.3, v1=True, inplace=True)) == "nn.Dropout(p=0.3, v1, in place)"
    assert repr(Dropout(0.3)) == "nn.Dropout(p=0.3)"
