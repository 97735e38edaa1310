"""Sqrt: the square root, elementwise."""

from __future__ import annotations

import numpy as np

from ._elementwise import Elementwise


class Sqrt(Elementwise):
    """``y = sqrt(x + b)``; ``dx = dy / (2 y)``, and 0 where ``y = 0`` as in torch/nn ``Sqrt``.

    ``b`` (torch/nn's ``eps``) defaults to 0.

    >>> import numpy as np
    >>> Sqrt().forward(np.array([4.0, 0.0]))
    array([2., 0.])
    """

    def __init__(self, b: float = 0.0) -> None:
        super().__init__()
        self.eps = b

    def function(self, input: np.ndarray) -> np.ndarray:
        return np.sqrt(input + self.eps) if self.eps else np.sqrt(input)

    def derivative(self, input: np.ndarray, output: np.ndarray) -> np.ndarray:
        safe = np.where(output == 0, 1, output)
        return np.where(output == 0, 0, 0.5 / safe)

    def extra_repr(self) -> str:
        return f"b={self.eps}" if self.eps else ""
