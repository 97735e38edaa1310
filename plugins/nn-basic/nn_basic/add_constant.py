"""AddConstant: addition of a fixed scalar or vector."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_float, expect_same_shape

from ._pointwise import inplace_repr


class AddConstant(Module):
    """``y = x + c``; ``dx = dy`` (torch/nn ``AddConstant``).

    ``constant_scalar`` is a number, or a 1-D array added along the last dimension of a 1-D
    input or a 2-D batch.  With ``inplace`` the output overwrites the input; backward subtracts
    ``c`` again to restore it and returns ``grad_output`` itself.

    >>> import numpy as np
    >>> AddConstant(1.5).forward(np.zeros(2))
    array([1.5, 1.5])
    """

    def __init__(self, constant_scalar: float | np.ndarray, inplace: bool = False) -> None:
        super().__init__()
        self.constant_scalar = constant_scalar
        self.inplace = inplace

    def _constant(self, input: np.ndarray) -> float | np.ndarray:
        """The constant, checked against ``input`` and in its floating dtype."""
        constant = self.constant_scalar
        if isinstance(constant, (float, int)) or np.ndim(constant) == 0:  # (np.ndim: ~1 µs)
            return constant
        if input.ndim not in (1, 2) or input.shape[-1] != np.size(constant):
            raise ShapeError(
                f"expected a 1-D input or a 2-D batch with last dimension {np.size(constant)} "
                f"(the size of the constant), got shape {input.shape}"
            )
        return np.asarray(constant, dtype=input.dtype if input.dtype.kind == "f" else None)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        constant = self._constant(expect_float(input))
        if self.inplace:
            input += constant
            return input
        return input + constant

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        if self.inplace:
            input -= self._constant(input)
            return grad_output
        return grad_output.copy()

    def extra_repr(self) -> str:
        constant = self.constant_scalar
        text = f"{constant}" if np.ndim(constant) == 0 else f"size {np.size(constant)}"
        return inplace_repr(self, text)


def examples() -> list[Case]:
    """The conformance kit's cases for AddConstant."""
    return [
        Case(AddConstant(2.0), input_shape=(3, 4), batched=True),
        Case(AddConstant(np.array([1.0, -2.0, 0.5])), input_shape=(2, 3), batched=True),
        Case(AddConstant(-1.0, inplace=True), input_shape=(3, 4), batched=True),
    ]
