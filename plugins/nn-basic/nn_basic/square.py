"""Square: the square, elementwise."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._pointwise import Pointwise


class Square(Pointwise):
    """``y = x**2``; ``dx = 2 x dy`` (torch/nn ``Square``).

    >>> import numpy as np
    >>> Square().forward(np.array([-3.0]))
    array([9.])
    """

    needs_forward = False

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.square(x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 2 * x

    def gradient(self, x: np.ndarray, y: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        slope = 2 * x
        slope *= grad_output  # a fresh array: multiplied in place
        return slope


def examples() -> list[Case]:
    """The conformance kit's cases for Square."""
    return [Case(Square(), input_shape=(3, 4), batched=True)]
