"""What the checks of ``checks.py`` share: a case prepared in a dtype, seeded evaluations on
copies of its values, the objective that backward differentiates, and comparisons of results.

An evaluation (``_run``) works on a deep copy of the input and re-seeds ``nncore.random``
first, so stochastic modules (Dropout) draw the same numbers each time.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .. import random as nnrandom
from .._module import Module
from .case import Case
from .tables import is_differentiable, leaves, map_leaves, map_leaves2

SEED = 20161


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(SEED + salt)


def _run(module: Module, input: Any, target: Any = None) -> Any:
    """One seeded evaluation on a copy of ``input`` (in-place modules must not change the
    kit's arrays): the output of a module, or the loss of a criterion."""
    nnrandom.manual_seed(SEED)
    if target is None:
        return module.forward(_copy(input))
    return module.forward(_copy(input), _copy(target))  # type: ignore[call-arg]


def _copy(value: Any) -> Any:
    return copy.deepcopy(value)


def _dot(a: Any, b: Any) -> float:
    """Sum over leaves of ``sum(a * b)``: the scalar whose gradient backward computes."""
    return float(
        sum(
            np.sum(np.asarray(x) * np.asarray(y))
            for x, y in zip(leaves(a), leaves(b), strict=False)
        )
    )


def _assert_close(actual: Any, expected: Any, rtol: float, atol: float, what: str) -> None:
    def compare(a: Any, e: Any) -> None:
        a_arr, e_arr = np.asarray(a), np.asarray(e)
        if a_arr.shape != e_arr.shape:
            raise AssertionError(f"{what}: shape {a_arr.shape} != expected {e_arr.shape}")
        np.testing.assert_allclose(a_arr, e_arr, rtol=rtol, atol=atol, err_msg=what)

    map_leaves2(compare, actual, expected)


def _prepare(case: Case, dtype: Any = np.float64) -> tuple[Module, Any, Any]:
    """A fresh module converted to ``dtype``, and the case's input and target in that dtype."""
    module = case.fresh_module().type(dtype)
    input = _cast(case.make_input(_rng()), dtype)
    target = _cast(case.make_target(_rng(1), input), dtype) if case.is_criterion else None
    return module, input, target


def _cast(value: Any, dtype: Any) -> Any:
    return map_leaves(lambda leaf: leaf.astype(dtype) if is_differentiable(leaf) else leaf, value)


def _backward(
    case: Case, module: Module, input: Any, target: Any, grad_output: Any, scale: float = 1.0
) -> Any:
    if case.is_criterion:
        return module.backward(_copy(input), _copy(target))
    return module.backward(_copy(input), _copy(grad_output), scale)


def _objective(case: Case, module: Module, input: Any, target: Any, grad_output: Any) -> float:
    """The scalar a finite difference differentiates: the loss, or <output, grad_output>."""
    result = _run(module, input, target)
    return float(result) if case.is_criterion else _dot(result, grad_output)


def _grad_output(case: Case, module: Module, input: Any) -> Any:
    if case.is_criterion:
        return None
    return case.make_grad_output(_rng(2), _run(module, input), module.dtype)


def _forwarded(case: Case) -> tuple[Module, Any, Any, Any]:
    """The prepared module after a forward on the input, its gradients zeroed: the module, the
    input, the target and the grad_output to go backward with."""
    module, input, target = _prepare(case)
    grad_output = _grad_output(case, module, input)
    _run(module, input, target)
    module.zero_grad_parameters()
    return module, input, target, grad_output
