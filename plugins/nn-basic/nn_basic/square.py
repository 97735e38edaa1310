"""Square: the square, elementwise."""

from __future__ import annotations

import numpy as np

from ._elementwise import Elementwise


class Square(Elementwise):
    """``y = x**2``; ``dx = 2 x dy`` (torch/nn ``Square``).

    >>> import numpy as np
    >>> Square().forward(np.array([-3.0]))
    array([9.])
    """

    def function(self, input: np.ndarray) -> np.ndarray:
        return np.square(input)

    def derivative(self, input: np.ndarray, output: np.ndarray) -> np.ndarray:
        return 2 * input
