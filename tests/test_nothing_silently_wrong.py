"""Training never goes wrong without an error: parameter identity, sharing, dtypes, gradients.

Each test here reproduces a way in which a ported Torch7 program trained wrongly, or computed a
wrong value, with no error at all.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import nncore
from nncore import MissingGradient, Module, nn
from nncore.errors import (
    InputTypeError,
    MissingGradientError,
    ParameterLayoutError,
    ShapeError,
    StateError,
)


def mlp(seed: int = 0) -> Module:
    nncore.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))


def sgd_steps(net: Module, params: np.ndarray, grads: np.ndarray, steps: int = 5) -> list[float]:
    """Plain SGD through the flat vectors on a fixed regression problem; the losses."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 4)).astype(net.dtype)
    y = rng.standard_normal((8, 2)).astype(net.dtype)
    criterion = nn.MSECriterion().type(net.dtype)
    losses = []
    for _ in range(steps):
        grads.fill(0)
        output = net.forward(x)
        losses.append(criterion.forward(output, y))
        net.backward(x, criterion.backward(output, y))
        params -= 0.5 * grads
    return losses


# ----------------------------------------------------------------------------- 1. conversion
def test_converting_to_the_dtype_a_network_has_keeps_its_flat_vectors():
    net = mlp().float()
    params, grads = net.get_parameters()
    weight = net.get(0).weight
    net.float()
    net.type(np.float32)
    net.type("torch.FloatTensor")
    assert net.get(0).weight is weight
    again = net.get_parameters()
    assert again[0] is params and again[1] is grads
    losses = sgd_steps(net, params, grads)
    assert losses[-1] < 0.5 * losses[0], losses  # training through the old vectors works


def test_converting_to_another_dtype_retires_the_old_vectors():
    net = mlp()
    params, grads = net.get_parameters()
    old_weight = net.get(0).weight
    net.float()
    with pytest.raises(ValueError, match="read-only"):
        params -= 0.1 * grads
    with pytest.raises(ValueError, match="read-only"):
        old_weight[...] = 0
    fresh, fresh_grads = net.get_parameters()
    assert fresh.dtype == np.float32 and fresh is not params
    assert np.shares_memory(net.get(0).weight, fresh)
    assert (
        sgd_steps(net, fresh, fresh_grads)[-1]
        < sgd_steps(mlp().float(), *mlp().float().get_parameters(), steps=1)[0]
    )


# ----------------------------------------------------------------------------- 2. sharing
def test_sharing_by_assignment_with_two_gradients_is_refused_naming_both_modules():
    a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    b.weight = a.weight  # Lua's b.weight:set(a.weight), with b keeping its own gradWeight
    net = nn.Sequential(a, nn.Tanh(), b)
    for method in (net.get_parameters, net.parameters, net.zero_grad_parameters):
        with pytest.raises(ParameterLayoutError) as error:
            method()
        message = str(error.value)
        assert "'0.weight'" in message and "'2.weight'" in message
        assert "share(" in message and "clone(" in message


def test_siamese_sharing_with_share_sums_both_gradients():
    nncore.manual_seed(1)
    left = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    right = left.clone("weight", "bias")
    net = nn.ParallelTable().add(left).add(right)
    params, grads = net.get_parameters()
    assert params.size == 8  # the shared weight and bias appear once
    rng = np.random.default_rng(2)
    x = [rng.standard_normal((5, 3)), rng.standard_normal((5, 3))]
    g = [rng.standard_normal((5, 2)), rng.standard_normal((5, 2))]
    grads.fill(0)
    net.forward(x)
    net.backward(x, g)
    # the same gradient computed by hand: both branches' contributions added
    w = left.get(0).weight
    expected = sum(
        ((gi * (1 - np.tanh(xi @ w.T + left.get(0).bias) ** 2)).T @ xi)
        for xi, gi in zip(x, g, strict=True)
    )
    np.testing.assert_allclose(left.get(0).grad_weight, expected, rtol=1e-12)


def test_share_refuses_unknown_names_and_different_structures():
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    with pytest.raises(ParameterLayoutError, match=r"'wieght'.*valid names are \[.*'weight'"):
        b.share(a, "wieght")
    with pytest.raises(ParameterLayoutError, match="expected the same shape"):
        nn.Linear(4, 2).share(a, "weight")
    with pytest.raises(ParameterLayoutError, match="children"):
        nn.Sequential(nn.Linear(3, 2)).share(nn.Sequential(), "weight")
    with pytest.raises(ParameterLayoutError, match="valid names"):
        a.clone("wieght")


