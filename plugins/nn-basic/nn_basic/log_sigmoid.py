"""LogSigmoid: the logarithm of the logistic function, computed stably."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import Pointwise, sigmoid


class LogSigmoid(Pointwise):
    """``y = log(1 / (1 + exp(-x))) = -log(1 + exp(-x))``; ``dx = dy * sigmoid(-x)``
    (torch/nn ``LogSigmoid``).

    >>> import numpy as np
    >>> LogSigmoid().forward(np.array([0.0, -1000.0]))
    array([-6.93147181e-01, -1.00000000e+03])
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return -np.logaddexp(0, -x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return sigmoid(-x)


def examples() -> list[Case]:
    """The conformance kit's cases for LogSigmoid."""
    return pointwise_cases(LogSigmoid())
