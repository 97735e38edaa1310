"""Numerical gradient check (torch/optim's ``checkgrad.lua``)."""

from __future__ import annotations

import numpy as np

from ._common import Opfunc, evaluate, expect_params, value


def checkgrad(
    opfunc: Opfunc, x: np.ndarray, eps: float = 1e-7
) -> tuple[float, np.ndarray, np.ndarray]:
    """Compare ``opfunc``'s gradient at ``x`` with central differences.

    Returns ``(diff, dC, dC_est)``: the relative error ``|dC - dC_est| / |dC + dC_est|``
    (near ``eps`` for a correct gradient), the gradient ``opfunc`` returned (copied) and the
    estimate ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.  ``x`` is perturbed one element at
    a time and restored.

    >>> import numpy as np
    >>> diff, _, _ = checkgrad(lambda x: (float(np.sum(x**3)), 3 * x**2), np.array([1.0, -2.0]))
    >>> bool(diff < 1e-8)
    True
    """
    expect_params("checkgrad", x)
    _, grad = evaluate("checkgrad", opfunc, x)
    exact = grad.copy()
    estimate = np.empty_like(exact)
    flat, out = x.reshape(-1), estimate.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("optim.checkgrad: x must be contiguous (it is perturbed in place)")
    for i in range(flat.size):
        kept = flat[i]
        flat[i] = kept + eps
        above = value("checkgrad", opfunc, x)
        flat[i] = flat[i] - 2 * eps
        below = value("checkgrad", opfunc, x)
        flat[i] = kept
        out[i] = (above - below) / (2 * eps)
    diff = float(np.linalg.norm(exact - estimate) / np.linalg.norm(exact + estimate))
    return diff, exact, estimate
