"""Nonlinear conjugate gradient (torch/optim's ``cg.lua``, C. E. Rasmussen's ``minimize.m``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase

from ._common import Opfunc, divide, evaluate, expect_params, setup, sqrt

DEFAULTS: dict[str, Any] = {
    "rho": 0.01,
    "sig": 0.5,
    "int": 0.1,
    "ext": 3.0,
    "max_iter": 20,
    "ratio": 100,
    "max_eval": None,
}


def _bad(z: float) -> bool:
    return z != z or math.isinf(z)


def cg(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], int]:
    """Nonlinear conjugate gradients (Polak-Ribiere) with Rasmussen's line search.

    The line search extrapolates and interpolates cubically under the Wolfe-Powell conditions.

    Each call minimises from ``x`` for at most ``max_eval`` evaluations of ``opfunc``.
    Configuration (Torch's name): ``rho`` (0.01) and ``sig`` (0.5), the Wolfe-Powell
    constants; ``int`` (0.1), how close to the bracket's ends an interpolation may go; ``ext``
    (3.0), the most a step is extrapolated; ``max_iter`` (maxIter, 20), the evaluations of one
    line search; ``ratio`` (100), the largest slope ratio; ``max_eval`` (maxEval,
    ``1.25 max_iter``).  Torch keeps its scratch arrays in ``state`` between calls; nothing
    else carries over, so here ``state`` stays empty.  As in Torch (where the flag is a number
    and 0 is true), a line search that fails ends the call, where ``minimize.m`` retries once
    along the steepest descent.  Returns ``(x, [f, ...], evaluations)``: the loss at the start
    and after each successful line search.
    """
    options, state = setup("cg", config, state, DEFAULTS)
    expect_params("cg", x)
    rho, sig, interp, ext = options["rho"], options["sig"], options["int"], options["ext"]
    max_iter, ratio = options["max_iter"], options["ratio"]
    max_eval = max_iter * 1.25 if options["max_eval"] is None else options["max_eval"]
    red = 1.0

    f1, df = evaluate("cg", opfunc, x)
    df1 = df.copy()
    history, i = [f1], 1
    s = np.negative(df1)
    d1 = -float(s @ s)
    z1 = red / (1 - d1)
    x0, df0 = np.empty_like(x), np.empty_like(x)

    def move(step: float) -> tuple[float, np.ndarray, float]:
        """Step ``step s``: the value, gradient (a copy) and slope along ``s`` there."""
        np.add(x, step * s, out=x)
        value, grad = evaluate("cg", opfunc, x)
        return value, grad.copy(), float(grad @ s)

    while i < abs(max_eval):
        x0[...] = x
        f0 = f1
        df0[...] = df1
        f2, df2, d2 = move(z1)
        i += 1
        f3, d3, z3 = f1, d1, -z1
        m = min(max_iter, max_eval - i)
        success, limit = False, -1.0
        while True:
            while (f2 > f1 + z1 * rho * d1 or d2 > -sig * d1) and m > 0:
                limit = z1
                if f2 > f1:
                    z2 = z3 - divide(0.5 * d3 * z3 * z3, d3 * z3 + f2 - f3)
                else:
                    a = divide(6 * (f2 - f3), z3) + 3 * (d2 + d3)
                    b = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
                    z2 = divide(sqrt(b * b - a * d2 * z3 * z3) - b, a)
                if _bad(z2):
                    z2 = z3 / 2
                z2 = max(min(z2, interp * z3), (1 - interp) * z3)
                z1 += z2
                f2, df2, d2 = move(z2)
                i += 1
                m -= 1
                z3 -= z2
            if f2 > f1 + z1 * rho * d1 or d2 > -sig * d1:
                break
            if d2 > sig * d1:
                success = True
                break
            if m == 0:
                break
            a = divide(6 * (f2 - f3), z3) + 3 * (d2 + d3)
            b = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
            z2 = divide(-d2 * z3 * z3, b + sqrt(b * b - a * d2 * z3 * z3))
            if _bad(z2) or z2 < 0:
                z2 = z1 * (ext - 1) if limit < -0.5 else (limit - z1) / 2
            elif limit > -0.5 and z2 + z1 > limit:
                z2 = (limit - z1) / 2
            elif limit < -0.5 and z2 + z1 > z1 * ext:
                z2 = z1 * (ext - 1)
            elif z2 < -z3 * interp:
                z2 = -z3 * interp
            elif limit > -0.5 and z2 < (limit - z1) * (1 - interp):
                z2 = (limit - z1) * (1 - interp)
            f3, d3, z3 = f2, d2, -z2
            z1 += z2
            f2, df2, d2 = move(z2)
            i += 1
            m -= 1
        if not success:
            x[...] = x0
            f1 = f0
            df1[...] = df0
            break  # Torch tests ``ls_failed or i > maxEval``: a number, true even when 0
        f1 = f2
        history.append(f1)
        ss = divide(float(df2 @ df2) - float(df2 @ df1), float(df1 @ df1))
        s *= ss
        s -= df2
        df1, df2 = df2, df1
        d2 = float(df1 @ s)
        if d2 > 0:
            np.negative(df1, out=s)
            d2 = -float(s @ s)
        z1 *= min(ratio, divide(d1, d2 - 1e-320))
        d1 = d2
    return x, history, i


def examples() -> list[OptimizerCase]:
    return [OptimizerCase(cg, {}, steps=3), OptimizerCase(cg, {"max_iter": 5, "max_eval": 12})]
