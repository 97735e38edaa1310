"""Each optimiser trains a small network through ``get_parameters``; its state saves with
``nncore.save`` and training resumes bit for bit after ``nncore.load``."""

from __future__ import annotations

import numpy as np
import pytest

import nncore
from nncore import nn, optim

CONFIGS = {
    "sgd": {"learning_rate": 0.5, "momentum": 0.9, "dampening": 0.0, "nesterov": True},
    "asgd": {"eta0": 0.5},
    "nag": {"learning_rate": 0.2},
    "adagrad": {"learning_rate": 0.3},
    "adadelta": {"rho": 0.9, "eps": 1e-4},
    "adam": {"learning_rate": 0.02},
    "adamax": {"learning_rate": 0.05},
    "rmsprop": {"learning_rate": 0.01},
    "rprop": {"stepsize": 0.01},
    "cg": {"max_eval": 10},
    "lbfgs": {"max_iter": 5, "line_search": "lswolfe"},
    "fista": {"max_iter": 20, "L": 1.0},
}


def task(seed: int = 0, dtype=np.float64):
    """``(net, params, feval)``: a 2-layer network classifying points by a linear rule."""
    nncore.manual_seed(seed)
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((128, 5)).astype(dtype)
    targets = (inputs[:, 0] + 0.5 * inputs[:, 1] > 0).astype(int)
    net = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2), nn.LogSoftMax())
    net.type(dtype)
    criterion = nn.ClassNLLCriterion().type(dtype)
    params, grads = net.get_parameters()

    def feval(x):
        if x is not params:
            params[...] = x
        grads.fill(0)
        output = net.forward(inputs)
        loss = criterion.forward(output, targets)
        net.backward(inputs, criterion.backward(output, targets))
        return loss, grads

    return net, params, feval


# fista restarts from zero at every call, as Torch's (it solves a problem per call, such as a
# sparse code): from zero weights a tanh network cannot break its symmetry
@pytest.mark.parametrize("name", sorted(set(CONFIGS) - {"fista"}))
def test_each_optimiser_trains_a_network(name):
    net, params, feval = task()
    start = feval(params)[0]
    state: dict = {}
    for _ in range(40 if name in ("cg", "lbfgs") else 150):
        optim[name](feval, params, CONFIGS[name], state)
    assert feval(params)[0] < 0.5 * start


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_training_resumes_bit_for_bit_from_a_saved_state(name, tmp_path):
    _, params, feval = task()
    config, state = CONFIGS[name], {}
    for _ in range(5):
        optim[name](feval, params, config, state)
    nncore.save(state, tmp_path / "state.nncore")
    np.save(tmp_path / "params.npy", params)
    for _ in range(5):
        optim[name](feval, params, config, state)

    _, resumed, feval2 = task()
    resumed[...] = np.load(tmp_path / "params.npy")
    loaded = nncore.load(tmp_path / "state.nncore")
    for _ in range(5):
        optim[name](feval2, resumed, config, loaded)
    np.testing.assert_array_equal(resumed, params)


def test_state_kept_in_config_saves_too(tmp_path):
    _, params, feval = task()
    config = {"learning_rate": 0.01}
    optim.adam(feval, params, config)
    nncore.save(config, tmp_path / "adam.nncore")
    loaded = nncore.load(tmp_path / "adam.nncore")
    assert loaded.keys() == {"learning_rate", "t", "m", "v"} and loaded["t"] == 1
    assert loaded["m"].dtype == params.dtype and np.array_equal(loaded["m"], config["m"])


def test_float32_networks_train_in_float32():
    _, params, feval = task(dtype=np.float32)
    assert params.dtype == np.float32
    state: dict = {}
    start = feval(params)[0]
    for _ in range(30):
        optim.adam(feval, params, {"learning_rate": 0.02}, state)
    assert state["m"].dtype == np.float32 and params.dtype == np.float32
    assert feval(params)[0] < start


def test_the_training_loop_of_docs_optim_md_runs():
    from pathlib import Path

    text = (Path(__file__).parents[3] / "docs" / "optim.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(code, "docs/optim.md", "exec"), scope)
    assert scope["state"]["t"] == 100 and scope["loss"] < 0.6
