"""The checks of the conformance kit: plain ``check_*(case)`` functions raising AssertionError.

Every check works on fresh deep copies of the case's module and re-seeds ``nncore.random``
before each forward, so stochastic modules (Dropout) draw the same numbers in every evaluation
and can be differentiated numerically.  The kit never names a module class: what applies to a
module is decided from what it declares (parameters, ``Criterion``, ``Case.batched``, ...).

The checks live by concern: gradients in ``_gradient_checks``, copies, conversions and saving in
``_copy_checks``, a module in use in ``_forward_checks``, hostile values and misuse in
``hostile``.  This module gathers them (import them from here) and decides which apply to a case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .._module import Module
from ._copy_checks import (
    check_clone_share,
    check_config,
    check_float32,
    check_get_parameters,
    check_save_load,
)
from ._evaluation import SEED
from ._forward_checks import check_bad_input, check_batch, check_forward, check_state_and_mode
from ._gradient_checks import (
    check_acc_update,
    check_backward_scale,
    check_input_jacobian,
    check_parameter_jacobian,
    numeric_gradient,
)
from .case import Case
from .construction import check_constructor_arguments
from .hostile import (
    check_backward_before_forward,
    check_empty_batch,
    check_grad_output_shape,
    check_input_dtypes,
    check_memory_layouts,
    check_mixed_float,
    check_non_finite,
    check_same_dtype_conversion,
    check_wrong_shapes,
)
from .optimizer import OPTIMIZER_CHECKS, OptimizerCase

Check = Callable[[Case], None]


def _registered(module: Module) -> bool:
    from .._registry import registry

    return all(any(":" in n for n in registry().names_of(type(m))) for m in module.list_modules())


MODULE_CHECKS: tuple[Check, ...] = (
    check_forward,
    check_input_jacobian,
    check_parameter_jacobian,
    check_backward_scale,
    check_acc_update,
    check_float32,
    check_clone_share,
    check_config,
    check_constructor_arguments,
    check_batch,
    check_bad_input,
    check_get_parameters,
    check_state_and_mode,
    check_save_load,
    check_same_dtype_conversion,
    check_input_dtypes,
    check_mixed_float,
    check_memory_layouts,
    check_empty_batch,
    check_non_finite,
    check_backward_before_forward,
    check_grad_output_shape,
    check_wrong_shapes,
)
CRITERION_CHECKS: tuple[Check, ...] = (
    check_forward,
    check_input_jacobian,
    check_float32,
    check_clone_share,
    check_config,
    check_constructor_arguments,
    check_bad_input,
    check_state_and_mode,
    check_save_load,
    check_input_dtypes,
    check_mixed_float,
    check_memory_layouts,
    check_empty_batch,
    check_non_finite,
    check_wrong_shapes,
)


def checks_for(case: Case | OptimizerCase) -> Iterator[Any]:
    """The checks that apply to a case, decided by what its module declares (an optimiser's
    case gets the optimiser checks)."""
    if isinstance(case, OptimizerCase):
        yield from OPTIMIZER_CHECKS
        return
    registered = _registered(case.module)
    if case.is_criterion:
        yield from (c for c in CRITERION_CHECKS if registered or c is not check_save_load)
        return
    has_parameters = bool(case.module.parameters()[0])
    for check in MODULE_CHECKS:
        if not has_parameters and check in (
            check_parameter_jacobian,
            check_backward_scale,
            check_acc_update,
            check_get_parameters,
            check_same_dtype_conversion,
        ):
            continue
        if check in (check_batch, check_empty_batch) and not case.batched:
            continue
        if check is check_save_load and not registered:
            continue
        yield check


__all__ = [
    "CRITERION_CHECKS",
    "MODULE_CHECKS",
    "OPTIMIZER_CHECKS",
    "SEED",
    "Check",
    "check_acc_update",
    "check_backward_before_forward",
    "check_backward_scale",
    "check_bad_input",
    "check_batch",
    "check_clone_share",
    "check_config",
    "check_empty_batch",
    "check_float32",
    "check_forward",
    "check_get_parameters",
    "check_grad_output_shape",
    "check_input_dtypes",
    "check_input_jacobian",
    "check_memory_layouts",
    "check_mixed_float",
    "check_non_finite",
    "check_parameter_jacobian",
    "check_same_dtype_conversion",
    "check_save_load",
    "check_state_and_mode",
    "check_wrong_shapes",
    "checks_for",
    "numeric_gradient",
]
