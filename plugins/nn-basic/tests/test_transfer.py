"""Transfer functions against hand-computed values, torch/nn's documented behaviour and
direct numpy formulas written independently of the implementation."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from nn_basic.crelu import CReLU
from nn_basic.elu import ELU
from nn_basic.gated_linear_unit import GatedLinearUnit
from nn_basic.hard_shrink import HardShrink
from nn_basic.hard_tanh import HardTanh
from nn_basic.leaky_relu import LeakyReLU
from nn_basic.log_sigmoid import LogSigmoid
from nn_basic.log_soft_max import LogSoftMax
from nn_basic.prelu import PReLU
from nn_basic.relu import ReLU
from nn_basic.relu6 import ReLU6
from nn_basic.rrelu import RReLU
from nn_basic.selu import SELU
from nn_basic.sigmoid import Sigmoid
from nn_basic.soft_max import SoftMax
from nn_basic.soft_min import SoftMin
from nn_basic.soft_plus import SoftPlus
from nn_basic.soft_shrink import SoftShrink
from nn_basic.soft_sign import SoftSign
from nn_basic.spatial_log_soft_max import SpatialLogSoftMax
from nn_basic.spatial_soft_max import SpatialSoftMax
from nn_basic.tanh_shrink import TanhShrink
from nn_basic.threshold import Threshold

import nncore
from nncore.errors import InputError, InputTypeError, ShapeError, StateError

TOL = {"rtol": 1e-12, "atol": 1e-12}


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def backward(module, x, g):
    module.forward(x)
    return module.backward(x, g)


# ------------------------------------------------------------------------ pointwise by hand
HAND = [
    # module, input, output, derivative at the input
    (Sigmoid(), [0.0, math.log(3.0)], [0.5, 0.75], [0.25, 0.1875]),
    (ReLU(), [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0], [0.0, 0.0, 1.0]),
    (ReLU6(), [-1.0, 3.0, 7.0], [0.0, 3.0, 6.0], [0.0, 1.0, 0.0]),
    (HardTanh(), [-3.0, 0.5, 3.0], [-1.0, 0.5, 1.0], [0.0, 1.0, 0.0]),
    (HardTanh(-0.5, 2.0), [-1.0, 1.5, 2.5], [-0.5, 1.5, 2.0], [0.0, 1.0, 0.0]),
    (HardShrink(0.85), [-1.0, 0.5, 0.9], [-1.0, 0.0, 0.9], [1.0, 0.0, 1.0]),
    (SoftShrink(0.85), [-1.0, 0.5, 0.9], [-0.15, 0.0, 0.05], [1.0, 0.0, 1.0]),
    (SoftSign(), [-3.0, 0.0, 1.0], [-0.75, 0.0, 0.5], [1 / 16, 1.0, 0.25]),
    (Threshold(1.0, -5.0), [0.5, 1.0, 2.0], [-5.0, -5.0, 2.0], [0.0, 0.0, 1.0]),
    (Threshold(), [1e-7, 2e-6], [0.0, 2e-6], [0.0, 1.0]),
    (LeakyReLU(0.1), [-2.0, 3.0], [-0.2, 3.0], [0.1, 1.0]),
    (LeakyReLU(), [-2.0], [-0.02], [0.01]),
    (ELU(0.5), [-1.0, 2.0], [0.5 * (math.exp(-1) - 1), 2.0], [0.5 * math.exp(-1), 1.0]),
    (
        SoftPlus(),
        [0.0, 1.0, 30.0],
        [math.log(2), math.log(1 + math.e), 30.0],
        [0.5, math.e / (1 + math.e), 1.0],
    ),
    (SoftPlus(2.0), [1.0], [math.log(1 + math.e**2) / 2], [math.e**2 / (1 + math.e**2)]),
    (LogSigmoid(), [0.0, -1000.0, 1000.0], [-math.log(2), -1000.0, 0.0], [0.5, 1.0, 0.0]),
    (TanhShrink(), [0.0, 1.0], [0.0, 1 - math.tanh(1)], [0.0, math.tanh(1) ** 2]),
    (PReLU(), [-4.0, 2.0], [-1.0, 2.0], [0.25, 1.0]),
]


@pytest.mark.parametrize("module, x, y, slope", HAND, ids=lambda v: repr(v)[:30])
def test_pointwise_values_and_gradients(module, x, y, slope):
    x, g = np.array(x), np.linspace(1.0, 2.0, len(x))
    np.testing.assert_allclose(module.forward(x.copy()), y, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        backward(module, x.copy(), g), g * np.array(slope), rtol=1e-12, atol=1e-15
    )


def test_selu_uses_the_published_constants():
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    x = np.array([-1.0, 2.0])
    np.testing.assert_allclose(SELU().forward(x), [scale * alpha * (math.exp(-1) - 1), 2 * scale])
    np.testing.assert_allclose(
        backward(SELU(), x, np.ones(2)), [scale * alpha * math.exp(-1), scale]
    )


def test_sigmoid_and_softplus_do_not_overflow():
    x = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(Sigmoid().forward(x), [0.0, 1.0])
        np.testing.assert_allclose(SoftPlus().forward(x), [0.0, 1000.0])
        np.testing.assert_allclose(ELU().forward(x), [-1.0, 1000.0])


def test_pointwise_keeps_float32_and_promotes_integers():
    for module in (Sigmoid(), ReLU(), ELU(), SoftPlus(), LeakyReLU(), PReLU()):
        module.float()
        x = rng().standard_normal(5).astype(np.float32)
        assert module.forward(x).dtype == np.float32
        assert module.backward(x, np.ones(5, np.float32)).dtype == np.float32
    assert ReLU().forward(np.array([-1, 2])).dtype == np.float64
    np.testing.assert_allclose(ReLU().forward(np.array([-1, 2])), [0.0, 2.0])


# ------------------------------------------------------------------------ in-place modes
IN_PLACE = [
    (ReLU, {}),
    (ReLU6, {}),
    (HardTanh, {"min_value": -0.5, "max_value": 0.5}),
    (Threshold, {"threshold": 0.3, "value": 0.1}),
    (ELU, {"alpha": 0.7}),
    (SELU, {}),
    (LeakyReLU, {"negval": 0.2}),
    (RReLU, {}),
]


@pytest.mark.parametrize("cls, kwargs", IN_PLACE, ids=lambda v: getattr(v, "__name__", ""))
def test_in_place_matches_out_of_place_and_overwrites(cls, kwargs):
    x, g = rng(1).standard_normal((3, 4)) * 2, rng(2).standard_normal((3, 4))
    plain, inplace = cls(**kwargs), cls(**kwargs, inplace=True)
    nncore.manual_seed(5)
    y = plain.forward(x.copy())
    dx = plain.backward(x.copy(), g.copy())
    x_in, g_in = x.copy(), g.copy()
    nncore.manual_seed(5)
    y_in = inplace.forward(x_in)
    assert y_in is x_in, "in-place forward returns its input array"
    np.testing.assert_allclose(x_in, y, **TOL)
    dx_in = inplace.backward(x_in, g_in)
    assert dx_in is g_in, "in-place backward returns grad_output"
    np.testing.assert_allclose(dx_in, dx, **TOL)
    assert "in place" in repr(inplace)


def test_out_of_place_leaves_input_alone():
    x = np.array([-1.0, 2.0])
    ReLU().forward(x)
    np.testing.assert_array_equal(x, [-1.0, 2.0])


def test_in_place_constraints_follow_torch():
    with pytest.raises(InputError, match="value <= threshold"):
        Threshold(0.0, 1.0, inplace=True)
    assert not LeakyReLU(-0.5, inplace=True).inplace  # a negative slope flips the sign
    with pytest.raises(InputError, match="max_value > min_value"):
        HardTanh(1.0, 1.0)
    with pytest.raises(InputError, match="lower <= upper"):
        RReLU(0.5, 0.1)


# ------------------------------------------------------------------------ softmax family
def softmax_reference(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def test_softmax_by_hand_and_last_dimension():
    y = SoftMax().forward(np.log(np.array([[1.0, 3.0], [2.0, 2.0]])))
    np.testing.assert_allclose(y, [[0.25, 0.75], [0.5, 0.5]], **TOL)
    np.testing.assert_allclose(
        SoftMax().forward(np.log(np.array([1.0, 1.0, 2.0]))), [0.25, 0.25, 0.5], **TOL
    )


def test_softmax_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(SoftMax().forward(np.array([1000.0, 1000.0])), [0.5, 0.5])
        np.testing.assert_allclose(
            LogSoftMax().forward(np.array([[1000.0, 0.0]])), [[0.0, -1000.0]], atol=1e-12
        )
        np.testing.assert_allclose(SoftMin().forward(np.array([-1000.0, 1000.0])), [1.0, 0.0])


def test_softmax_gradient_matches_explicit_jacobian():
    x, g = rng(3).standard_normal(5), rng(4).standard_normal(5)
    y = softmax_reference(x, 0)
    jacobian = np.diag(y) - np.outer(y, y)  # d y_i / d x_j
    np.testing.assert_allclose(backward(SoftMax(), x, g), jacobian.T @ g, **TOL)
    log_jacobian = np.eye(5) - np.outer(np.ones(5), y)  # d log y_i / d x_j
    np.testing.assert_allclose(backward(LogSoftMax(), x, g), log_jacobian.T @ g, **TOL)
    min_jacobian = -(np.diag(softmax_reference(-x, 0)) - np.outer(*[softmax_reference(-x, 0)] * 2))
    np.testing.assert_allclose(backward(SoftMin(), x, g), min_jacobian.T @ g, **TOL)


def test_log_softmax_is_log_of_softmax_row_by_row():
    x = rng(5).standard_normal((4, 3)) * 3
    np.testing.assert_allclose(LogSoftMax().forward(x), np.log(softmax_reference(x, 1)), **TOL)


@pytest.mark.parametrize("cls", [SoftMax, SpatialSoftMax])
def test_softmax_normalises_the_feature_dimension_of_maps(cls):
    maps = rng(6).standard_normal((3, 2, 2))  # (features, h, w)
    np.testing.assert_allclose(cls().forward(maps), softmax_reference(maps, 0), **TOL)
    batch = rng(7).standard_normal((2, 3, 2, 2))  # (batch, features, h, w)
    np.testing.assert_allclose(cls().forward(batch), softmax_reference(batch, 1), **TOL)


def test_spatial_log_softmax_at_every_location():
    batch = rng(8).standard_normal((2, 4, 3, 1))
    np.testing.assert_allclose(
        SpatialLogSoftMax().forward(batch), np.log(softmax_reference(batch, 1)), **TOL
    )


def test_softmax_rejects_five_dimensions():
    with pytest.raises(ShapeError, match=r"SoftMax.*expected input with 1, 2, 3 or 4 dimensions"):
        SoftMax().forward(np.zeros((1, 1, 1, 1, 2)))


# ------------------------------------------------------------------------ RReLU
def test_rrelu_training_draws_slopes_in_range_from_the_nncore_generator():
    x = -np.ones(1000)
    module = RReLU(0.1, 0.3)
    nncore.manual_seed(11)
    first = module.forward(x).copy()
    assert np.all((first >= -0.3) & (first <= -0.1)) and np.std(first) > 0.03
    np.testing.assert_allclose(module.backward(x, np.ones(1000)), -first, **TOL)
    nncore.manual_seed(11)
    np.testing.assert_array_equal(module.forward(x), first)
    assert not np.array_equal(module.forward(x), first)  # a fresh draw each forward


def test_rrelu_evaluation_uses_the_mean_slope():
    module = RReLU(0.1, 0.3).evaluate()
    x = np.array([-2.0, 3.0])
    np.testing.assert_allclose(module.forward(x), [-0.4, 3.0], **TOL)
    np.testing.assert_allclose(module.backward(x, np.ones(2)), [0.2, 1.0], **TOL)


# ------------------------------------------------------------------------ PReLU
def test_prelu_per_plane_slopes_and_their_gradient():
    module = PReLU(3)
    module.weight[...] = [0.1, 0.2, 0.3]
    x = np.array([[-1.0, -2.0, 3.0], [4.0, -5.0, -6.0]])
    g = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_allclose(module.forward(x), [[-0.1, -0.4, 3.0], [4.0, -1.0, -1.8]], **TOL)
    module.zero_grad_parameters()
    dx = module.backward(x, g, 0.5)
    np.testing.assert_allclose(dx, [[0.1, 0.4, 3.0], [4.0, 1.0, 1.8]], **TOL)
    # dL/da_c = sum over negative inputs of plane c of g * x
    np.testing.assert_allclose(module.grad_weight, 0.5 * np.array([-1.0, -4 - 25, -36.0]), **TOL)


def test_prelu_planes_are_dimension_one_of_maps():
    module = PReLU(2)
    module.weight[...] = [0.5, 2.0]
    x = -np.ones((1, 2, 2, 2))
    np.testing.assert_allclose(module.forward(x)[0, 0], -0.5 * np.ones((2, 2)))
    np.testing.assert_allclose(module.forward(x)[0, 1], -2.0 * np.ones((2, 2)))
    with pytest.raises(ShapeError, match=r"PReLU.*expected input \(one plane per slope\) of size"):
        module.forward(np.zeros((2, 3)))


# ------------------------------------------------------------------------ CReLU, GLU
def test_crelu_concatenates_along_the_first_non_batch_dimension():
    x = np.array([-1.0, 2.0])
    np.testing.assert_allclose(CReLU(1).forward(x), [0.0, 2.0, 1.0, 0.0])
    g = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(backward(CReLU(1), x, g), [-3.0, 2.0])
    maps = rng(9).standard_normal((2, 3, 2, 2))
    out = CReLU(3).forward(maps)
    assert out.shape == (2, 6, 2, 2)
    np.testing.assert_allclose(out[:, :3], np.maximum(maps, 0))
    np.testing.assert_allclose(out[:, 3:], np.maximum(-maps, 0))
    with pytest.raises(ShapeError, match="CReLU"):
        CReLU(3).forward(np.zeros((2, 2)))


def test_gated_linear_unit_by_hand():
    x = np.array([[3.0, 0.0]])
    np.testing.assert_allclose(GatedLinearUnit().forward(x), [[1.5]])
    np.testing.assert_allclose(
        backward(GatedLinearUnit(), x, np.array([[2.0]])), [[2 * 0.5, 2 * 3 * 0.25]]
    )
    x = rng(10).standard_normal((4, 3))
    a, b = x[:2], x[2:]
    np.testing.assert_allclose(GatedLinearUnit(0).forward(x), a / (1 + np.exp(-b)), **TOL)
    with pytest.raises(ShapeError, match="expected an even size in dimension 1"):
        GatedLinearUnit().forward(np.zeros((2, 3)))


# ------------------------------------------------------------------------ errors
ALL = [
    Sigmoid(),
    ReLU(),
    SoftMax(),
    LogSoftMax(),
    SoftMin(),
    HardTanh(),
    ELU(),
    PReLU(),
    RReLU(),
    CReLU(1),
    GatedLinearUnit(),
    SpatialSoftMax(),
    SoftPlus(),
    Threshold(),
]


@pytest.mark.parametrize("module", ALL, ids=repr)
def test_bad_input_is_named_and_leaves_the_module_usable(module):
    with pytest.raises(InputTypeError) as error:
        module.forward("not an array")
    assert type(module).__name__ in str(error.value) and "expected" in str(error.value)
    x = np.ones((2, 4))
    module.forward(x)
    with pytest.raises(ShapeError, match="grad_output"):
        module.backward(x, np.ones((3, 3)))
    assert module.forward(x).shape[0] == 2


def test_reprs():
    assert repr(HardTanh(-2, 2, True)) == "nn.HardTanh(-2, 2, in place)"
    assert repr(Threshold(0.5, -1)) == "nn.Threshold(0.5, -1)"
    assert repr(LeakyReLU(0.2)) == "nn.LeakyReLU(0.2)"
    assert repr(PReLU(4)) == "nn.PReLU(4)" and repr(PReLU()) == "nn.PReLU"
    assert repr(SoftMax()) == "nn.SoftMax"


@pytest.mark.parametrize("module", [Sigmoid(), ELU(), SoftMax(), LogSoftMax()], ids=repr)
def test_backward_needs_a_forward_on_that_input(module):
    with pytest.raises(StateError, match="expected forward before backward"):
        module.backward(np.ones(3), np.ones(3))
    module.forward(np.ones((2, 3)))
    with pytest.raises(
        ShapeError, match=r"of shape \(2, 3\) \(the shape of the output of the last"
    ):
        module.backward(np.ones(3), np.ones(3))


# ------------------------------------------------------------------------ PyTorch cross-check
def _torch_cases() -> list[tuple]:
    """(module, input shape, the same function in PyTorch)."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    slopes = np.array([0.1, 0.2, 0.3])
    prelu = PReLU(3)
    prelu.weight[...] = slopes
    return [
        (Sigmoid(), (4, 3), torch.sigmoid),
        (ReLU(), (4, 3), F.relu),
        (ReLU6(), (4, 3), F.relu6),
        (HardTanh(-0.5, 2.0), (4, 3), lambda v: F.hardtanh(v, -0.5, 2.0)),
        (Threshold(0.5, -2.0), (4, 3), lambda v: F.threshold(v, 0.5, -2.0)),
        (HardShrink(0.6), (4, 3), lambda v: F.hardshrink(v, 0.6)),
        (SoftShrink(0.6), (4, 3), lambda v: F.softshrink(v, 0.6)),
        (SoftPlus(2.0), (4, 3), lambda v: F.softplus(v, beta=2.0, threshold=20.0)),
        (SoftSign(), (4, 3), F.softsign),
        (LogSigmoid(), (4, 3), F.logsigmoid),
        (TanhShrink(), (4, 3), F.tanhshrink),
        (ELU(0.7), (4, 3), lambda v: F.elu(v, 0.7)),
        (SELU(), (4, 3), F.selu),
        (LeakyReLU(0.2), (4, 3), lambda v: F.leaky_relu(v, 0.2)),
        (RReLU(0.1, 0.3).evaluate(), (4, 3), lambda v: F.rrelu(v, 0.1, 0.3, training=False)),
        (prelu, (4, 3, 2), lambda v: F.prelu(v, torch.tensor(slopes))),
        (SoftMax(), (4, 3), lambda v: F.softmax(v, dim=1)),
        (SoftMax(), (5,), lambda v: F.softmax(v, dim=0)),
        (LogSoftMax(), (4, 3), lambda v: F.log_softmax(v, dim=1)),
        (SoftMin(), (4, 3), lambda v: F.softmin(v, dim=1)),
        (SpatialSoftMax(), (2, 3, 2, 2), lambda v: F.softmax(v, dim=1)),
        (SpatialLogSoftMax(), (3, 2, 2), lambda v: F.log_softmax(v, dim=0)),
        (GatedLinearUnit(), (4, 6), lambda v: F.glu(v, dim=-1)),
        (GatedLinearUnit(0), (4, 3), lambda v: F.glu(v, dim=0)),
        (CReLU(1), (4, 3), lambda v: torch.cat([F.relu(v), F.relu(-v)], dim=1)),
    ]


