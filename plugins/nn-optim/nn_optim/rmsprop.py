"""RMSprop (torch/optim's ``rmsprop.lua``, Tieleman and Hinton 2012)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_params, setup, zeros_state

DEFAULTS: dict[str, Any] = {
    "learning_rate": 1e-2,
    "alpha": 0.99,
    "epsilon": 1e-8,
    "weight_decay": 0.0,
    "initial_mean": 0.0,
}
STATE = ("m",)


def rmsprop(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """RMSprop: steps divided by the running root mean square of the gradient.

    With ``f, g = opfunc(x)`` and ``m = state["m"]`` (filled with ``initial_mean`` at first)::

        g += weight_decay * x
        m = alpha * m + (1 - alpha) * g * g
        x -= learning_rate * g / (sqrt(m) + epsilon)

    Configuration (Torch's name): ``learning_rate`` (learningRate, 1e-2), ``alpha`` (0.99),
    ``epsilon`` (1e-8), ``weight_decay`` (weightDecay, 0), ``initial_mean`` (initialMean, 0).
    State: ``m`` (Torch also keeps a scratch ``tmp``).  PyTorch's RMSprop (not centered, no
    momentum) computes the same with ``initial_mean`` 0.  Returns ``(x, [f])``.
    """
    options, state = setup("rmsprop", config, state, DEFAULTS, STATE)
    expect_params("rmsprop", x)
    lr, alpha, epsilon = options["learning_rate"], options["alpha"], options["epsilon"]
    wd = options["weight_decay"]

    fx, dfdx = evaluate("rmsprop", opfunc, x)

    m = zeros_state(state, "m", x, options["initial_mean"])

    def update(xs, gs, ms, tmp):
        if wd != 0:
            gs += np.multiply(xs, wd, out=tmp)
        ms *= alpha
        np.multiply(gs, 1.0 - alpha, out=tmp)
        ms += np.multiply(tmp, gs, out=tmp)
        np.sqrt(ms, out=tmp)
        tmp += epsilon
        np.divide(gs, tmp, out=tmp)
        xs += np.multiply(tmp, -lr, out=tmp)

    elementwise(update, [x, dfdx, m])
    return x, [fx]


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(rmsprop, {"learning_rate": 0.05}),
        OptimizerCase(rmsprop, {"learning_rate": 0.05, "weight_decay": 1e-3, "initial_mean": 1.0}),
    ]
