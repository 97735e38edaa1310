"""Containers and decorators against hand-computed values and torch/nn's documented behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.bottle import Bottle
from nn_basic.cmul import CMul
from nn_basic.concat import Concat
from nn_basic.decorator import Decorator
from nn_basic.depth_concat import DepthConcat
from nn_basic.dont_cast import DontCast
from nn_basic.identity import Identity
from nn_basic.linear import Linear
from nn_basic.nan import NaN
from nn_basic.parallel import Parallel
from nn_basic.profile import Profile
from nn_basic.relu import ReLU
from nn_basic.sequential import Sequential
from nn_basic.sum import Sum
from nn_basic.tanh import Tanh
from nn_basic.weight_norm import WeightNorm

from nncore import Module
from nncore.errors import InputTypeError, NaNError, NNCoreError, ShapeError, StateError

TOL = {"rtol": 1e-12, "atol": 1e-12}


def linear(weight, bias) -> Linear:
    """A Linear with the given weight and bias."""
    weight = np.asarray(weight, dtype=float)
    module = Linear(weight.shape[1], weight.shape[0])
    module.weight[...] = weight
    module.bias[...] = bias
    return module


# ------------------------------------------------------------------------ Sequential
def test_sequential_insert_remove_and_get():
    double, negate = linear([[2.0]], [0.0]), linear([[-1.0]], [0.0])
    seq = Sequential(double)
    seq.add(negate)
    np.testing.assert_allclose(seq.forward(np.array([3.0])), [-6.0])
    shift = linear([[1.0]], [10.0])
    seq.insert(shift, 0)  # (3 + 10) * 2 * -1
    np.testing.assert_allclose(seq.forward(np.array([3.0])), [-26.0])
    assert seq.get(0) is shift and seq.size() == 3
    assert seq.remove(1) is double  # (3 + 10) * -1
    np.testing.assert_allclose(seq.forward(np.array([3.0])), [-13.0])
    assert seq.remove() is negate
    np.testing.assert_allclose(seq.forward(np.array([3.0])), [13.0])


def test_nested_sequential_equals_the_flat_chain():
    rng = np.random.default_rng(0)
    a, b, c = Linear(4, 3), Tanh(), Linear(3, 2)
    nested = Sequential(a, Sequential(b, Sequential(c)))
    x, g = rng.standard_normal((5, 4)), rng.standard_normal((5, 2))
    hidden = np.tanh(x @ a.weight.T + a.bias)
    np.testing.assert_allclose(nested.forward(x), hidden @ c.weight.T + c.bias, **TOL)
    nested.zero_grad_parameters()
    grad_input = nested.backward(x, g)
    grad_hidden = (g @ c.weight) * (1 - hidden**2)
    np.testing.assert_allclose(grad_input, grad_hidden @ a.weight, **TOL)
    np.testing.assert_allclose(c.grad_weight, g.T @ hidden, **TOL)
    assert [p for p, _, _ in nested.named_modules()] == ["", "0", "1", "1.0", "1.1", "1.1.0"]
    assert repr(nested).splitlines()[3] == "  (1): nn.Sequential {"


# ------------------------------------------------------------------------ Concat
def test_concat_of_cmul_and_sum_as_in_the_tutorial():
    """Seed 004: Concat over [CMul(5), Sum] of x = 1..5 gives a 6-vector."""
    f, g = CMul(5), Sum(0)
    f.weight[...] = [-0.3180, -0.0484, 0.1885, 0.4165, 0.3364]
    cat = Concat(0).add(f).add(g)
    x = np.arange(1.0, 6.0)
    expected = [-0.3180, -0.0968, 0.5655, 1.6660, 1.6820, 15.0]  # w_i * i, then 1+...+5
    np.testing.assert_allclose(cat.forward(x), expected, rtol=1e-12)
    grad_output = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 0.5])
    f.zero_grad_parameters()
    grad_input = cat.backward(x, grad_output)
    # CMul passes w_i * dy_i, Sum spreads dy_6 over every element; Concat adds them
    np.testing.assert_allclose(grad_input, f.weight * grad_output[:5] + 0.5, **TOL)
    np.testing.assert_allclose(f.grad_weight, x * grad_output[:5], **TOL)


def test_concat_along_features_of_a_batch():
    first, second = linear([[1.0, 0.0]], [0.0]), linear([[1.0, 1.0], [0.0, 2.0]], [1.0, 0.0])
    cat = Concat(1).add(first).add(second)
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(cat.forward(x), [[1.0, 4.0, 4.0], [3.0, 8.0, 8.0]], **TOL)
    g = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(cat.backward(x, g), [[2.0, 3.0], [0.0, 2.0]], **TOL)


def test_concat_errors_say_which_shapes_and_where():
    cat = Concat(0).add(Linear(4, 3)).add(Linear(4, 2))
    with pytest.raises(ShapeError, match=r"Concat\(0\).*equal sizes outside dimension 0"):
        cat.forward(np.zeros((5, 4)))
    net = Sequential(Identity(), Concat(0).add(Identity()).add(Linear(3, 2)))
    with pytest.raises(ShapeError) as error:
        net.forward(np.zeros(4))
    assert "nn.Linear(3 -> 2) at '1.1' in Sequential" in str(error.value)
    with pytest.raises(StateError, match="at least one child"):
        Concat(0).forward(np.zeros(3))
    np.testing.assert_allclose(cat.forward(np.zeros(4)), np.concatenate([cat[0].bias, cat[1].bias]))


def test_concat_prints_like_torch():
    text = repr(Concat(1).add(Linear(4, 3)).add(Sequential(Tanh())))
    assert text.splitlines() == [
        "nn.Concat(1) {",
        "  input",
        "  |`-> (0): nn.Linear(4 -> 3)",
        "  |`-> (1): nn.Sequential {",
        "         [input -> (0) -> output]",
        "         (0): nn.Tanh",
        "       }",
        "   ... -> output",
        "}",
    ]


def test_depth_concat_centres_smaller_outputs_in_zeros():
    cat = DepthConcat(0).add(Identity()).add(linear([[1.0, 1.0, 1.0]], [0.0]))
    x = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(cat.forward(x), [[1.0, 2.0, 3.0], [0.0, 6.0, 0.0]], **TOL)
    g = np.array([[1.0, 1.0, 1.0], [5.0, 2.0, 5.0]])  # only g[1, 1] reaches the Linear
    np.testing.assert_allclose(cat.backward(x, g), [[3.0, 3.0, 3.0]], **TOL)


# ------------------------------------------------------------------------ Parallel
def test_parallel_slices_input_and_concatenates_outputs():
    par = Parallel(1, 0).add(linear([[2.0, 0.0, 0.0]], [0.0])).add(Identity())
    x = np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])  # column i goes to child i
    np.testing.assert_allclose(par.forward(x), [2.0, 4.0, 5.0, 6.0], **TOL)
    g = np.array([1.0, 7.0, 8.0, 9.0])
    np.testing.assert_allclose(par.backward(x, g), [[2.0, 7.0], [0.0, 8.0], [0.0, 9.0]], **TOL)


def test_parallel_needs_one_slice_per_child():
    par = Parallel(0, 0).add(Identity()).add(Identity())
    with pytest.raises(ShapeError, match=r"Parallel\(0, 0\).*one slice per child.*size 2"):
        par.forward(np.zeros((3, 4)))
    np.testing.assert_allclose(par.forward(np.ones((2, 2))), np.ones(4))


# ------------------------------------------------------------------------ decorators
def test_decorator_delegates_and_is_a_container():
    inner = linear([[1.0, 2.0]], [0.5])
    wrapped = Decorator(inner)
    np.testing.assert_allclose(wrapped.forward(np.array([1.0, 1.0])), [3.5])
    wrapped.zero_grad_parameters()
    np.testing.assert_allclose(wrapped.backward(np.array([1.0, 1.0]), np.array([2.0])), [2.0, 4.0])
    np.testing.assert_allclose(inner.grad_weight, [[2.0, 2.0]])
    assert list(wrapped.named_children()) == [("0", inner)]
    assert repr(wrapped) == "nn.Decorator @ nn.Linear(2 -> 1)"
    assert Sequential(wrapped).find_modules(Linear).paths == ["0.0"]
    wrapped.replace(lambda m: ReLU() if isinstance(m, Linear) else m)
    np.testing.assert_allclose(wrapped.forward(np.array([-1.0, 2.0])), [0.0, 2.0])


def test_bottle_applies_a_matrix_module_to_every_leading_index():
    rng = np.random.default_rng(1)
    inner = Linear(4, 3)
    x, g = rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 3))
    bottle = Bottle(inner)
    np.testing.assert_allclose(bottle.forward(x), x @ inner.weight.T + inner.bias, **TOL)
    inner.zero_grad_parameters()
    np.testing.assert_allclose(bottle.backward(x, g), g @ inner.weight, **TOL)
    np.testing.assert_allclose(inner.grad_weight, np.einsum("abo,abi->oi", g, x), **TOL)
    with pytest.raises(ShapeError, match="expected the wrapped module to return 3 dimensions"):
        Bottle(Linear(4, 3), 2, 3).forward(x)


def test_nan_names_what_held_the_nan_and_where():
    net = Sequential(Identity(), NaN(Linear(2, 2), 3))
    with pytest.raises(NaNError) as error:
        net.forward(np.array([1.0, np.nan]))
    message = str(error.value)
    assert isinstance(error.value, NNCoreError) and isinstance(error.value, FloatingPointError)
    assert "nn.NaN(3) @ nn.Linear(2 -> 2) at '1' in Sequential" in message
    assert "got NaN in the input at index (1,)" in message
    net.forward(np.ones(2))  # still usable
    with pytest.raises(NaNError, match="NaN in grad_output at index"):
        net.backward(np.ones(2), np.array([np.nan, 0.0]))
    net.modules[1].module.weight[0, 1] = np.nan
    with pytest.raises(NaNError, match=r"NaN in the parameters of nn.Linear\(2 -> 2\)\[0\]"):
        net.forward(np.ones(2))


def test_nan_catches_a_nan_produced_by_the_module():
    log = NaN(Sequential(Linear(1, 1)))
    log.module.modules[0].weight[...] = np.inf
    with np.errstate(invalid="ignore"), pytest.raises(NaNError, match="output of nn.Seq"):
        log.forward(np.zeros(1))  # inf * 0


def test_profile_counts_times_and_prints_every_interval(capsys):
    profile = Profile(Tanh(), print_interval=2, name="tanh")
    x = np.zeros(3)
    for _ in range(3):
        profile.forward(x)
        profile.backward(x, np.ones(3))
    assert profile.timings["forward"][0] == 3 and profile.timings["backward"][0] == 3
    assert profile.timings["forward"][1] >= 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2
    assert printed[0].startswith("tanh took ")
    assert printed[0].endswith(" seconds for 2 forward passes")
    np.testing.assert_allclose(profile.backward(x, np.ones(3)), np.ones(3))


def test_dont_cast_keeps_the_wrapped_module_and_converts_at_the_border():
    inner = Linear(3, 2)
    net = Sequential(Tanh(), DontCast(inner, castin=True)).float()
    assert inner.weight.dtype == np.float64 and inner.grad_weight.dtype == np.float64
    assert net.modules[1].dtype == np.float32
    x = np.ones((4, 3), np.float32)
    out = net.forward(x)
    assert out.dtype == np.float32 and inner.output.dtype == np.float64
    grad = net.backward(x, np.ones((4, 2), np.float32))
    assert grad.dtype == np.float32
    expected = np.tanh(1.0) * inner.weight.sum(axis=1) + inner.bias
    np.testing.assert_allclose(out, np.broadcast_to(expected, (4, 2)), rtol=1e-6)
    np.testing.assert_allclose(inner.grad_weight, 4 * np.tanh(1.0) * np.ones((2, 3)), rtol=1e-6)
    plain = Sequential(DontCast(Linear(3, 2))).float()
    # no castin: the inner float64 module takes float64; no castout: float64 goes out
    assert plain.forward(x.astype(np.float64)).dtype == np.float64
    with pytest.raises(InputTypeError, match="expected input of dtype float64"):
        plain.forward(x)


def test_weight_norm_reparameterises_the_weight():
    inner = linear([[3.0, 4.0], [1.0, 0.0]], [0.5, -0.5])
    wn = WeightNorm(inner)
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(wn.forward(x), [11.5, 0.5], rtol=1e-12)  # unchanged at first
    wn.v[...] = [[3.0, 4.0], [0.0, 2.0]]
    wn.g[...] = [10.0, 1.0]
    norms = np.sqrt(np.array([25.0, 4.0]) + 1e-4)
    weight = np.array([[30.0, 40.0], [0.0, 1.0 * 2.0]]) / norms[:, None]
    np.testing.assert_allclose(wn.forward(x), weight @ x + [0.5, -0.5], **TOL)
    np.testing.assert_allclose(inner.weight, weight, **TOL)
    params, _ = wn.parameters()
    assert [p is q for p, q in zip(params, [wn.v, wn.g, inner.bias], strict=True)] == [True] * 3


def test_weight_norm_gradients_against_the_explicit_jacobian():
    rng = np.random.default_rng(2)
    inner = Linear(3, 2)
    wn = WeightNorm(inner)
    wn.v[...] = rng.standard_normal((2, 3))
    wn.g[...] = [1.5, -0.7]
    x, dy = rng.standard_normal(3), rng.standard_normal(2)
    wn.forward(x)
    wn.zero_grad_parameters()
    wn.backward(x, dy, 2.0)
    dw = 2.0 * np.outer(dy, x)  # dL/dweight of a Linear, scaled
    for row in range(2):
        v, g = wn.v[row], wn.g[row]
        n = np.sqrt(v @ v + 1e-4)
        dw_dv = g * (np.eye(3) / n - np.outer(v, v) / n**3)  # d weight_k / d v_j
        np.testing.assert_allclose(wn.grad_v[row], dw_dv.T @ dw[row], **TOL)
        np.testing.assert_allclose(wn.grad_g[row], dw[row] @ (v / n), **TOL)
    np.testing.assert_allclose(inner.grad_bias, 2.0 * dy, **TOL)


def test_weight_norm_over_another_output_dimension_and_conversion():
    inner = Linear(2, 3)
    wn = WeightNorm(inner, 1)  # normalise the columns of the (3, 2) weight
    wn.v[...] = [[1.0, 0.0, 0.0], [0.0, 3.0, 4.0]]
    wn.g[...] = [2.0, 1.0]
    wn.forward(np.zeros(2))
    np.testing.assert_allclose(
        np.linalg.norm(inner.weight, axis=0),
        [2.0 / np.sqrt(1 + 1e-4), 5.0 / np.sqrt(25 + 1e-4)],
        **TOL,
    )
    wn.float()
    assert inner.weight.dtype == wn.v.dtype == np.float32
    assert wn.forward(np.zeros(2, np.float32)).dtype == np.float32
    flat, _ = Sequential(wn).get_parameters()
    assert flat.size == 2 * 3 + 2 + 3  # v, g, bias; the derived weight is not a parameter


class _AddPair(Module):
    """``a + b`` of a table ``[a, b]``; the gradient is ``[dy, dy]``."""

    def update_output(self, input):
        return input[0] + input[1]

    def update_grad_input(self, input, grad_output):
        return [grad_output, grad_output]


class _First(Module):
    """``a`` of a table ``[a, b]``; the gradient is ``[dy, 0]``."""

    def update_output(self, input):
        return input[0]

    def update_grad_input(self, input, grad_output):
        return [grad_output, np.zeros_like(input[1])]


def test_concat_of_table_modules_sums_table_gradients():
    cat = Concat(0).add(_AddPair()).add(_First())
    table = [np.array([1.0, 2.0]), np.array([10.0, 20.0])]
    np.testing.assert_allclose(cat.forward(table), [11.0, 22.0, 1.0, 2.0])
    grad = cat.backward(table, np.array([1.0, 2.0, 3.0, 4.0]))
    assert isinstance(grad, list) and len(grad) == 2
    np.testing.assert_allclose(grad[0], [4.0, 6.0])
    np.testing.assert_allclose(grad[1], [1.0, 2.0])
