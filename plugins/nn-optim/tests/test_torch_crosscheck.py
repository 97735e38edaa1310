"""nn-optim against torch.optim: 200 steps from the same start on the same problem, float64.

Where the formulas coincide the trajectories agree to 1e-10.  Where they differ (Adam's
epsilon, L-BFGS's line search) ours is checked against Torch's formula written out here, and
its distance from PyTorch's is bounded.  Runs where PyTorch is installed (``nox -s crosscheck``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nncore import optim

torch = pytest.importorskip("torch")

STEPS = 200


def problem(dim: int = 10, samples: int = 64, seed: int = 0, scale: float = 0.5):
    """``(fn, w0)``: L2-regularised logistic regression, ``fn(w) -> (f, g)`` in numpy, from a
    start ``w0`` of standard deviation ``scale``."""
    rng = np.random.default_rng(seed)
    features = rng.standard_normal((samples, dim))
    labels = np.sign(features @ rng.standard_normal(dim) + 0.3 * rng.standard_normal(samples))

    def fn(w: np.ndarray) -> tuple[float, np.ndarray]:
        margins = labels * (features @ w)
        f = float(np.mean(np.logaddexp(0.0, -margins)) + 0.05 * w @ w)
        weights = -labels / (1.0 + np.exp(margins)) / samples
        return f, features.T @ weights + 0.1 * w

    return fn, scale * rng.standard_normal(dim)


def ours(name: str, config: dict, steps: int = STEPS, scale: float = 0.5) -> np.ndarray:
    """The iterates of ``optim.<name>`` (the first row is the start)."""
    fn, w = problem(scale=scale)
    state: dict = {}
    path = [w.copy()]
    for _ in range(steps):
        optim[name](fn, w, config, state)
        path.append(w.copy())
    return np.array(path)


def theirs(make, steps: int = STEPS, closure_steps: bool = False, scale: float = 0.5):
    """The iterates of a torch.optim optimiser ``make(params)`` given the same gradients."""
    fn, w = problem(scale=scale)
    p = torch.nn.Parameter(torch.from_numpy(w.copy()))
    opt = make([p])
    path = [w.copy()]

    def closure():
        f, g = fn(p.detach().numpy())
        p.grad = torch.from_numpy(g.copy())
        return torch.tensor(f, dtype=torch.float64)

    for _ in range(steps):
        if closure_steps:
            opt.step(closure)
        else:
            closure()
            opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def deviation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)))


COINCIDING = {
    "sgd": [
        ({"learning_rate": 0.3}, lambda p: torch.optim.SGD(p, lr=0.3)),
        (  # Torch's dampening defaults to the momentum, PyTorch's to 0
            {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 1e-2},
            lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.9, weight_decay=1e-2),
        ),
        (
            {"learning_rate": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 1e-2},
            lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-2),
        ),
        (
            {"learning_rate": 0.1, "momentum": 0.8, "dampening": 0.3},
            lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.8, dampening=0.3),
        ),
        (
            {"learning_rate": 0.1, "momentum": 0.9, "dampening": 0.0, "nesterov": True},
            lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
        ),
    ],
    "adagrad": [
        (
            {"learning_rate": 0.2, "learning_rate_decay": 0.01, "weight_decay": 1e-2},
            lambda p: torch.optim.Adagrad(p, lr=0.2, lr_decay=0.01, weight_decay=1e-2),
        ),
    ],
    "adadelta": [
        (
            {"rho": 0.9, "eps": 1e-6, "weight_decay": 1e-2},
            lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6, weight_decay=1e-2),
        ),
    ],
    "adamax": [
        (
            {"learning_rate": 0.02, "epsilon": 1e-8, "weight_decay": 1e-2},
            lambda p: torch.optim.Adamax(p, lr=0.02, eps=1e-8, weight_decay=1e-2),
        ),
    ],
    "rprop": [
        (
            {"stepsize": 0.05, "etaplus": 1.2, "etaminus": 0.5},
            lambda p: torch.optim.Rprop(p, lr=0.05, etas=(0.5, 1.2), step_sizes=(1e-6, 50)),
        ),
    ],
    "adam": [  # with epsilon 0 the formulas coincide (see test_adam_follows_torch_formula)
        (
            {"learning_rate": 0.02, "epsilon": 0.0, "weight_decay": 1e-2},
            lambda p: torch.optim.Adam(p, lr=0.02, eps=0.0, weight_decay=1e-2),
        ),
    ],
}
CASES = [(name, c, make) for name, pairs in COINCIDING.items() for c, make in pairs]


@pytest.mark.parametrize(
    "name, config, make", CASES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)]
)
def test_trajectory_matches_pytorch(name, config, make):
    expected = theirs(make)
    got = ours(name, config)
    assert np.ptp(got[:, 0]) > 1e-3  # the parameters did move
    assert deviation(got, expected) <= 1e-10


def test_rmsprop_matches_pytorch_away_from_the_minimum():
    # near a minimum RMSprop steps by about the learning rate whatever the gradient's size, and
    # the last bit of rounding (PyTorch fuses multiply-adds) grows to the step's size: start
    # far enough that 200 steps stay on the way down
    config = {"learning_rate": 1e-3, "alpha": 0.95, "epsilon": 1e-8, "weight_decay": 1e-2}
    got = ours("rmsprop", config, scale=5.0)
    expected = theirs(
        lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.95, eps=1e-8, weight_decay=1e-2),
        scale=5.0,
    )
    assert deviation(got, expected) <= 1e-10


def test_asgd_and_its_average_match_pytorch():
    config = {"eta0": 0.1, "lambda": 1e-3, "alpha": 0.75, "t0": 50}
    fn, w = problem()
    state: dict = {}
    path, averages = [], []
    for _ in range(STEPS):
        _, _, ax = optim.asgd(fn, w, config, state)
        path.append(w.copy())
        averages.append(ax.copy())
    torch.set_default_dtype(torch.float64)  # PyTorch keeps eta and mu in the default dtype
    try:
        p = torch.nn.Parameter(torch.from_numpy(problem()[1]))
        opt = torch.optim.ASGD([p], lr=0.1, lambd=1e-3, alpha=0.75, t0=50)
        for i in range(STEPS):
            p.grad = torch.from_numpy(fn(p.detach().numpy())[1])
            opt.step()
            assert deviation(path[i], p.detach().numpy()) <= 1e-10
            assert deviation(averages[i], opt.state[p]["ax"].numpy()) <= 1e-10
    finally:
        torch.set_default_dtype(torch.float32)


def torch_adam_reference(config: dict, steps: int = STEPS) -> np.ndarray:
    """torch/optim's adam.lua written out with whole arrays: epsilon added to sqrt(v)."""
    lr, b1, b2, eps = (config[k] for k in ("learning_rate", "beta1", "beta2", "epsilon"))
    fn, w = problem()
    m, v = np.zeros_like(w), np.zeros_like(w)
    path = [w.copy()]
    for t in range(1, steps + 1):
        g = fn(w)[1]
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        step = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        w = w - step * m / (np.sqrt(v) + eps)
        path.append(w.copy())
    return np.array(path)


