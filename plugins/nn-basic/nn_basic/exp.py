"""Exp: the exponential, elementwise."""

from __future__ import annotations

import numpy as np

from ._elementwise import Elementwise


class Exp(Elementwise):
    """``y = exp(x)``; ``dx = dy * y`` (torch/nn ``Exp``).

    >>> import numpy as np
    >>> Exp().forward(np.array([0.0]))
    array([1.])
    """

    def function(self, input: np.ndarray) -> np.ndarray:
        return np.exp(input)

    def derivative(self, input: np.ndarray, output: np.ndarray) -> np.ndarray:
        return output
