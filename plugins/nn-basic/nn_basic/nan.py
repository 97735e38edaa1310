"""NaN: a decorator raising as soon as a NaN enters or leaves the wrapped module."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, NaNError, repr_line

from .decorator import Decorator
from .linear import Linear
from .sequential import Sequential
from .tanh import Tanh


def first_nan(value: Any, what: str) -> str | None:
    """Where the first NaN of an array or (nested) table is, or None."""
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = first_nan(item, f"{what}[{i}]")
            if found:
                return found
        return None
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        bad = np.argwhere(np.isnan(value))
        if bad.size:
            return f"{what} at index {tuple(int(i) for i in bad[0])}"
    return None


class NaN(Decorator):
    """Checks the input, output, grad_output, grad_input and parameter gradients of the
    wrapped module for NaN (torch/nn ``NaN``), to find where NaNs start.

    Raises :class:`nncore.errors.NaNError` saying what held the NaN and where; like every
    module error it is prefixed with this decorator's path in the network.  ``id`` only labels
    the printout.

    >>> import numpy as np
    >>> from nncore import nn
    >>> NaN(nn.Identity()).forward(np.array([1.0, np.nan]))
    Traceback (most recent call last):
    ...
    nncore.errors.NaNError: nn.NaN @ nn.Identity: expected no NaN, got NaN in the input ...
    """

    def __init__(self, module: Module, id: int | None = None) -> None:
        super().__init__(module)
        self.id = id

    def _check(self, value: Any, what: str) -> None:
        found = first_nan(value, what)
        if found:
            raise NaNError(f"expected no NaN, got NaN in {found}")

    def update_output(self, input: Any) -> Any:
        self._check(input, "the input")
        output = self.module.forward(input)
        if first_nan(output, "output"):
            self._check(self.module.parameters()[0], f"the parameters of {repr_line(self.module)}")
            self._check(output, f"the output of {repr_line(self.module)}")
        return output

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        self._check(grad_output, "grad_output")
        grad_input = self.module.update_grad_input(input, grad_output)
        self._check(grad_input, f"the grad_input of {repr_line(self.module)}")
        return grad_input

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        self.module.acc_grad_parameters(input, grad_output, scale)
        grads = self.module.parameters()[1]
        self._check(grads, f"the parameter gradients of {repr_line(self.module)}")

    def extra_repr(self) -> str:
        return "" if self.id is None else str(self.id)


def examples() -> list[Case]:
    """The conformance kit's cases for NaN."""
    return [
        Case(
            NaN(Linear(4, 3)),
            input_shape=(5, 4),
            batched=True,
            bad_inputs=["not an array", np.array([[0.0, np.nan, 1.0, 2.0]])],
        ),
        Case(NaN(Sequential(Linear(4, 3), Tanh()), 7), input_shape=(4,)),
    ]
