"""The gradient checks of the kit: input and parameter Jacobians against central differences,
``backward``'s scale and accumulation, and ``acc_update_grad_parameters``."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from .._module import Module
from ._evaluation import (
    _assert_close,
    _backward,
    _forwarded,
    _grad_output,
    _objective,
    _prepare,
    _run,
)
from .case import Case
from .tables import is_differentiable, is_table, leaves, structure


def numeric_gradient(fn: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``fn()`` with respect to every element ``a`` of
    ``array``: ``(fn() with a + eps - fn() with a - eps) / (2 * eps)``.  ``fn`` must read
    ``array``, which is changed in place and restored."""
    gradient = np.zeros(array.shape)
    # index ``array`` itself: ``reshape(-1)`` would copy a non-contiguous (transposed) input
    for j in np.ndindex(array.shape):
        original = array[j]
        array[j] = original + eps
        plus = fn()
        array[j] = original - eps
        minus = fn()
        array[j] = original
        gradient[j] = (plus - minus) / (2 * eps)
    return gradient


def _assert_differences(
    case: Case,
    module: Module,
    input: Any,
    target: Any,
    grad_output: Any,
    array: np.ndarray,
    analytic: np.ndarray,
    what: str,
) -> None:
    """``analytic``, the gradient of the objective with respect to ``array``, matches its
    central differences."""
    numeric = numeric_gradient(
        lambda: _objective(case, module, input, target, grad_output), array, case.eps
    )
    _assert_close(
        analytic, numeric, case.rtol, case.atol, f"{what} differs from finite differences"
    )


def check_input_jacobian(case: Case) -> None:
    """backward's grad_input matches central differences, for every floating input leaf."""
    module, input, target, grad_output = _forwarded(case)
    grad_input = _backward(case, module, input, target, grad_output)
    if is_table(input):
        assert is_table(grad_input) and structure(grad_input) == structure(input), (
            f"grad_input {structure(grad_input)} must have the structure of input "
            f"{structure(input)}"
        )
    for k, (leaf, grad_leaf) in enumerate(zip(leaves(input), leaves(grad_input), strict=False)):
        if not is_differentiable(leaf):
            continue
        analytic = np.array(grad_leaf, dtype=np.float64, copy=True)
        what = f"grad_input (input leaf {k})"
        _assert_differences(case, module, input, target, grad_output, leaf, analytic, what)


def check_parameter_jacobian(case: Case) -> None:
    """Accumulated parameter gradients match central differences, for every parameter."""
    module, input, target, grad_output = _forwarded(case)
    _backward(case, module, input, target, grad_output)
    params, grads = module.parameters()
    analytic = [g.copy() for g in grads]
    for k, (param, grad) in enumerate(zip(params, analytic, strict=False)):
        what = f"gradient of parameter {k} {param.shape}"
        _assert_differences(case, module, input, target, grad_output, param, grad, what)


def check_backward_scale(case: Case) -> None:
    """backward(..., scale) accumulates exactly ``scale`` times the gradient, twice -> twice."""
    module, input, target, grad_output = _forwarded(case)
    module.backward(input, grad_output, 1.0)
    once = [g.copy() for g in module.parameters()[1]]
    module.zero_grad_parameters()
    module.backward(input, grad_output, 0.5)
    module.backward(input, grad_output, 1.5)
    for k, (g, g1) in enumerate(zip(module.parameters()[1], once, strict=False)):
        _assert_close(g, 2 * g1, 1e-7, 1e-9, f"gradient {k} does not scale and accumulate")


def check_acc_update(case: Case) -> None:
    """acc_update_grad_parameters(lr) equals zero_grad + acc_grad_parameters + update_parameters."""
    a, input, target = _prepare(case)
    b = copy.deepcopy(a)
    grad_output = _grad_output(case, a, input)
    lr = 0.1
    _run(a, input, target)
    a.zero_grad_parameters()
    a.backward(input, grad_output)
    a.update_parameters(lr)
    _run(b, input, target)
    b.update_grad_input(input, grad_output)
    grads_before = [g.copy() for g in b.parameters()[1]]
    b.acc_update_grad_parameters(input, grad_output, lr)
    for k, (pa, pb) in enumerate(zip(*[m.parameters()[0] for m in (a, b)], strict=False)):
        _assert_close(pb, pa, 1e-7, 1e-9, f"parameter {k} after acc_update_grad_parameters")
    for k, (g, old) in enumerate(zip(b.parameters()[1], grads_before, strict=False)):
        _assert_close(g, old, 0, 0, f"acc_update_grad_parameters changed gradient {k}")
