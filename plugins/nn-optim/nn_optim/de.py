"""Differential evolution (torch/optim's ``de.lua``: DE/best/1 with binomial crossover)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import InputError, OptimizerCase

from ._common import Opfunc, expect_params, setup, value

DEFAULTS: dict[str, Any] = {
    "popsize": None,
    "scale_factor": None,
    "crossover_rate": None,
    "max_fes": None,
    "max_region": 30.0,
    "min_region": -30.0,
    "seed": 1,
}


def de(
    opfunc: Opfunc, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """Differential evolution: minimise without gradients by mutating a population.

    The population is drawn uniformly in the search region; each child takes, per coordinate
    with probability ``crossover_rate`` (and in one coordinate always),
    ``best + scale_factor * (a - b)`` for two other members ``a``, ``b``; a child replaces its
    parent when not worse.

    ``opfunc(point)`` may return the loss alone or ``(loss, gradient)``.  Configuration
    (Torch's name): ``popsize`` (``10 n``), ``scale_factor`` (scaleFactor, required, usually
    0.4 to 1), ``crossover_rate`` (crossoverRate, required, usually 0.1 to 0.9), ``max_fes``
    (maxFEs, required: evaluations), ``max_region`` (maxRegion, 30), ``min_region``
    (minRegion, -30), ``seed`` (1: as Torch, every call draws from its own generator seeded
    alike; the numbers differ from Torch's generator).  Two slips of Torch's code are not
    followed: it starts from the member of largest loss (``fitness:max``) and forces the
    crossover at coordinate ``jrand`` only for the child whose index equals it; here the best
    member starts, and every child takes coordinate ``jrand``.  Torch returns the best point
    without changing ``x``; here ``x`` becomes it too.  ``state`` stays empty.  Returns
    ``(x, [f, ...])``: every evaluation's loss.
    """
    options, state = setup("de", config, state, DEFAULTS)
    expect_params("de", x)
    for key in ("scale_factor", "crossover_rate", "max_fes"):
        if options[key] is None:
            raise InputError(f"optim.de: needs config[{key!r}]")
    n = x.size
    popsize = int(options["popsize"] or 10 * n)
    if popsize < 3:
        raise InputError(f"optim.de: expected a popsize of at least 3, got {popsize}")
    scale, rate, max_fes = options["scale_factor"], options["crossover_rate"], options["max_fes"]
    rng = np.random.default_rng(options["seed"])

    def loss(point: np.ndarray) -> float:
        return value("de", opfunc, point.reshape(x.shape).astype(x.dtype))

    pop = rng.uniform(options["min_region"], options["max_region"], (popsize, n))
    fitness = np.array([loss(p) for p in pop])
    history = [float(f) for f in fitness]
    best = int(np.argmin(fitness))
    best_fitness, best_solution = float(fitness[best]), pop[best].copy()
    children = np.empty_like(pop)
    children_fitness = np.empty(popsize)
    while len(history) + 1 < max_fes:  # Torch's count starts at 1
        for i in range(popsize):
            r1 = i
            while r1 == i:
                r1 = int(rng.integers(popsize))
            r2 = i
            while r2 in (i, r1):
                r2 = int(rng.integers(popsize))
            take = rng.random(n) < rate
            take[rng.integers(n)] = True
            mutant = best_solution + scale * (pop[r1] - pop[r2])
            children[i] = np.where(take, mutant, pop[i])
            children_fitness[i] = loss(children[i])
            history.append(float(children_fitness[i]))
        for i in range(popsize):
            if children_fitness[i] <= fitness[i]:
                pop[i], fitness[i] = children[i], children_fitness[i]
                if fitness[i] < best_fitness:
                    best_fitness, best_solution = float(fitness[i]), children[i].copy()
    x[...] = best_solution.reshape(x.shape)
    return x, history


def examples() -> list[OptimizerCase]:
    config = {"popsize": 12, "scale_factor": 0.5, "crossover_rate": 0.9, "max_fes": 600}
    config.update(min_region=-2.0, max_region=2.0)
    return [OptimizerCase(de, config, steps=1)]