@pytest.mark.parametrize("epsilon, apart", [(1e-8, 1e-5), (1e-3, 0.1)])
def test_adam_follows_torch_formula_not_pytorch(epsilon, apart):
    config = {"learning_rate": 0.02, "beta1": 0.9, "beta2": 0.999, "epsilon": epsilon}
    got = ours("adam", config)
    assert deviation(got, torch_adam_reference(config)) <= 1e-10
    pytorch = theirs(lambda p: torch.optim.Adam(p, lr=0.02, eps=epsilon))
    # PyTorch adds epsilon after the bias correction: the paths part, by about epsilon's effect
    assert 1e-10 < deviation(got, pytorch) < apart


LBFGS = {"max_iter": 4, "tol_fun": 0.0, "tol_x": 0.0, "learning_rate": 0.5}


def test_lbfgs_without_line_search_matches_pytorch():
    got = ours("lbfgs", LBFGS, steps=50)
    expected = theirs(
        lambda p: torch.optim.LBFGS(
            p, lr=0.5, max_iter=4, tolerance_grad=0.0, tolerance_change=0.0, history_size=100
        ),
        steps=50,
        closure_steps=True,
    )
    assert deviation(got, expected) <= 1e-10


def test_lbfgs_with_lswolfe_reaches_pytorch_strong_wolfe_minimum():
    config = {"max_iter": 4, "line_search": "lswolfe", "tol_fun": 1e-12, "tol_x": 1e-14}
    got = ours("lbfgs", config, steps=50)
    expected = theirs(
        lambda p: torch.optim.LBFGS(
            p,
            max_iter=4,
            line_search_fn="strong_wolfe",
            tolerance_grad=1e-12,
            tolerance_change=1e-14,
        ),
        steps=50,
        closure_steps=True,
    )
    # lswolfe and PyTorch's strong_wolfe interpolate differently: the paths part, the
    # minimum is the same
    assert deviation(got[-1], expected[-1]) <= 1e-8
    fn, _ = problem()
    assert np.abs(fn(got[-1])[1]).max() <= 1e-8
