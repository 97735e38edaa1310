"""AdaDelta (torch/optim's ``adadelta.lua``, Zeiler 2012)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_params, setup, zeros_state

DEFAULTS: dict[str, Any] = {"rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}
STATE = ("eval_counter", "param_variance", "acc_delta")


def adadelta(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """AdaDelta: steps scaled by the ratio of running RMS of past steps and of gradients.

    With ``f, g = opfunc(x)``, ``v = state["param_variance"]``, ``a = state["acc_delta"]``::

        g += weight_decay * x
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(a + eps) / sqrt(v + eps) * g
        x -= delta
        a = rho * a + (1 - rho) * delta * delta

    Configuration (Torch's name): ``rho`` (0.9), ``eps`` (1e-6), ``weight_decay``
    (weightDecay, 0).  State: ``eval_counter`` (evalCounter), ``param_variance``
    (paramVariance), ``acc_delta`` (accDelta).  PyTorch's Adadelta with ``lr=1`` computes the
    same.  Returns ``(x, [f])``.
    """
    options, state = setup("adadelta", config, state, DEFAULTS, STATE)
    expect_params("adadelta", x)
    rho, eps, wd = options["rho"], options["eps"], options["weight_decay"]
    state.setdefault("eval_counter", 0)

    fx, dfdx = evaluate("adadelta", opfunc, x)

    variance = zeros_state(state, "param_variance", x)
    acc = zeros_state(state, "acc_delta", x)

    def update(xs, gs, vs, acs, tmp, delta):
        if wd != 0:
            gs += np.multiply(xs, wd, out=tmp)
        vs *= rho
        np.multiply(gs, 1 - rho, out=tmp)
        vs += np.multiply(tmp, gs, out=tmp)
        np.add(vs, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.add(acs, eps, out=delta)
        np.sqrt(delta, out=delta)
        np.divide(delta, tmp, out=delta)
        delta *= gs
        xs -= delta
        acs *= rho
        np.multiply(delta, 1 - rho, out=tmp)
        acs += np.multiply(tmp, delta, out=tmp)

    elementwise(update, [x, dfdx, variance, acc], scratch=2)
    state["eval_counter"] += 1
    return x, [fx]


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(adadelta, {}),
        OptimizerCase(adadelta, {"rho": 0.95, "eps": 1e-4, "weight_decay": 1e-3}),
    ]
