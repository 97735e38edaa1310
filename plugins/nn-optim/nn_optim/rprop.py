"""Resilient backpropagation (torch/optim's ``rprop.lua``, Riedmiller and Braun 1993)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, elementwise, evaluate, expect_params, setup, zeros_state

DEFAULTS: dict[str, Any] = {
    "stepsize": 0.1,
    "etaplus": 1.2,
    "etaminus": 0.5,
    "stepsizemax": 50.0,
    "stepsizemin": 1e-6,
    "niter": 1,
}
STATE = ("delta", "stepsizes")


def rprop(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """Rprop: a step size per parameter, grown while its gradient keeps its sign, shrunk when
    the sign flips; only the gradient's sign moves ``x``.

    ``niter`` times, with ``f, g = opfunc(x)`` and ``d = state["delta"]`` the last gradient::

        s = sign(g * d)
        stepsizes *= etaplus where s > 0, etaminus where s < 0
        stepsizes = clip(stepsizes, stepsizemin, stepsizemax)
        g = 0 where s < 0
        x -= sign(g) * stepsizes;  d = g

    Configuration (Torch's names, already lower case): ``stepsize`` (0.1, the first step of
    every parameter), ``etaplus`` (1.2), ``etaminus`` (0.5), ``stepsizemax`` (50),
    ``stepsizemin`` (1e-6), ``niter`` (1).  State: ``delta``, ``stepsizes`` (Torch's
    ``state.stepsize``: renamed here since ``state`` may be ``config``, whose ``stepsize`` Torch
    then overwrote).  ``g`` is changed in place, as in Torch.  PyTorch's Rprop computes the same
    (its ``lr`` is ``stepsize``).  Returns ``(x, [f, ...])``, one ``f`` per iteration.
    """
    options, state = setup("rprop", config, state, DEFAULTS, STATE)
    expect_params("rprop", x)
    etaplus, etaminus = options["etaplus"], options["etaminus"]
    smax, smin = options["stepsizemax"], options["stepsizemin"]

    def update(xs, gs, ds, ss, tmp):
        np.multiply(gs, ds, out=tmp)
        np.sign(tmp, out=tmp)
        grow, shrink, keep = tmp > 0, tmp < 0, tmp == 0
        np.copyto(tmp, etaplus, where=grow)
        np.copyto(tmp, etaminus, where=shrink)
        np.copyto(tmp, 1.0, where=keep)
        ss *= tmp
        np.clip(ss, smin, smax, out=ss)
        np.copyto(gs, 0, where=shrink)
        np.sign(gs, out=tmp)
        xs -= np.multiply(tmp, ss, out=tmp)
        ds[...] = gs

    losses = []
    for _ in range(int(options["niter"])):
        fx, dfdx = evaluate("rprop", opfunc, x)
        delta = zeros_state(state, "delta", x)
        sizes = zeros_state(state, "stepsizes", x, options["stepsize"])
        elementwise(update, [x, dfdx, delta, sizes])
        losses.append(fx)
    return x, losses


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(rprop, {}),
        OptimizerCase(rprop, {"stepsize": 0.05, "etaplus": 1.5, "stepsizemax": 1.0, "niter": 2}),
    ]
