"""Power: raise every element to a fixed power."""

from __future__ import annotations

import numpy as np

from ._elementwise import Elementwise


class Power(Elementwise):
    """``y = x**p``; ``dx = dy * p * x**(p - 1)`` (torch/nn ``Power``).

    >>> import numpy as np
    >>> Power(3).forward(np.array([2.0]))
    array([8.])
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.pow = p

    def function(self, input: np.ndarray) -> np.ndarray:
        return np.power(input, self.pow)

    def derivative(self, input: np.ndarray, output: np.ndarray) -> np.ndarray:
        return self.pow * np.power(input, self.pow - 1)

    def extra_repr(self) -> str:
        return str(self.pow)
