"""MulConstant: multiplication by a fixed scalar."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_same_shape

from ._pointwise import inplace_repr


class MulConstant(Module):
    """``y = c x``; ``dx = c dy`` (torch/nn ``MulConstant``).

    With ``inplace`` the output overwrites the input and the gradient overwrites
    ``grad_output``; backward then divides the input by ``c`` to restore it.

    >>> import numpy as np
    >>> MulConstant(2.0).forward(np.array([1.0, -3.0]))
    array([ 2., -6.])
    """

    def __init__(self, constant_scalar: float, inplace: bool = False) -> None:
        super().__init__()
        if not np.isscalar(constant_scalar):
            raise TypeError(f"expected a scalar constant, got {constant_scalar!r}")
        self.constant_scalar = constant_scalar
        self.inplace = inplace

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_float(input)
        if self.inplace:
            input *= self.constant_scalar
            return input
        return input * self.constant_scalar

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        if self.inplace:
            grad_output *= self.constant_scalar
            input /= self.constant_scalar
            return grad_output
        return grad_output * self.constant_scalar

    def extra_repr(self) -> str:
        return inplace_repr(self, str(self.constant_scalar))


def examples() -> list[Case]:
    """The conformance kit's cases for MulConstant."""
    return [
        Case(MulConstant(-1.5), input_shape=(3, 4), batched=True),
        Case(MulConstant(0.5, inplace=True), input_shape=(3, 4), batched=True),
    ]
