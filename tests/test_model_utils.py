"""nncore.model_utils: one flat vector over several networks, and clones sharing a prototype's
parameters that cost their activations only."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import nncore
from nncore import nn
from nncore.errors import ArgumentError, InputTypeError
from nncore.model_utils import clone_many_times, combine_all_parameters


def test_combined_vector_holds_every_network_in_order():
    a, b = nn.Linear(3, 2), nn.Sequential().add(nn.Linear(2, 4)).add(nn.Tanh())
    expected = np.concatenate(
        [a.weight.ravel(), a.bias.ravel(), b.get(0).weight.ravel(), b.get(0).bias.ravel()]
    )
    params, grads = combine_all_parameters(a, b)
    np.testing.assert_array_equal(params, expected)
    assert grads.shape == params.shape
    params[:] = np.arange(params.size)  # the networks see what the optimiser writes
    np.testing.assert_array_equal(b.get(0).bias, np.arange(16, 20))
    again = combine_all_parameters(a, b)
    assert np.shares_memory(again[0], params) and np.shares_memory(again[1], grads)
    np.testing.assert_array_equal(again[0], params)


def test_a_parameter_shared_between_networks_is_counted_once():
    left = nn.Linear(5, 2)
    right = left.clone("weight", "bias")  # the nn docs' siamese pair
    head = nn.Linear(2, 1)
    params, grads = combine_all_parameters(left, right, head)
    assert params.size == 12 + 3
    right.forward(np.ones(5))
    right.backward(np.ones(5), np.ones(2))
    np.testing.assert_array_equal(grads[:10], np.ones(10))  # right's gradient is left's


def test_a_single_network_gets_what_get_parameters_gives():
    net = nn.Linear(4, 3)
    params, grads = combine_all_parameters(net)
    flat = net.get_parameters()
    assert flat[0] is params and flat[1] is grads


def test_combine_refuses_what_is_not_a_network():
    with pytest.raises(InputTypeError, match="at least one network"):
        combine_all_parameters()
    with pytest.raises(InputTypeError, match="expected Modules, got ndarray as network 1"):
        combine_all_parameters(nn.Linear(2, 2), np.ones(3))


def test_clones_share_every_parameter_and_gradient():
    net = nn.Sequential().add(nn.LinearWeightNorm(3, 4)).add(nn.Linear(4, 2))
    params, grads = net.get_parameters()
    clones = clone_many_times(net, 3)
    assert len(clones) == 3 and len({id(c) for c in clones}) == 3
    for clone in clones:
        assert clone is not net and clone._flat_parameters is None
        for (p, g), (q, h) in zip(
            zip(*clone.parameters(), strict=True), zip(*net.parameters(), strict=True), strict=True
        ):
            assert p is q and g is h  # v, g and bias of LinearWeightNorm too
        # flattening a clone gives views into the prototype's vectors, not copies
        flat = clone.get_parameters()
        assert np.shares_memory(flat[0], params) and np.shares_memory(flat[1], grads)


def test_a_gradient_accumulated_in_a_clone_appears_in_the_prototypes_flat_vector():
    net = nn.Linear(3, 2)
    params, grads = net.get_parameters()
    grads.fill(0)
    (clone,) = clone_many_times(net, 1)
    x, gy = np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, -1.0]])
    clone.forward(x)
    clone.backward(x, gy)
    np.testing.assert_array_equal(grads, np.concatenate([(gy.T @ x).ravel(), gy.ravel()]))
    assert net.output is nncore._gradients.NO_OUTPUT  # the prototype did not run


def test_clones_cost_their_activations_only():
    net = nn.Sequential().add(nn.Linear(500, 500)).add(nn.Tanh())
    net.get_parameters()
    batch = np.ones((8, 500))
    net.forward(batch)  # activations in the prototype: clones must not copy them
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        clones = clone_many_times(net, 10)
        made = tracemalloc.get_traced_memory()[0] - before
        for clone in clones:
            clone.forward(batch)
        ran = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    parameter_bytes = 501 * 500 * 8 * 2  # parameters and gradients, 4 MB
    activation_bytes = 2 * 8 * 500 * 8  # the outputs of Linear and Tanh for one clone
    assert made < 0.02 * parameter_bytes, made  # ten clones: small Python objects only
    assert 10 * activation_bytes <= ran - made < 10 * activation_bytes * 1.25, ran - made


def test_clones_refuse_a_bad_count():
    with pytest.raises(ArgumentError, match="times >= 0"):
        clone_many_times(nn.Linear(2, 2), -1)
    with pytest.raises(ArgumentError, match="got 2.0"):
        clone_many_times(nn.Linear(2, 2), 2.0)
    with pytest.raises(InputTypeError, match="expected a Module"):
        clone_many_times([nn.Linear(2, 2)], 2)
    assert clone_many_times(nn.Linear(2, 2), 0) == []


def _rnn_step() -> nncore.Module:
    """``h' = tanh(W x + U h)``, ``y = V h'``: a graph with inputs ``[x, h]`` and outputs
    ``[h', y]``, the shape of char-rnn's step."""
    x, h = nn.Identity()(), nn.Identity()()
    next_h = nn.Tanh()(nn.CAddTable()([nn.Linear(2, 3)(x), nn.Linear(3, 3)(h)]))
    return nn.gModule([x, h], [next_h, nn.Linear(3, 2)(next_h)])


def _bptt_loss(clones: list, criterion, xs, ys, backward: bool) -> float:
    """The summed MSE over the steps, and (``backward``) its gradient through time."""
    state, inputs, outputs, loss = np.zeros((4, 3)), [], [], 0.0
    for t, clone in enumerate(clones):
        inputs.append([xs[t], state])
        state, y = clone.forward(inputs[t])
        outputs.append(y)
        loss += criterion.forward(y, ys[t])
    if backward:
        d_state = np.zeros((4, 3))
        for t in reversed(range(len(clones))):
            d_y = criterion.backward(outputs[t], ys[t])
            d_state = clones[t].backward(inputs[t], [d_state, d_y])[1]
    return loss


def test_three_step_backpropagation_through_time_matches_finite_differences():
    nncore.manual_seed(3)
    proto = _rnn_step()
    params, grads = combine_all_parameters(proto)
    clones = clone_many_times(proto, 3)
    criterion = nn.MSECriterion()
    rng = np.random.default_rng(4)
    xs, ys = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2))
    grads.fill(0)
    _bptt_loss(clones, criterion, xs, ys, backward=True)
    numeric = np.empty_like(params)
    for k in range(params.size):
        saved = params[k]
        params[k] = saved + 1e-6
        plus = _bptt_loss(clones, criterion, xs, ys, backward=False)
        params[k] = saved - 1e-6
        minus = _bptt_loss(clones, criterion, xs, ys, backward=False)
        params[k] = saved
        numeric[k] = (plus - minus) / 2e-6
    np.testing.assert_allclose(grads, numeric, rtol=1e-6, atol=1e-9)
    assert np.abs(grads[:6]).max() > 0.01  # the input weights got a gradient at every step


def test_a_network_of_a_combined_vector_flattens_to_its_part():
    a, b = nn.Linear(3, 2), nn.Linear(2, 2)
    params, grads = combine_all_parameters(a, b)
    own_params, own_grads = b.get_parameters()
    assert np.shares_memory(own_params, params) and own_params.size == 6
    own_params[:] = 7.0
    np.testing.assert_array_equal(params[8:], 7.0)
    np.testing.assert_array_equal(b.bias, 7.0)
