"""The conformance kit: the checks every nncore module must pass, for anyone who writes modules.

Describe how to build and feed your module with :class:`Case`, then either call
:func:`check_case` or let pytest parametrize over every check::

    from nncore.testing import Case, parametrize_with_checks
    from my_layers import Swish

    @parametrize_with_checks([Case(Swish(), input_shape=(4, 7), batched=True)])
    def test_conformance(case, check):
        check(case)

The checks: finite-difference Jacobians (central differences) with respect to the input and
every parameter, gradient scaling and accumulation, ``acc_update_grad_parameters`` against
``acc_grad_parameters`` + ``update_parameters``, float32/float64 round trip, clone and shared
clone, rebuilding from ``config()``, a constructor number given as a string refused with a clear
error, batch against single examples, bad input giving a clear error and leaving the module
usable, ``get_parameters`` flattening, ``clear_state`` and train/eval.
:func:`numeric_gradient` gives the central differences themselves, for a module's own tests.

Optimisers (registry kind ``optimizer``) are checked the same way from an
:class:`OptimizerCase`: see ``nncore.testing.optimizer`` for their contract.
"""

from __future__ import annotations

from .case import NOT_AN_ARRAY, Case
from .checks import (
    CRITERION_CHECKS,
    MODULE_CHECKS,
    OPTIMIZER_CHECKS,
    checks_for,
    numeric_gradient,
)
from .optimizer import OptimizerCase, quadratic
from .runner import (
    CheckResult,
    check_case,
    parametrize_with_checks,
    registered_cases,
    run_checks,
)

__all__ = [
    "CRITERION_CHECKS",
    "MODULE_CHECKS",
    "NOT_AN_ARRAY",
    "OPTIMIZER_CHECKS",
    "Case",
    "CheckResult",
    "check_case",
    "checks_for",
    "numeric_gradient",
    "OptimizerCase",
    "parametrize_with_checks",
    "quadratic",
    "registered_cases",
    "run_checks",
]
