"""Stochastic gradient descent (torch/optim's ``sgd.lua``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import InputError, OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_like, expect_params, setup

DEFAULTS: dict[str, Any] = {
    "learning_rate": 1e-3,
    "learning_rate_decay": 0.0,
    "weight_decay": 0.0,
    "weight_decays": None,
    "momentum": 0.0,
    "dampening": None,
    "nesterov": False,
    "learning_rates": None,
}
STATE = ("eval_counter", "dfdx")


def sgd(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """SGD with learning-rate decay, weight decay, momentum and Nesterov momentum.

    With ``f, g = opfunc(x)``, ``n = state["eval_counter"]`` and ``v = state["dfdx"]``::

        g += weight_decay * x              (or weight_decays * x, one decay per parameter)
        v = g at the first call, then v = momentum * v + (1 - dampening) * g
        d = g + momentum * v if nesterov else v       (d = g without momentum)
        x -= learning_rate / (1 + n * learning_rate_decay) * d   (times learning_rates)

    Configuration (Torch's name): ``learning_rate`` (learningRate, 1e-3),
    ``learning_rate_decay`` (learningRateDecay, 0), ``weight_decay`` (weightDecay, 0),
    ``weight_decays`` (weightDecays: an array of x's shape), ``momentum`` (0), ``dampening``
    (default: momentum), ``nesterov`` (False: needs a momentum and zero dampening),
    ``learning_rates`` (learningRates: an array of x's shape).  State: ``eval_counter``
    (evalCounter), ``dfdx`` (the momentum buffer).  ``g`` is changed in place, as in Torch.
    Returns ``(x, [f])``, ``f`` taken before the update.

    >>> import numpy as np
    >>> x = np.array([1.0, -2.0])
    >>> sgd(lambda x: (float(x @ x), 2 * x), x, {"learning_rate": 0.25})
    (array([ 0.5, -1. ]), [5.0])
    """
    options, state = setup("sgd", config, state, DEFAULTS, STATE)
    expect_params("sgd", x)
    lr, lrd = options["learning_rate"], options["learning_rate_decay"]
    wd, mom, nesterov = options["weight_decay"], options["momentum"], options["nesterov"]
    damp = mom if options["dampening"] is None else options["dampening"]
    if nesterov and (mom <= 0 or damp != 0):
        raise InputError("optim.sgd: Nesterov momentum requires a momentum and zero dampening")
    wds = expect_like("sgd", "weight_decays", options["weight_decays"], x)
    lrs = expect_like("sgd", "learning_rates", options["learning_rates"], x)
    nevals = state.setdefault("eval_counter", 0)

    fx, dfdx = evaluate("sgd", opfunc, x)

    first = mom != 0 and state.get("dfdx") is None
    buffer = None
    if mom != 0:
        buffer = state["dfdx"] = np.empty_like(dfdx) if first else state["dfdx"]
    clr = lr / (1 + nevals * lrd)

    def update(xs, gs, bs, ws, ls, tmp):
        if wd != 0:
            gs += np.multiply(xs, wd, out=tmp)
        elif ws is not None:
            gs += np.multiply(ws, xs, out=tmp)
        step = gs
        if bs is not None:
            if first:
                bs[...] = gs
            else:
                bs *= mom
                bs += np.multiply(gs, 1 - damp, out=tmp)
            if nesterov:
                gs += np.multiply(bs, mom, out=tmp)
            else:
                step = bs
        if ls is not None:
            step = np.multiply(ls, step, out=tmp)
        xs += np.multiply(step, -clr, out=tmp)

    elementwise(update, [x, dfdx, buffer, None if wd else wds, lrs])
    state["eval_counter"] = nevals + 1
    return x, [fx]


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(sgd, {"learning_rate": 0.1}),
        OptimizerCase(sgd, {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 1e-3}),
        OptimizerCase(
            sgd, {"learning_rate": 0.05, "momentum": 0.9, "dampening": 0.0, "nesterov": True}
        ),
        OptimizerCase(sgd, {"learning_rate": 0.1, "learning_rate_decay": 0.1, "momentum": 0.5}),
        OptimizerCase(
            sgd,
            {
                "learning_rate": 0.1,
                "learning_rates": np.linspace(0.5, 1.0, 6),
                "weight_decays": np.full(6, 1e-2),
            },
        ),
    ]