# ----------------------------------------------------------------------------- 3. clones
def lstm_cell(size: int = 16) -> Module:
    """char-rnn's LSTM step as a graph-free network: the gates of [x, h] in one Linear."""
    return nn.Sequential(nn.JoinTable(1), nn.Linear(2 * size, 4 * size), nn.Sigmoid())


def test_clones_of_a_flattened_network_share_and_copy_no_flat_vectors():
    proto = lstm_cell()
    params, grads = proto.get_parameters()
    clones = [proto.clone("weight", "bias") for _ in range(50)]
    for twin in clones:
        assert twin._flat_parameters is None
        assert twin.get(1).weight is proto.get(1).weight
        assert twin.get(1).grad_weight is proto.get(1).grad_weight
    copied = {
        id(a)
        for twin in clones
        for m in twin.list_modules()
        for a in vars(m).values()
        if isinstance(a, np.ndarray)
        and a.size
        and not np.shares_memory(a, params)
        and not np.shares_memory(a, grads)
    }
    assert not copied  # nothing but the (empty) state of each module was allocated
    # a clone's get_parameters returns views into the prototype's vectors: sharing survives
    view, grad_view = clones[3].get_parameters()
    assert np.shares_memory(view, params) and np.shares_memory(grad_view, grads)
    assert clones[3].get(1).weight is proto.get(1).weight
    view -= 1.0
    np.testing.assert_array_equal(params, view)


def test_a_sub_network_of_a_flattened_network_gives_views_into_its_vectors():
    net = mlp()
    params, grads = net.get_parameters()
    last = net.get(2)
    sub, sub_grads = last.get_parameters()
    assert np.shares_memory(sub, params) and sub.size == 3 * 2 + 2
    sub[...] = 7.0
    np.testing.assert_array_equal(params[-8:], 7.0)
    assert net.get_parameters()[0] is params  # the big vector is still the network's


def test_flattening_parameters_that_live_out_of_order_in_another_vector_is_refused():
    net = mlp()
    net.get_parameters()
    reordered = nn.Sequential(net.get(2), net.get(0))  # both live in net's vector, reversed
    with pytest.raises(ParameterLayoutError, match="call get_parameters"):
        reordered.get_parameters()


def test_flattening_a_bigger_network_retires_the_parts_vectors():
    inner = mlp()
    old, _ = inner.get_parameters()
    outer = nn.Sequential(inner, nn.Linear(2, 2))
    params, _ = outer.get_parameters()
    assert params.size == old.size + 6 and not old.flags.writeable
    assert np.shares_memory(inner.get(0).weight, params)


# ----------------------------------------------------------------------------- 4. dtypes
@pytest.mark.parametrize(
    "module, value, expected",
    [
        (nn.SpatialAdaptiveAveragePooling(1, 1), np.array([[[1, 2], [3, 4]]], np.uint8), [[[2.5]]]),
        (nn.MM(), [np.array([[True, True]]), np.array([[True], [True]])], [[2.0]]),
        (nn.Normalize(2), np.array([[200, 200]], np.uint8), [[2**-0.5, 2**-0.5]]),
        (nn.Square(), np.array([16], np.uint8), [256.0]),
        (nn.Sum(0), np.array([200, 100], np.uint8), 300.0),
        (nn.CMulTable(), [np.array([16], np.uint8), np.array([16], np.uint8)], [256.0]),
    ],
    ids=lambda v: repr(v).splitlines()[0][:30],
)
def test_integer_and_bool_inputs_give_the_cast_result(module, value, expected):
    out = module.forward(value)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_integer_log_probabilities_give_the_right_loss():
    loss = nn.ClassNLLCriterion().forward(np.array([[-1, -2], [-3, -4]]), np.array([1, 0]))
    assert loss == pytest.approx(2.5)


def test_a_float64_input_to_a_float32_network_says_how_to_cast():
    net = mlp().float()
    with pytest.raises(InputTypeError) as error:
        net.forward(np.zeros((2, 4)))
    message = str(error.value)
    assert "nn.Linear(4 -> 3) at '0' in Sequential" in message
    assert "x.astype(np.float32)" in message
    assert net.forward(np.zeros((2, 4), np.float32)).dtype == np.float32
    with pytest.raises(InputTypeError, match="expected grad_output of dtype float32"):
        net.backward(np.zeros((2, 4), np.float32), np.zeros((2, 2)))
    with pytest.raises(InputTypeError, match="astype"):
        nn.MSECriterion().float().forward(np.zeros(2, np.float32), np.zeros(2))


