"""CMA-ES, the covariance matrix adaptation evolution strategy (torch/optim's ``cmaes.lua``,
ported from N. Hansen's ``barecmaes2.py``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import InputError, OptimizerCase, generator

from ._common import Opfunc, expect_params, setup, value

DEFAULTS: dict[str, Any] = {
    "sigma": None,
    "max_eval": None,
    "ftarget": None,
    "popsize": None,
    "verb_disp": 0,
    "min_iterations": 1,
}


def cmaes(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float], int]:
    """CMA-ES: minimise without gradients, sampling from an adapted Gaussian.

    Each generation samples ``popsize`` points from ``N(mean, sigma**2 C)``, moves the mean to
    the weighted best half, and adapts ``C`` and ``sigma`` from the paths taken.

    ``opfunc(point)`` may return the loss alone or ``(loss, gradient)`` (the gradient is not
    used).  Configuration (Torch's name): ``sigma`` (required: the first step size, a standard
    deviation in each coordinate), ``max_eval`` (maxEval, ``1000 n**2``), ``ftarget`` (stop
    below it), ``popsize`` (``4 + floor(3 ln n)``), ``verb_disp`` (print every that many
    iterations, 0 never), ``min_iterations`` (1).  The samples come from nncore's generator
    (``nncore.manual_seed``).  Torch keeps nothing between calls, and reads these options from
    ``state`` (the same table unless one is given); here they come from ``config`` and
    ``state`` stays empty.  Torch returns the best point without changing ``x``; here ``x``
    becomes it too.  Returns ``(x, [f, ...], evaluations)``: the loss at the start, the best
    of each generation, then the best found.
    """
    options, state = setup("cmaes", config, state, DEFAULTS)
    expect_params("cmaes", x)
    if options["sigma"] is None:
        raise InputError("optim.cmaes: needs config['sigma'], the first step size")
    rng = generator()
    xmean = x.astype(np.float64).reshape(-1)
    n = xmean.size
    sigma = float(options["sigma"])
    max_eval = 1e3 * n**2 if options["max_eval"] is None else float(options["max_eval"])
    ftarget, verb = options["ftarget"], options["verb_disp"] or 0
    lam = options["popsize"] or 4 + math.floor(3 * math.log(n))
    mu = lam / 2  # as in Torch, not rounded: weights from log(mu + 1/2), floor(mu) parents
    weights = np.array([math.log(mu + 0.5) - math.log(i + 1) for i in range(math.floor(mu))])
    weights /= weights.sum()
    mueff = weights.sum() ** 2 / (weights**2).sum()
    cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n)
    cs = (mueff + 2) / (n + mueff + 5)
    c1 = 2 / ((n + 1.3) ** 2 + mueff)
    cmu = min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((n + 2) ** 2 + mueff))
    damps = 2 * mueff / lam + 0.3 + cs
    pc, ps = np.zeros(n), np.zeros(n)
    basis, scales, cov, invsqrt = np.eye(n), np.ones(n), np.eye(n), np.eye(n)
    eigeneval, counteval, iteration = 0, 0, 0
    history = [value("cmaes", opfunc, x)]
    fitness = np.zeros(0)
    best_x, best_f = None, math.inf

    def stopped() -> bool:
        if counteval == 0:
            return False
        return (
            counteval >= max_eval
            or (ftarget is not None and fitness[0] <= ftarget)
            or scales.max() > 1e7 * scales.min()
            or fitness[-1] - fitness[0] < 1e-12
            or sigma * scales.max() < 1e-11
        )

    while not stopped() or iteration < options["min_iterations"]:
        iteration += 1
        if counteval - eigeneval > lam / (c1 + cmu) / n / 10:
            eigeneval = counteval
            cov = np.triu(cov) + np.triu(cov, 1).T
            eigenvalues, basis = np.linalg.eigh(cov)
            scales = np.sqrt(eigenvalues)
            invsqrt = basis @ np.diag(1 / scales) @ basis.T
        candidates = xmean + (rng.standard_normal((lam, n)) * scales) @ basis.T * sigma
        fitness = np.array(
            [value("cmaes", opfunc, c.reshape(x.shape).astype(x.dtype)) for c in candidates]
        )
        counteval += lam
        xold = xmean
        order = np.argsort(fitness, kind="stable")
        fitness, parents = fitness[order], candidates[order[: len(weights)]]
        history.append(float(fitness[0]))
        if fitness[0] < best_f:
            best_x, best_f = parents[0].copy(), float(fitness[0])
        xmean = parents.T @ weights
        step = xmean - xold
        ps = ps - ps * cs + invsqrt @ step * (math.sqrt(cs * (2 - cs) * mueff) / sigma)
        norm = float(ps @ ps)
        hsig = float(norm / (1 - (1 - cs) ** (2 * counteval / lam)) / n < 2 + 4 / (n + 1))
        pc = pc - pc * cc + step * (math.sqrt(cc * (2 - cc) * mueff) / sigma) * hsig
        c1a = c1 - (1 - hsig**2) * c1 * cc * (2 - cc)
        spread = parents - xold
        rank_mu = (spread.T * weights) @ spread / sigma**2
        cov = cov + (-c1a - cmu) * cov + c1 * np.outer(pc, pc) + cmu * rank_mu
        sigma *= math.exp(min(0.6, (cs / damps) * (norm / n - 1) / 2))
        if verb and (iteration <= 2 or iteration % verb == 0):
            print(f"{counteval}: {scales.max() / scales.min():6.1f} {sigma:8.1e} {fitness[0]}")
    assert best_x is not None
    x[...] = best_x.reshape(x.shape)
    history.append(best_f)
    return x, history, counteval


def examples() -> list[OptimizerCase]:
    return [OptimizerCase(cmaes, {"sigma": 0.5, "max_eval": 200}, steps=2)]
