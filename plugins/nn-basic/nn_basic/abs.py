"""Abs: the absolute value, elementwise."""

from __future__ import annotations

import numpy as np

from ._elementwise import Elementwise


class Abs(Elementwise):
    """``y = |x|``; ``dx = dy * sign(x)`` with ``sign(0) = 1`` as in torch/nn ``Abs``.

    >>> import numpy as np
    >>> Abs().forward(np.array([-2.0, 0.0, 3.0]))
    array([2., 0., 3.])
    """

    def function(self, input: np.ndarray) -> np.ndarray:
        return np.abs(input)

    def derivative(self, input: np.ndarray, output: np.ndarray) -> np.ndarray:
        return np.where(input >= 0, 1.0, -1.0).astype(output.dtype)
