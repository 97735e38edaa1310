"""Averaged stochastic gradient descent (torch/optim's ``asgd.lua``, after L. Bottou's sgd-2.0)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_params, setup, zeros_state

DEFAULTS: dict[str, Any] = {"eta0": 1e-4, "lambda": 1e-4, "alpha": 0.75, "t0": 1e6}
STATE = ("eta_t", "mu_t", "t", "ax")


def asgd(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], np.ndarray]:
    """ASGD: an SGD step with a decaying rate, and the running average of the iterates.

    With ``f, g = opfunc(x)``, at step ``t`` (from 0)::

        x = (1 - lambda * eta_t) * x - eta_t * g
        ax = x if mu_t == 1 else ax + mu_t * (x - ax)
        eta_t = eta0 / (1 + lambda * eta0 * (t + 1)) ** alpha
        mu_t = 1 / max(1, t + 1 - t0)

    Configuration (Torch's names): ``eta0`` (1e-4), ``lambda`` (1e-4), ``alpha`` (0.75),
    ``t0`` (1e6: the step averaging starts from).  State: ``eta_t``, ``mu_t``, ``t``, ``ax``.
    Torch writes the defaults into ``config``; nncore leaves it as given.  Returns
    ``(x, [f], ax)``: the averaged parameters are what ASGD recommends using.
    """
    options, state = setup("asgd", config, state, DEFAULTS, STATE)
    expect_params("asgd", x)
    eta0, lam, alpha, t0 = (options[k] for k in ("eta0", "lambda", "alpha", "t0"))
    eta_t = state.setdefault("eta_t", float(eta0))
    mu_t = state.setdefault("mu_t", 1.0)
    t = state.setdefault("t", 0)

    fx, dfdx = evaluate("asgd", opfunc, x)

    ax = zeros_state(state, "ax", x)

    def update(xs, gs, axs, tmp):
        xs *= 1 - lam * eta_t
        xs += np.multiply(gs, -eta_t, out=tmp)
        if mu_t != 1:
            np.subtract(xs, axs, out=tmp)
            axs += np.multiply(tmp, mu_t, out=tmp)
        else:
            axs[...] = xs

    elementwise(update, [x, dfdx, ax])
    state["t"] = t = t + 1
    state["eta_t"] = eta0 / (1 + lam * eta0 * t) ** alpha
    state["mu_t"] = 1 / max(1, t - t0)
    return x, [fx], ax


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(asgd, {"eta0": 0.1}),
        OptimizerCase(asgd, {"eta0": 0.1, "lambda": 1e-2, "t0": 2}),
    ]
