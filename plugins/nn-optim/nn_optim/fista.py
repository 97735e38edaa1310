"""FISTA with backtracking (torch/optim's ``fista.lua``, ``optim.FistaLS``; Beck and Teboulle
2009)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, evaluate, expect_params, setup, value

DEFAULTS: dict[str, Any] = {
    "g": None,
    "pl": None,
    "L": 0.1,
    "L_step": 1.5,
    "max_iter": 50,
    "max_line": 20,
    "err_thres": 1e-4,
    "do_fista_update": True,
    "verbose": False,
}
STATE = ("L",)


def fista(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], list[dict[str, float]]]:
    """FISTA: minimise ``f(x) + g(x)``, ``f`` smooth and ``g`` not, by proximal steps.

    The steps are ``x = pl(y - grad f(y) / L, L)`` with a backtracking search on ``L`` and FISTA's
    momentum ``y = x_k + (t_k - 1) / t_k+1 (x_k - x_k-1)``.

    Torch's ``optim.FistaLS(f, g, pl, xinit, params)`` in the optimisers' form: ``opfunc`` is
    ``f`` (returning the value and gradient), and ``g`` (the non-smooth part's value, default
    0) and ``pl`` (``pl(x, L)`` solves the proximal problem in place, default: nothing, a plain
    gradient step) come in ``config``.  As in Torch the iterations start from zero, not from
    ``x``, which receives the solution.  Configuration (Torch's name): ``L`` (0.1, the first
    inverse step size), ``L_step`` (Lstep, 1.5, its growth when a step fails), ``max_iter``
    (maxiter, 50), ``max_line`` (maxline, 20), ``err_thres`` (errthres, 1e-4: stop when
    ``f + g`` changes less), ``do_fista_update`` (doFistaUpdate: True as Torch documents it;
    Torch's code reads a missing flag as false, ISTA), ``verbose``.  State: ``L``, the last
    one used (Torch writes it into ``params``).  Returns ``(x, [f + g, ...], history)``, the
    history holding each iteration's ``nline``, ``L``, ``F``, ``Fply``, ``Gply`` and ``Q``.
    """
    options, state = setup("fista", config, state, DEFAULTS, STATE)
    expect_params("fista", x)
    g: Callable[[np.ndarray], float] = options["g"] or (lambda _: 0.0)
    pl: Callable[[np.ndarray, float], Any] = options["pl"] or (lambda *_: None)
    big_l = state.get("L", options["L"])
    l_step, max_iter, max_line = options["L_step"], options["max_iter"], options["max_line"]
    err_thres, fista_update = options["err_thres"], options["do_fista_update"]
    verbose = print if options["verbose"] else lambda *args: None

    xkm, y, ply = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    history: list[dict[str, float]] = []
    tk, tkp = 1.0, 0.0
    fval = math.inf
    while len(history) < max_iter:
        fy, gfy = evaluate("fista", opfunc, y)
        gfy = gfy.copy()  # opfunc may reuse its gradient array for the next evaluation
        nline, done = 0, False
        while not done:
            np.copyto(ply, y)
            ply += (-1 / big_l) * gfy
            pl(ply, big_l)
            x[...] = ply
            fply = value("fista", opfunc, ply)
            ply -= y
            q2 = float(np.vdot(gfy, ply))
            q3 = big_l / 2 * float(np.vdot(ply, ply))
            q = fy + q2 + q3
            verbose(f"nline={nline} L={big_l:g} fply={fply:g} Q={q:g} fy={fy:g}")
            if fply <= q:
                done = True
            elif nline >= max_line:
                done = True
                x[...] = xkm
            else:
                big_l *= l_step
            nline += 1
        if fista_update:
            tkp = (1 + math.sqrt(1 + 4 * tk * tk)) / 2
            xkm -= x
            np.copyto(y, x)
            y += ((1 - tk) / tkp) * xkm
            xkm[...] = x
        else:
            np.copyto(y, x)
        tk = tkp
        fply, gply = value("fista", opfunc, y), float(g(y))
        verbose(f"iter={len(history)} eold={fval:g} enew={fply + gply:g}")
        fval = fply + gply
        history.append({"nline": nline, "L": big_l, "F": fval, "Fply": fply, "Gply": gply, "Q": q})
        state["L"] = big_l
        if len(history) > 1 and abs(history[-1]["F"] - history[-2]["F"]) <= err_thres:
            break
    x[...] = y
    return x, [h["F"] for h in history], history


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(fista, {"max_iter": 10}, steps=2),
        OptimizerCase(fista, {"max_iter": 10, "do_fista_update": False, "L": 1.0}, steps=2),
    ]
