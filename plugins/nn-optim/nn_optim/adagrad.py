"""AdaGrad (torch/optim's ``adagrad.lua``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_params, setup, zeros_state

DEFAULTS: dict[str, Any] = {"learning_rate": 1e-3, "learning_rate_decay": 0.0, "weight_decay": 0.0}
STATE = ("eval_counter", "param_variance")


def adagrad(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """AdaGrad: each parameter's step divided by the root of its summed squared gradients.

    With ``f, g = opfunc(x)``, ``n = state["eval_counter"]``, ``s = state["param_variance"]``::

        g += weight_decay * x
        s += g * g
        x -= learning_rate / (1 + n * learning_rate_decay) * g / (sqrt(s) + 1e-10)

    Configuration (Torch's name): ``learning_rate`` (learningRate, 1e-3),
    ``learning_rate_decay`` (learningRateDecay, 0), ``weight_decay`` (weightDecay, 0).  State:
    ``eval_counter`` (evalCounter), ``param_variance`` (paramVariance).  PyTorch's Adagrad
    computes the same (its ``eps`` is this 1e-10).  Returns ``(x, [f])``.
    """
    options, state = setup("adagrad", config, state, DEFAULTS, STATE)
    expect_params("adagrad", x)
    lr, lrd, wd = options["learning_rate"], options["learning_rate_decay"], options["weight_decay"]
    nevals = state.setdefault("eval_counter", 0)

    fx, dfdx = evaluate("adagrad", opfunc, x)

    clr = lr / (1 + nevals * lrd)
    variance = zeros_state(state, "param_variance", x)

    def update(xs, gs, vs, tmp):
        if wd != 0:
            gs += np.multiply(xs, wd, out=tmp)
        vs += np.multiply(gs, gs, out=tmp)
        np.sqrt(vs, out=tmp)
        tmp += 1e-10
        np.divide(gs, tmp, out=tmp)
        xs += np.multiply(tmp, -clr, out=tmp)

    elementwise(update, [x, dfdx, variance])
    state["eval_counter"] = nevals + 1
    return x, [fx]


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(adagrad, {"learning_rate": 0.5}),
        OptimizerCase(
            adagrad, {"learning_rate": 0.5, "learning_rate_decay": 0.01, "weight_decay": 1e-3}
        ),
    ]
