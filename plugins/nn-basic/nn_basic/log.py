"""Log: the natural logarithm, elementwise."""

from __future__ import annotations

import numpy as np

from ._elementwise import Elementwise


class Log(Elementwise):
    """``y = log(x)``; ``dx = dy / x`` (torch/nn ``Log``).

    >>> import numpy as np
    >>> Log().forward(np.array([1.0]))
    array([0.])
    """

    def function(self, input: np.ndarray) -> np.ndarray:
        return np.log(input)

    def derivative(self, input: np.ndarray, output: np.ndarray) -> np.ndarray:
        return 1 / input
