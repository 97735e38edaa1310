"""AdaMax (torch/optim's ``adamax.lua``, Kingma and Ba 2014, section 7)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_params, setup, zeros_state

DEFAULTS: dict[str, Any] = {
    "learning_rate": 2e-3,
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-38,
    "weight_decay": 0.0,
}
STATE = ("t", "m", "u")


def adamax(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """AdaMax: Adam with the infinity norm in place of the root mean square.

    With ``f, g = opfunc(x)`` and ``t = state["t"]`` counted from 1::

        g += weight_decay * x
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + epsilon)
        x -= learning_rate / (1 - beta1**t) * m / u

    Configuration (Torch's name): ``learning_rate`` (learningRate, 2e-3), ``beta1`` (0.9),
    ``beta2`` (0.999), ``epsilon`` (1e-38), ``weight_decay`` (weightDecay, 0).  State: ``t``,
    ``m``, ``u``.  PyTorch's Adamax computes the same (its default epsilon is 1e-8).  Returns
    ``(x, [f])``.
    """
    options, state = setup("adamax", config, state, DEFAULTS, STATE)
    expect_params("adamax", x)
    lr, wd = options["learning_rate"], options["weight_decay"]
    beta1, beta2, epsilon = options["beta1"], options["beta2"], options["epsilon"]

    fx, dfdx = evaluate("adamax", opfunc, x)

    m = zeros_state(state, "m", x)
    u = zeros_state(state, "u", x)
    state["t"] = t = state.get("t", 0) + 1
    step = lr / (1 - beta1**t)

    def update(xs, gs, ms, us, tmp):
        if wd != 0:
            gs += np.multiply(xs, wd, out=tmp)
        ms *= beta1
        ms += np.multiply(gs, 1 - beta1, out=tmp)
        us *= beta2
        np.abs(gs, out=tmp)
        tmp += epsilon
        np.maximum(us, tmp, out=us)
        np.divide(ms, us, out=tmp)
        xs += np.multiply(tmp, -step, out=tmp)

    elementwise(update, [x, dfdx, m, u])
    return x, [fx]


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(adamax, {"learning_rate": 0.1}),
        OptimizerCase(adamax, {"learning_rate": 0.1, "weight_decay": 1e-3, "epsilon": 1e-8}),
    ]
