"""A line search satisfying the strong Wolfe conditions (torch/optim's ``lswolfe.lua``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import Opfunc, divide, evaluate
from .polyinterp import polyinterp

DEFAULTS: dict[str, Any] = {"c1": 1e-4, "c2": 0.9, "tol_x": 1e-9, "max_iter": 20, "verbose": False}


def lswolfe(
    opfunc: Opfunc,
    x: np.ndarray,
    t: float,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: float,
    options: dict[str, Any] | None = None,
) -> tuple[float, np.ndarray, np.ndarray, float, int]:
    """A line search: a step along ``d`` satisfying the strong Wolfe conditions.

    The step ``t`` gives sufficient decrease and curvature: ``f(x + t d) <= f + c1 t gtd`` and
    ``|g(x + t d) . d| <= -c2 gtd``.

    ``f``, ``g`` and ``gtd = g . d`` are the value, gradient and slope at ``x``; ``t`` the first
    step tried.  A bracketing phase grows the step (cubic interpolation by ``polyinterp``
    between ``t + 0.01 (t - t_prev)`` and ``10 t``) until an interval holds an acceptable
    point, then a zoom phase shrinks that interval.  Options (Torch's name): ``c1`` (1e-4),
    ``c2`` (0.9), ``tol_x`` (tolX, 1e-9: the smallest interval), ``max_iter`` (maxIter, 20),
    ``verbose``.  Returns ``(f_new, g_new, x, t, evaluations)`` with ``x`` moved to
    ``x + t d`` in place.  Give it to ``lbfgs`` as ``{"line_search": "lswolfe"}``.
    """
    options = {**DEFAULTS, **(options or {})}
    unknown = options.keys() - DEFAULTS.keys()
    if unknown:
        raise ValueError(f"optim.lswolfe: unknown option {sorted(unknown)[0]!r}")
    c1, c2, tol_x, max_iter = (options[k] for k in ("c1", "c2", "tol_x", "max_iter"))
    verbose = print if options["verbose"] else lambda *args: None

    x_init = x.copy()

    def probe(step: float) -> tuple[float, np.ndarray, float]:
        """Move to ``x_init + step d``: the value, gradient and slope there."""
        np.copyto(x, x_init)
        np.add(x, step * d, out=x)
        value, grad = evaluate("lswolfe", opfunc, x)
        return value, grad, float(grad @ d)

    f_new, g_new, gtd_new = probe(t)
    evaluations = 1
    ls_iter, t_prev, done = 0, 0.0, False
    f_prev, g_prev, gtd_prev = f, g.copy(), gtd
    bracket: list[float] = []
    values: list[float] = []
    grads: list[np.ndarray] = []
    while ls_iter < max_iter:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, values, grads = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, values, grads = [t], [f_new], [g_new.copy()]
            done = True
            break
        if gtd_new >= 0:
            bracket, values, grads = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()]
            break
        previous, t_prev = t_prev, t
        low, high = t + 0.01 * (t - previous), t * 10
        t, _ = polyinterp([[previous, f_prev, gtd_prev], [t, f_new, gtd_new]], low, high)
        f_prev, g_prev, gtd_prev = f_new, g_new.copy(), gtd_new
        f_new, g_new, gtd_new = probe(t)
        evaluations += 1
        ls_iter += 1

    if ls_iter == max_iter:
        bracket, values, grads = [0.0, t], [f, f_new], [g.copy(), g_new.copy()]

    insufficient = False
    while not done and ls_iter < max_iter:
        lo = int(np.argmin(values))
        f_lo, hi = values[lo], 1 - lo
        t, _ = polyinterp([[bracket[i], values[i], float(grads[i] @ d)] for i in (0, 1)])
        top, bottom = max(bracket), min(bracket)
        if divide(min(top - t, t - bottom), top - bottom) < 0.1:
            if insufficient or t >= top or t <= bottom:
                if abs(t - top) < abs(t - bottom):
                    t = top - 0.1 * (top - bottom)
                else:
                    t = bottom + 0.1 * (top - bottom)
                insufficient = False
            else:
                insufficient = True
        else:
            insufficient = False
        f_new, g_new, gtd_new = probe(t)
        evaluations += 1
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= f_lo:
            bracket[hi], values[hi], grads[hi] = t, f_new, g_new.copy()
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[hi] - bracket[lo]) >= 0:
                bracket[hi], values[hi], grads[hi] = bracket[lo], values[lo], grads[lo]
            bracket[lo], values[lo], grads[lo] = t, f_new, g_new.copy()
        if not done and abs((bracket[0] - bracket[1]) * gtd_new) < tol_x:
            break

    if ls_iter == max_iter:
        verbose("<optim.lswolfe> reached max number of iterations")
    lo = int(np.argmin(values))
    t, f_new, g_new = bracket[lo], values[lo], grads[lo]
    x[...] = x_init
    x += t * d
    return f_new, g_new, x, t, evaluations
