"""Limited-memory BFGS (torch/optim's ``lbfgs.lua``, after minFunc)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import OptimizerCase, registry

from ._common import Opfunc, abs_sum, divide, evaluate, expect_params, setup

DEFAULTS: dict[str, Any] = {
    "max_iter": 20,
    "max_eval": None,
    "tol_fun": 1e-5,
    "tol_x": 1e-9,
    "n_correction": 100,
    "line_search": None,
    "line_search_options": None,
    "learning_rate": 1.0,
    "verbose": False,
}
STATE = ("func_eval", "n_iter", "d", "t", "old_dirs", "old_stps", "h_diag", "g_old", "f_old")


def lbfgs(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], int]:
    """L-BFGS: quasi-Newton steps from the last ``n_correction`` gradient and step pairs.

    Each call runs up to ``max_iter`` iterations.  The direction is ``d = -H g``, ``H`` the
    L-BFGS inverse Hessian from the stored pairs ``(s, y)`` (the two-loop recursion, the first
    iteration ever taking ``d = -g``); a pair enters only when ``y . s > 1e-10``.  The step is
    ``t = learning_rate`` (``min(1, 1 / sum|g|) * learning_rate`` at the first iteration ever),
    taken as it is, or refined by ``line_search``.  An iteration stops the call when
    ``max_iter`` or ``max_eval`` is reached, ``sum|g| <= tol_fun``, ``sum|t d| <= tol_x``, the
    loss changed less than ``tol_x``, or ``g . d > -tol_x``.

    Configuration (Torch's name): ``max_iter`` (maxIter, 20), ``max_eval`` (maxEval,
    ``1.25 max_iter``), ``tol_fun`` (tolFun, 1e-5), ``tol_x`` (tolX, 1e-9), ``n_correction``
    (nCorrection, 100), ``line_search`` (lineSearch: a function such as ``optim.lswolfe``, or
    the name of one registered in ``nncore.optim``, which keeps the configuration data),
    ``line_search_options`` (lineSearchOptions), ``learning_rate`` (learningRate, 1),
    ``verbose``.  State: ``func_eval``, ``n_iter``, ``d``, ``t``, ``old_dirs``, ``old_stps``,
    ``h_diag`` (Hdiag), ``g_old``, ``f_old`` (Torch also keeps scratch buffers).  Without a
    line search PyTorch's LBFGS computes the same steps; it tests ``max|g|`` and ``max|t d|``
    where Torch sums.  Returns ``(x, [f, ...], evaluations)``: the loss before any step, then
    after each one.
    """
    options, state = setup("lbfgs", config, state, DEFAULTS, STATE)
    expect_params("lbfgs", x)
    max_iter = int(options["max_iter"])
    max_eval = max_iter * 1.25 if options["max_eval"] is None else options["max_eval"]
    tol_fun, tol_x, lr = options["tol_fun"], options["tol_x"], options["learning_rate"]
    n_correction = int(options["n_correction"])
    line_search = options["line_search"]
    if isinstance(line_search, str):
        line_search = registry().resolve(line_search, "optim")
    verbose = print if options["verbose"] else lambda *args: None

    f, g = evaluate("lbfgs", opfunc, x)
    history = [f]
    evaluations = 1
    state["func_eval"] = state.get("func_eval", 0) + 1
    state.setdefault("n_iter", 0)
    if abs_sum(g) <= tol_fun:
        verbose("<optim.lbfgs> optimality condition below tolFun")
        return x, history, evaluations

    d, t = state.get("d"), state.get("t")
    old_dirs, old_stps = state.get("old_dirs", []), state.get("old_stps", [])
    h_diag, g_old, f_old = state.get("h_diag", 1.0), state.get("g_old"), state.get("f_old")
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        state["n_iter"] += 1
        if state["n_iter"] == 1:
            d = -g
            old_dirs, old_stps, h_diag = [], [], 1.0
        else:
            assert d is not None and g_old is not None and t is not None
            y = np.subtract(g, g_old)
            s = np.multiply(d, t)
            ys = float(y @ s)
            if ys > 1e-10:
                if len(old_dirs) == n_correction:
                    del old_dirs[0], old_stps[0]
                old_dirs.append(s)
                old_stps.append(y)
                h_diag = ys / float(y @ y)
            ro = [1 / float(old_stps[i] @ old_dirs[i]) for i in range(len(old_dirs))]
            al = [0.0] * len(old_dirs)
            q = np.negative(g)
            for i in reversed(range(len(old_dirs))):
                al[i] = float(old_dirs[i] @ q) * ro[i]
                q += -al[i] * old_stps[i]
            np.multiply(q, h_diag, out=d)
            for i in range(len(old_dirs)):
                be_i = float(old_stps[i] @ d) * ro[i]
                d += (al[i] - be_i) * old_dirs[i]
        if g_old is None:
            g_old = g.copy()
        else:
            g_old[...] = g
        f_old = f

        gtd = float(g @ d)
        if gtd > -tol_x:
            break
        t = min(1.0, divide(1, abs_sum(g))) * lr if state["n_iter"] == 1 else lr

        spent = 0
        if callable(line_search):
            f, g, x, t, spent = line_search(
                opfunc, x, t, d, f, g, gtd, options["line_search_options"]
            )
            history.append(f)
        else:
            x += t * d
            if n_iter != max_iter:
                f, g = evaluate("lbfgs", opfunc, x)
                spent = 1
                history.append(f)
        evaluations += spent
        state["func_eval"] += spent

        if n_iter == max_iter:
            verbose("<optim.lbfgs> reached max number of iterations")
            break
        if evaluations >= max_eval:
            verbose("<optim.lbfgs> max nb of function evals")
            break
        if abs_sum(g) <= tol_fun:
            verbose("<optim.lbfgs> optimality condition below tolFun")
            break
        if abs(t) * abs_sum(d) <= tol_x:
            verbose("<optim.lbfgs> step size below tolX")
            break
        if abs(f - f_old) < tol_x:
            verbose("<optim.lbfgs> function value changing less than tolX")
            break

    state.update(old_dirs=old_dirs, old_stps=old_stps, h_diag=h_diag, g_old=g_old, f_old=f_old)
    state.update(t=t, d=d)
    return x, history, evaluations


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(lbfgs, {"max_iter": 3}),
        OptimizerCase(lbfgs, {"max_iter": 4, "n_correction": 2, "learning_rate": 0.5}),
        OptimizerCase(lbfgs, {"max_iter": 3, "line_search": "lswolfe"}),
    ]