def test_index_inputs_stay_integer():
    table = nn.LookupTable(5, 2).float()
    out = table.forward(np.array([[0, 4]]))
    assert out.dtype == np.float32 and out.shape == (1, 2, 2)
    picked = nn.Index(0).forward([np.arange(6.0), np.array([5, 0])])
    np.testing.assert_array_equal(picked, [5.0, 0.0])


# ----------------------------------------------------------------------------- 5. gradients
class OneHot(Module):
    """char-rnn's OneHot, ported line by line: it defines update_output only."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def update_output(self, input):
        out = np.zeros((len(input), self.size))
        out[np.arange(len(input)), input.astype(np.int64)] = 1  # Lua: input:long()
        return out


def test_a_module_indexing_with_a_cast_input_is_told_what_to_declare():
    class Pick(Module):
        def update_output(self, input):
            return np.arange(10.0)[input]

    with pytest.raises(IndexError) as error:
        Pick().forward(np.array([1, 2]))
    assert any("declares accepts = 'index'" in note for note in error.value.__notes__)

    class IndexedPick(Pick):
        accepts = "index"

    np.testing.assert_array_equal(IndexedPick().forward(np.array([1, 2])), [1.0, 2.0])


def test_a_module_without_update_grad_input_can_be_the_first_module():
    net = nn.Sequential(OneHot(5), nn.Linear(5, 3), nn.Tanh())
    ids = np.array([0, 3, 4])
    net.forward(ids)
    net.zero_grad_parameters()
    grad = net.backward(ids, np.ones((3, 3)))
    assert isinstance(grad, MissingGradient)
    assert np.abs(net.get(1).grad_weight).sum() > 0


def test_a_missing_gradient_needed_by_a_module_before_it_names_the_module():
    net = nn.Sequential(nn.Linear(5, 5), OneHot(5))
    x = np.zeros((2, 5))
    with pytest.raises(Exception):  # noqa: B017 - OneHot only indexes with integers
        net.forward(x)
    net = nn.Sequential(nn.Identity(), nn.Exp(), OneHotFloat(5), nn.Sum(1))
    net.forward(np.zeros((2, 5)))
    with pytest.raises(MissingGradientError) as error:
        net.backward(np.zeros((2, 5)), np.ones(2))
    message = str(error.value)
    assert "OneHotFloat defines no update_grad_input" in message
    assert "implement OneHotFloat.update_grad_input(input, grad_output)" in message
    assert "nn.Exp at '1' in Sequential" in message


class OneHotFloat(Module):
    """A module whose input needs a gradient but that defines none."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def update_output(self, input):
        return np.eye(self.size)[np.argmax(input, axis=1)]


# ----------------------------------------------------------------------------- 6. misuse
def test_backward_before_forward_and_wrong_gradients_are_clear_errors():
    for module in (nn.Tanh(), nn.SpatialMaxPooling(2, 2), nn.Linear(3, 2)):
        with pytest.raises(StateError, match="expected forward before backward"):
            module.backward(np.zeros((1, 3, 3, 3)), np.zeros((1, 3, 1, 1)))
    linear = nn.Linear(3, 2)
    linear.forward(np.zeros((4, 3)))
    with pytest.raises(ShapeError, match=r"nn.Linear\(3 -> 2\): expected grad_output of shape"):
        linear.backward(np.zeros((4, 3)), np.zeros((4, 3)))
    assert linear.backward(np.zeros((4, 3)), np.zeros((4, 2))).shape == (4, 3)


def test_a_raw_numpy_error_names_the_module_in_a_note():
    class Strings(Module):
        def update_output(self, input):
            return np.add(input, np.array(["a"]))

    net = nn.Sequential(nn.Identity(), Strings())
    with pytest.raises(Exception) as error:
        net.forward(np.zeros(2))
    notes = getattr(error.value, "__notes__", [str(error.value)])
    assert any("Strings at '1' in Sequential" in note for note in notes)


def test_a_clone_made_before_flattening_fails_loudly_instead_of_training_a_copy():
    proto = mlp()
    twin = proto.clone("weight", "bias")
    proto.get_parameters()  # the prototype's parameters move into its flat vector
    x = np.zeros((2, 4))
    twin.forward(x)
    with pytest.raises(ValueError, match="read-only"):
        twin.backward(x, np.ones((2, 2)))
    assert copy.deepcopy(twin) is not None
