"""nn-basic's elementwise layers against hand-computed values and their derivatives: Abs, Exp,
Log, Square, Sqrt, Power and Clamp."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.abs import Abs
from nn_basic.clamp import Clamp
from nn_basic.exp import Exp
from nn_basic.log import Log
from nn_basic.power import Power
from nn_basic.sqrt import Sqrt
from nn_basic.square import Square

from nncore.errors import InputTypeError, ShapeError, StateError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import check_gradients  # noqa: E402

#: every test starts from the same random seed (conftest.py)
pytestmark = pytest.mark.usefixtures("seeded")


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


# ---------------------------------------------------------------------- faster forms, same bits
SPECIAL = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-300, -1e-300, 2.5, -2.5]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size", [len(SPECIAL), 1000])  # numpy's scalar loop and its SIMD one
def test_relu_abs_sqrt_square_give_the_bits_of_their_plain_formulas(dtype, size):
    from nn_basic.relu import ReLU
    from nn_basic.threshold import Threshold

    rng = np.random.default_rng(3)
    x = np.resize(np.array(SPECIAL), size).astype(dtype)
    rng.shuffle(x)
    g = rng.standard_normal(size).astype(dtype)
    with np.errstate(all="ignore"):
        one = dtype(1)
        cases = [
            # (module, input, output by the plain formula, input gradient by the plain formula)
            (ReLU(), x, np.where(x > 0, x, dtype(0)), g * (x > 0)),
            (Threshold(0.5, 0.5), x, np.where(x > 0.5, x, dtype(0.5)), g * (x > 0.5)),
            (Abs(), x, np.abs(x), g * np.where(x >= 0, one, -one)),
            (Square(), x, np.square(x), g * (2 * x)),
            (Sqrt(), np.abs(x), np.sqrt(np.abs(x)), None),
        ]
        for module, input, value, slope in cases:
            module.type(dtype)
            y = module.forward(input)
            grad = module.backward(input, g)
            if slope is None:  # Sqrt: 0.5 / y, and 0 where y is 0
                safe = np.where(value == 0, one, value)
                slope = g * np.where(value == 0, dtype(0), dtype(0.5) / safe)
            # bit for bit: the signs of zeros and NaNs' places included
            assert y.dtype == grad.dtype == dtype, repr(module)
            np.testing.assert_array_equal(np.signbit(y), np.signbit(value), err_msg=repr(module))
            np.testing.assert_array_equal(y, value, err_msg=repr(module))
            np.testing.assert_array_equal(grad, slope, err_msg=repr(module))


def test_elementwise_per_call_checks_leave_the_full_checks_in_place():
    from nn_basic.relu import ReLU

    for module in (ReLU(), Exp(), Abs()):
        module.forward(np.ones((2, 2)))
        x = np.array([0.5, -1.0, 2.0])
        if module.needs_forward:  # an input of another shape than the last forward's
            with pytest.raises(StateError, match=r"input of shape \(3,\) before backward"):
                module.update_grad_input(x, np.ones(3))
        else:  # recomputed from the input: what a forward on it then a backward give
            fresh = type(module)()
            fresh.forward(x)
            expected = fresh.backward(x, np.ones(3))
            np.testing.assert_array_equal(module.update_grad_input(x, np.ones(3)), expected)
        with pytest.raises(ShapeError, match=r"grad_output of the same shape as input \(3,\)"):
            module.update_grad_input(x, np.ones(2))
        with pytest.raises(InputTypeError, match="numpy.ndarray"):
            module.update_grad_input(x, [1.0, 1.0, 1.0])
        module.forward(np.array([1, -2, 3]))  # integers are cast; the module stays usable
        assert module.backward(np.array([1, -2, 3]), np.ones(3)).dtype == np.float64


def test_cmul_and_cadd_scale_their_parameter_gradients():
    from nn_basic.cadd import CAdd
    from nn_basic.cmul import CMul

    x, g = np.arange(6.0).reshape(2, 3), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    cmul, cadd = CMul(3), CAdd(3)
    for module, grad_of_one in ((cmul, (x * g).sum(axis=0)), (cadd, g.sum(axis=0))):
        module.zero_grad_parameters()
        module.forward(x)
        module.backward(x, g, scale=0.5)
        module.backward(x, g)
        np.testing.assert_array_equal(module.parameters()[1][0], 1.5 * grad_of_one)
    np.testing.assert_array_equal(g, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # left as it was
