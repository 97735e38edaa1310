"""signSGD with momentum ("Signum", Bernstein et al. 2018): a third-party optimiser for
``nncore.optim``."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import InputError, OptimizerCase

DEFAULTS = {"learning_rate": 1e-3, "momentum": 0.9}


def signsgd(
    opfunc: Any, x: np.ndarray, config: dict[str, Any] | None = None, state: dict | None = None
) -> tuple[np.ndarray, list[float]]:
    """Step by the sign of the gradient's running average: ``x -= lr * sign(m)``.

    With ``f, g = opfunc(x)``: ``m = momentum * m + (1 - momentum) * g``.  Configuration:
    ``learning_rate`` (1e-3), ``momentum`` (0.9).  State: ``m``.  Returns ``(x, [f])``.

    >>> import numpy as np
    >>> x = np.array([1.0, -1.0])
    >>> signsgd(lambda x: (float(x @ x), 2 * x), x, {"learning_rate": 0.5})
    (array([ 0.5, -0.5]), [2.0])
    """
    config = {} if config is None else config
    state = config if state is None else state  # Torch's convention: no state, keep it in config
    unknown = config.keys() - DEFAULTS.keys() - {"m"}
    if unknown:
        raise InputError(f"optim.signsgd: unknown configuration key {sorted(unknown)[0]!r}")
    options = {**DEFAULTS, **config}
    f, g = opfunc(x)
    m = state.get("m")
    if m is None:
        m = state["m"] = np.zeros_like(x)
    m *= options["momentum"]
    m += (1 - options["momentum"]) * g
    x -= options["learning_rate"] * np.sign(m)
    return x, [float(f)]


def examples() -> list[OptimizerCase]:
    return [
        OptimizerCase(signsgd, {"learning_rate": 0.05}),
        OptimizerCase(signsgd, {"momentum": 0.0, "learning_rate": 0.05}),
    ]
