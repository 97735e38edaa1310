"""``Case``: one example construction of a module and the input it is checked on."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._criterion import Criterion
from .._location import repr_line
from .._module import Module

Maker = Callable[[np.random.Generator], Any]

#: a bad input the kit tries on every module unless a case sets ``bad_inputs`` itself
NOT_AN_ARRAY = "not an array"


@dataclass
class Case:
    """A module (or criterion), the input to check it on and what the kit should expect.

    Parameters
    ----------
    module:
        The module to check.  The kit works on deep copies; the instance is never changed.
    input:
        An array, a (nested) list of arrays for table modules, or ``fn(rng) -> input``.
    input_shape:
        Shorthand for ``input``: a standard-normal array of this shape.
    target:
        For criteria: an array, a table, or ``fn(rng, input) -> target``.
    batched:
        True when the first dimension of every input array is a batch and the module also accepts
        one example alone: the kit checks the batch output against example-by-example outputs.
    bad_inputs:
        Inputs the module must reject with a clear error (default: a string).  For criteria these
        are ``(input, target)`` pairs.  ``[]`` when the module accepts anything.
    skip:
        ``{check_name: reason}`` for checks that do not apply (e.g. a non-differentiable module).
    grad_output:
        ``fn(rng, output) -> grad_output`` when a random normal one is not suitable.
    atol, rtol, eps:
        Finite-difference step and tolerances (float64).
    name:
        Test id; defaults to the first line of the module's repr.
    """

    module: Module
    input: Any = None
    input_shape: tuple[int, ...] | None = None
    target: Any = None
    batched: bool = False
    bad_inputs: list[Any] | None = None
    skip: Mapping[str, str] = field(default_factory=dict)
    grad_output: Callable[[np.random.Generator, Any], Any] | None = None
    atol: float = 1e-6
    rtol: float = 1e-5
    eps: float = 1e-6
    name: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.module, Module):
            raise TypeError(f"Case needs a Module instance, got {type(self.module).__name__}")
        if self.input is None and self.input_shape is None:
            raise TypeError("Case needs an input or an input_shape")
        if self.name is None:
            self.name = repr_line(self.module)

    def covers(self, target: Any) -> bool:
        """Whether this case checks ``target`` (the registered class): its module's class is it."""
        return type(self.module) is target

    @property
    def is_criterion(self) -> bool:
        return isinstance(self.module, Criterion)

    def fresh_module(self) -> Module:
        """A deep copy of the module, for one check to change as it likes."""
        return copy.deepcopy(self.module)

    def make_input(self, rng: np.random.Generator) -> Any:
        """The input (a fresh copy every call, so a module writing in place cannot hurt)."""
        if self.input is None:
            return rng.standard_normal(self.input_shape)
        value = self.input(rng) if callable(self.input) else self.input
        return copy.deepcopy(value)

    def make_target(self, rng: np.random.Generator, input: Any) -> Any:
        value = self.target(rng, input) if callable(self.target) else self.target
        return copy.deepcopy(value)

    def make_grad_output(self, rng: np.random.Generator, output: Any, dtype: Any = None) -> Any:
        """A random gradient shaped like ``output``, in its floating dtype (else in ``dtype``,
        the module's, for integer outputs)."""
        if self.grad_output is not None:
            return self.grad_output(rng, output)
        from .tables import map_leaves

        def like(leaf: Any) -> np.ndarray:
            floating = isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f"
            return rng.standard_normal(np.shape(leaf)).astype(
                leaf.dtype if floating else (dtype or np.float64)
            )

        return map_leaves(like, output)

    def default_bad_inputs(self) -> list[Any]:
        if self.bad_inputs is not None:
            return list(self.bad_inputs)
        if self.is_criterion:
            return [(NOT_AN_ARRAY, None)]
        return [NOT_AN_ARRAY]

    def __repr__(self) -> str:
        return f"Case({self.name})"