@pytest.mark.parametrize("k", range(25))
def test_agrees_with_pytorch(k):
    torch = pytest.importorskip("torch")
    module, shape, reference = _torch_cases()[k]
    x, g = 2 * rng(k).standard_normal(shape), rng(100 + k).standard_normal(shape)
    leaf = torch.tensor(x, requires_grad=True)
    expected = reference(leaf)
    g = g if expected.shape == shape else rng(100 + k).standard_normal(tuple(expected.shape))
    expected.backward(torch.tensor(g))
    np.testing.assert_allclose(module.forward(x), expected.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(module.backward(x, g), leaf.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_accurate_in_its_tails_and_quiet_at_extremes(dtype):
    x = np.concatenate([np.linspace(-120, 120, 481), [-800.0, -745.0, 745.0, 800.0]])
    # the logistic function from Python floats, 0 where exp(-x) overflows
    expected = [1 / (1 + math.exp(-v)) if v > -709 else 0.0 for v in x]
    module = Sigmoid().type(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            y = module.forward(x.astype(dtype))
            dx = module.backward(x.astype(dtype), np.ones(x.shape, dtype))
    assert y.dtype == dx.dtype == dtype
    tiny = np.finfo(dtype).tiny  # below it float32 results are subnormal or flushed to 0
    rtol = 1e-15 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(y, np.array(expected).astype(dtype), rtol=rtol, atol=tiny)
    assert np.all(np.isfinite(dx)) and np.all(dx >= 0)


@pytest.mark.parametrize(
    "module, shape, features",
    [
        (SoftMax(), (3, 0), (3, 4)),
        (LogSoftMax(), (3, 0), (3, 4)),
        (SoftMin(), (0,), (4,)),
        (SpatialSoftMax(), (2, 0, 4, 4), (2, 4, 3, 3)),
        (SpatialLogSoftMax(), (0, 2, 2), (4, 2, 2)),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, nncore.Module) else str(v),
)
def test_a_distribution_over_no_features_is_empty(module, shape, features):
    # softmax over zero classes: every row is an empty distribution (the maximum subtracted for
    # stability does not exist, and must not be asked for)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = np.zeros(shape)
        assert module.forward(x).shape == shape
        assert module.backward(x, np.ones(shape)).shape == shape
    # and the module stays usable: four equal scores give probabilities of 1/4
    y = module.forward(np.zeros(features))
    probabilities = np.exp(y) if "Log" in type(module).__name__ else y
    np.testing.assert_allclose(probabilities, np.full(features, 0.25))
