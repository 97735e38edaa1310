"""The gradient methods: steps computed by hand from Torch's formulas, options, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nncore
from nncore import optim


def fixed(gradient):
    """An opfunc returning ``f = 1`` and a copy of ``gradient`` wherever it is evaluated."""
    return lambda x: (1.0, np.array(gradient, dtype=float))


def test_sgd_momentum_weight_decay_and_dampening_by_hand():
    x = np.array([1.0, -2.0])
    config = {"learning_rate": 0.1, "momentum": 0.5, "weight_decay": 0.1}
    state: dict = {}
    optim.sgd(fixed([1.0, 1.0]), x, config, state)
    g1 = np.array([1.0, 1.0]) + 0.1 * np.array([1.0, -2.0])  # the buffer starts at g
    expected = np.array([1.0, -2.0]) - 0.1 * g1
    np.testing.assert_allclose(x, expected, rtol=0, atol=1e-15)
    g2 = np.array([1.0, 1.0]) + 0.1 * expected
    buffer = 0.5 * g1 + (1 - 0.5) * g2  # Torch's dampening defaults to the momentum
    optim.sgd(fixed([1.0, 1.0]), x, config, state)
    np.testing.assert_allclose(x, expected - 0.1 * buffer, rtol=0, atol=1e-15)
    assert state["eval_counter"] == 2


def test_sgd_nesterov_learning_rate_decay_and_per_parameter_rates():
    x = np.zeros(2)
    config = {
        "learning_rate": 1.0,
        "learning_rate_decay": 1.0,
        "momentum": 0.5,
        "dampening": 0.0,
        "nesterov": True,
        "learning_rates": np.array([1.0, 0.5]),
        "weight_decays": np.array([0.0, 1.0]),
    }
    state: dict = {}
    optim.sgd(fixed([2.0, 2.0]), x, config, state)
    # g + 0.5 * v with v = g = 2: steps of 3, times the rates
    np.testing.assert_array_equal(x, [-3.0, -1.5])
    optim.sgd(fixed([2.0, 2.0]), x, config, state)
    g = np.array([2.0, 2.0 + -1.5])  # weight_decays * x added to the second
    v = 0.5 * np.array([2.0, 2.0]) + g
    step = (g + 0.5 * v) * [1.0, 0.5] / (1 + 1 * 1.0)  # learning rate 1 / (1 + n decay)
    np.testing.assert_allclose(x, np.array([-3.0, -1.5]) - step, atol=1e-15)


def test_sgd_refuses_nesterov_without_momentum_and_torch_names():
    with pytest.raises(nncore.InputError, match="Nesterov"):
        optim.sgd(fixed([1.0]), np.zeros(1), {"nesterov": True, "momentum": 0.9})
    with pytest.raises(nncore.InputError, match="Torch's weightDecay is weight_decay"):
        optim.sgd(fixed([1.0]), np.zeros(1), {"weightDecay": 0.1})
    with pytest.raises(nncore.InputTypeError, match="float array"):
        optim.sgd(fixed([1.0]), np.zeros(1, int))
    with pytest.raises(nncore.ShapeError, match="gradient"):
        optim.sgd(lambda x: (0.0, np.zeros(3)), np.zeros(1))
    with pytest.raises(nncore.ShapeError, match="learning_rates"):
        optim.sgd(fixed([1.0]), np.zeros(1), {"learning_rates": np.ones(2)})


def test_without_state_the_state_lives_in_config_as_in_torch():
    config = {"learning_rate": 0.1, "momentum": 0.9}
    x = np.ones(3)
    optim.sgd(fixed([1.0, 2.0, 3.0]), x, config)
    assert config["eval_counter"] == 1 and config["dfdx"].shape == (3,)


def test_nag_steps_after_the_momentum_step():
    x = np.array([1.0])
    seen = []

    def opfunc(point):
        seen.append(point.copy())
        return float(point[0] ** 2), 2 * point

    config = {"learning_rate": 0.1, "momentum": 0.5}
    state: dict = {}
    optim.nag(opfunc, x, config, state)
    np.testing.assert_allclose(x, [0.8])  # v = -0.1 * 2
    optim.nag(opfunc, x, config, state)
    assert seen[1][0] == pytest.approx(0.8 + 0.5 * -0.2)  # evaluated after x += momentum * v
    np.testing.assert_allclose(x, [0.7 - 0.1 * 1.4])
    with pytest.raises(nncore.InputError, match="positive"):
        optim.nag(opfunc, x, {"momentum": 0.0})


def test_adagrad_adadelta_by_hand():
    x = np.array([1.0, 1.0])
    state: dict = {}
    optim.adagrad(fixed([3.0, -4.0]), x, {"learning_rate": 0.5}, state)
    np.testing.assert_allclose(x, [1 - 0.5 * 3 / (3 + 1e-10), 1 + 0.5 * 4 / (4 + 1e-10)])
    np.testing.assert_array_equal(state["param_variance"], [9.0, 16.0])
    x = np.array([0.0])
    state = {}
    optim.adadelta(fixed([2.0]), x, {"rho": 0.5, "eps": 1e-2}, state)
    v = 0.5 * 4.0
    delta = math.sqrt(0 + 1e-2) / math.sqrt(v + 1e-2) * 2.0
    np.testing.assert_allclose(x, [-delta], rtol=1e-15)
    np.testing.assert_allclose(state["acc_delta"], [0.5 * delta**2], rtol=1e-15)


def test_adam_adamax_rmsprop_first_steps_by_hand():
    x = np.array([0.0, 0.0])
    optim.adam(fixed([0.5, -2.0]), x, {"learning_rate": 0.1, "epsilon": 0.0})
    np.testing.assert_allclose(x, [-0.1, 0.1], rtol=1e-12)  # the first step is lr * sign(g)
    x = np.array([0.0])
    state: dict = {}
    config = {"learning_rate": 0.1, "beta1": 0.5, "beta2": 0.5, "epsilon": 1.0}
    optim.adam(fixed([2.0]), x, config, state)
    optim.adam(fixed([2.0]), x, config, state)
    m, v = 0.5 * 1.0 + 0.5 * 2.0, 0.5 * 2.0 + 0.5 * 4.0  # after two steps of g = 2
    first = 0.1 * math.sqrt(0.5) / 0.5 * 1.0 / (math.sqrt(2.0) + 1.0)
    second = 0.1 * math.sqrt(0.75) / 0.75 * m / (math.sqrt(v) + 1.0)
    np.testing.assert_allclose(x, [-first - second], rtol=1e-14)
    x = np.array([1.0])
    optim.adamax(fixed([-3.0]), x, {"learning_rate": 0.2})
    np.testing.assert_allclose(x, [1.2], rtol=1e-14)
    x = np.array([1.0])
    optim.rmsprop(fixed([2.0]), x, {"learning_rate": 0.1, "alpha": 0.75, "initial_mean": 1.0})
    np.testing.assert_allclose(x, [1 - 0.1 * 2 / (math.sqrt(0.75 + 0.25 * 4) + 1e-8)])


def test_asgd_averages_after_t0():
    x = np.array([1.0])
    state: dict = {}
    config = {"eta0": 0.5, "lambda": 0.0, "alpha": 1.0, "t0": 1}
    _, _, ax = optim.asgd(fixed([1.0]), x, config, state)
    assert x[0] == 0.5 and ax[0] == 0.5  # mu = 1: the average is x
    _, _, ax = optim.asgd(fixed([1.0]), x, config, state)
    assert x[0] == 0.0 and ax[0] == 0.0  # mu = 1 / max(1, 1 - 1) = 1 still
    _, _, ax = optim.asgd(fixed([1.0]), x, config, state)
    assert x[0] == -0.5 and ax[0] == pytest.approx(-0.5)
    assert state["mu_t"] == 0.5 and state["t"] == 3


def test_rprop_grows_shrinks_and_clips_step_sizes():
    x = np.array([0.0, 0.0])
    state: dict = {}
    config = {"stepsize": 1.0, "etaplus": 2.0, "etaminus": 0.5, "stepsizemax": 3.0}
    optim.rprop(fixed([1.0, 1.0]), x, config, state)
    np.testing.assert_array_equal(x, [-1.0, -1.0])
    optim.rprop(fixed([1.0, -1.0]), x, config, state)  # same sign: x2; flipped: /2, no step
    np.testing.assert_array_equal(state["stepsizes"], [2.0, 0.5])
    np.testing.assert_array_equal(x, [-3.0, -1.0])
    optim.rprop(fixed([1.0, -1.0]), x, config, state)
    np.testing.assert_array_equal(state["stepsizes"], [3.0, 0.5])  # clipped at 3
    _, losses = optim.rprop(fixed([1.0, 1.0]), x, {**config, "niter": 3}, state)
    assert losses == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("name", ["sgd", "nag", "adagrad", "adam", "adamax", "rmsprop"])
def test_large_vectors_are_updated_block_by_block_exactly(name):
    """A vector of several blocks gets, element by element, what a short one gets."""
    rng = np.random.default_rng(0)
    g = rng.standard_normal(300_000)
    x = rng.standard_normal(300_000)
    config = {"learning_rate": 0.01, "weight_decay": 0.1}
    if name == "sgd":
        config["momentum"] = 0.9
    long, state = x.copy(), {}
    for _ in range(2):
        optim[name](lambda v: (0.0, g.copy()), long, config, state)
    piece, state = x[1000:1010].copy(), {}
    for _ in range(2):
        optim[name](lambda v: (0.0, g[1000:1010].copy()), piece, config, state)
    np.testing.assert_array_equal(long[1000:1010], piece)


def test_non_contiguous_parameters_are_updated_in_place():
    base = np.ones((4, 6))
    x = base[:, ::2]
    state: dict = {}
    optim.adam(lambda v: (0.0, np.ones_like(v)), x, {"learning_rate": 0.5}, state)
    np.testing.assert_allclose(base[:, ::2], 0.5, atol=1e-6)
    np.testing.assert_array_equal(base[:, 1::2], 1.0)
