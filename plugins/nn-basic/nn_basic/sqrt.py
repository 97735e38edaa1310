"""Sqrt: the square root, elementwise."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import positive_input
from ._pointwise import Pointwise


class Sqrt(Pointwise):
    """``y = sqrt(x + b)``; ``dx = dy / (2 y)``, and 0 where ``y = 0`` as in torch/nn ``Sqrt``.

    ``b`` (torch/nn's ``eps``) defaults to 0.

    >>> import numpy as np
    >>> Sqrt().forward(np.array([4.0, 0.0]))
    array([2., 0.])
    """

    needs_forward = False

    def __init__(self, b: float = 0.0) -> None:
        super().__init__()
        self.eps = b

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.sqrt(x + self.eps) if self.eps else np.sqrt(x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if y.size and np.minimum.reduce(y, axis=None) > 0:  # no zero (nor NaN): plain 0.5 / y
            return 0.5 / y
        slope = np.zeros_like(y)
        return np.divide(0.5, y, out=slope, where=y != 0)  # one division, none by zero

    def gradient(self, x: np.ndarray, y: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        slope = self.derivative(x, y)
        slope *= grad_output  # a fresh array: multiplied in place
        return slope

    def extra_repr(self) -> str:
        return f"b={self.eps}" if self.eps else ""


def examples() -> list[Case]:
    """The conformance kit's cases for Sqrt."""
    return [
        Case(Sqrt(), input=positive_input(3, 4), batched=True),
        Case(Sqrt(0.5), input=positive_input(4)),
    ]
