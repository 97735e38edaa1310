"""SGD with Nesterov's accelerated gradient (torch/optim's ``nag.lua``, Sutskever et al. 2013)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import InputError, OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_like, expect_params, setup

DEFAULTS: dict[str, Any] = {
    "learning_rate": 1e-3,
    "learning_rate_decay": 0.0,
    "weight_decay": 0.0,
    "momentum": 0.9,
    "learning_rates": None,
}
STATE = ("eval_counter", "dfdx")


def nag(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """Nesterov's accelerated gradient: the gradient is taken after the momentum step.

    With ``v = state["dfdx"]`` (zeros at first) and ``n = state["eval_counter"]``::

        x += momentum * v                  (from the second call on)
        f, g = opfunc(x);  g += weight_decay * x
        clr = learning_rate / (1 + n * learning_rate_decay)
        v = momentum * v - clr * g;  x -= clr * g      (g times learning_rates if given)

    Configuration (Torch's name): ``learning_rate`` (learningRate, 1e-3),
    ``learning_rate_decay`` (learningRateDecay, 0), ``weight_decay`` (weightDecay, 0),
    ``momentum`` (0.9, must be positive), ``learning_rates`` (learningRates).  Torch reads a
    ``dampening`` it never uses; nncore does not take it.  State: ``eval_counter``, ``dfdx``.
    Returns ``(x, [f])``.
    """
    options, state = setup("nag", config, state, DEFAULTS, STATE)
    expect_params("nag", x)
    lr, lrd = options["learning_rate"], options["learning_rate_decay"]
    wd, mom = options["weight_decay"], options["momentum"]
    if mom <= 0:
        raise InputError("optim.nag: momentum must be positive for Nesterov Accelerated Gradient")
    lrs = expect_like("nag", "learning_rates", options["learning_rates"], x)
    nevals = state.setdefault("eval_counter", 0)
    clr = lr / (1 + nevals * lrd)
    buffer = state.get("dfdx")
    first = buffer is None

    def look_ahead(xs, bs, tmp):
        xs += np.multiply(bs, mom, out=tmp)

    def update(xs, gs, bs, ls, tmp):
        if wd != 0:
            gs += np.multiply(xs, wd, out=tmp)
        if not first:
            bs *= mom
        step = gs if ls is None else np.multiply(ls, gs, out=tmp)
        np.multiply(step, -clr, out=tmp)
        xs += tmp
        bs += tmp

    if not first:
        elementwise(look_ahead, [x, buffer])

    fx, dfdx = evaluate("nag", opfunc, x)

    if first:
        buffer = state["dfdx"] = np.zeros_like(x)
    elementwise(update, [x, dfdx, buffer, lrs])
    state["eval_counter"] = nevals + 1
    return x, [fx]


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(nag, {"learning_rate": 0.05}),
        OptimizerCase(
            nag, {"learning_rate": 0.05, "weight_decay": 1e-3, "learning_rate_decay": 0.1}
        ),
    ]
