"""Adam (torch/optim's ``adam.lua``, Kingma and Ba 2014)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_params, setup, zeros_state

DEFAULTS: dict[str, Any] = {
    "learning_rate": 1e-3,
    "learning_rate_decay": 0.0,
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
    "weight_decay": 0.0,
}
STATE = ("t", "m", "v")


def adam(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """Adam: steps from running averages of the gradient and of its square, bias-corrected.

    With ``f, g = opfunc(x)`` and ``t = state["t"]`` counted from 1::

        g += weight_decay * x
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        clr = learning_rate / (1 + (t - 1) * learning_rate_decay)
        x -= clr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + epsilon)

    This is Torch's formula.  PyTorch's Adam adds ``epsilon`` to the bias-corrected root,
    ``m / (sqrt(v / (1 - beta2**t)) + epsilon)``: the same step but for where epsilon enters
    (Torch's epsilon weighs ``sqrt(1 - beta2**t)`` times less), so the two differ while
    ``sqrt(v)`` is not large against epsilon.

    Configuration (Torch's name): ``learning_rate`` (learningRate, 1e-3),
    ``learning_rate_decay`` (learningRateDecay, 0), ``beta1`` (0.9), ``beta2`` (0.999),
    ``epsilon`` (1e-8), ``weight_decay`` (weightDecay, 0).  State: ``t``, ``m``, ``v`` (Torch
    also keeps a scratch ``denom``).  Returns ``(x, [f])``.
    """
    options, state = setup("adam", config, state, DEFAULTS, STATE)
    expect_params("adam", x)
    lr, lrd, wd = options["learning_rate"], options["learning_rate_decay"], options["weight_decay"]
    beta1, beta2, epsilon = options["beta1"], options["beta2"], options["epsilon"]

    fx, dfdx = evaluate("adam", opfunc, x)

    t = state.setdefault("t", 0)
    m = zeros_state(state, "m", x)
    v = zeros_state(state, "v", x)
    clr = lr / (1 + t * lrd)
    state["t"] = t = t + 1
    step = clr * math.sqrt(1 - beta2**t) / (1 - beta1**t)

    def update(xs, gs, ms, vs, tmp):
        if wd != 0:
            gs += np.multiply(xs, wd, out=tmp)
        ms *= beta1
        ms += np.multiply(gs, 1 - beta1, out=tmp)
        vs *= beta2
        np.multiply(gs, 1 - beta2, out=tmp)
        vs += np.multiply(tmp, gs, out=tmp)
        np.sqrt(vs, out=tmp)
        tmp += epsilon
        np.divide(ms, tmp, out=tmp)
        xs += np.multiply(tmp, -step, out=tmp)

    elementwise(update, [x, dfdx, m, v])
    return x, [fx]


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(adam, {"learning_rate": 0.1}),
        OptimizerCase(
            adam,
            {"learning_rate": 0.1, "learning_rate_decay": 0.01, "weight_decay": 1e-3, "beta1": 0.5},
        ),
    ]
