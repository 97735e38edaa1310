"""GatedLinearUnit: the first half of the input gated by the sigmoid of the second."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, ShapeError, dimension, expect_float, expect_same_shape

from ._pointwise import floating, sigmoid


class GatedLinearUnit(Module):
    """``y = a * sigmoid(b)`` where ``a, b`` are the two halves of ``x`` along ``dim`` (0-based,
    default the last); ``da = dy * sigmoid(b)``, ``db = dy * a * sigmoid(b) * (1 - sigmoid(b))``
    (torch/nn ``GatedLinearUnit``).

    >>> import numpy as np
    >>> GatedLinearUnit().forward(np.array([[3.0, 0.0]]))
    array([[1.5]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def _halves(self, input: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
        x = floating(expect_float(input), self.dtype)
        axis = dimension(-1 if self.dim is None else self.dim, max(x.ndim, 1))
        if x.ndim == 0 or x.shape[axis] % 2:
            raise ShapeError(f"expected an even size in dimension {axis}, got shape {x.shape}")
        a, b = np.split(x, 2, axis=axis)
        return axis, a, b

    def update_output(self, input: np.ndarray) -> np.ndarray:
        _, a, b = self._halves(input)
        return a * sigmoid(b)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        axis, a, b = self._halves(input)
        expect_same_shape(grad_output, self.output, "grad_output", "output")
        gate = sigmoid(b)
        return np.concatenate([grad_output * gate, grad_output * a * gate * (1 - gate)], axis=axis)

    def extra_repr(self) -> str:
        return "" if self.dim is None else str(self.dim)


def examples() -> list[Case]:
    """The conformance kit's cases for GatedLinearUnit."""
    return [
        Case(
            GatedLinearUnit(),
            input_shape=(3, 4),
            batched=True,
            bad_inputs=["not an array", np.zeros((2, 3))],
        ),
        Case(GatedLinearUnit(0), input_shape=(6, 2)),
    ]
