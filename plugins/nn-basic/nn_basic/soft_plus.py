"""SoftPlus: a smooth approximation of ReLU."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import Pointwise, sigmoid


class SoftPlus(Pointwise):
    """``y = log(1 + exp(beta * x)) / beta``, and ``y = x`` where ``beta * x > 20`` (torch/nn's
    ``threshold``); ``dx = dy * sigmoid(beta * x)`` (1 past the threshold) (torch/nn ``SoftPlus``).

    >>> import numpy as np
    >>> SoftPlus().forward(np.array([0.0, 100.0]))
    array([  0.69314718, 100.        ])
    """

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__()
        self.beta = float(beta)
        self.threshold = 20.0

    def function(self, x: np.ndarray) -> np.ndarray:
        scaled = self.beta * x
        return np.where(scaled > self.threshold, x, np.logaddexp(0, scaled) / self.beta)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        scaled = self.beta * x
        return np.where(scaled > self.threshold, 1, sigmoid(scaled))

    def extra_repr(self) -> str:
        return "" if self.beta == 1 else f"beta={self.beta:g}"


def examples() -> list[Case]:
    """The conformance kit's cases for SoftPlus."""
    return pointwise_cases(SoftPlus()) + [Case(SoftPlus(2.5), input_shape=(4,))]
