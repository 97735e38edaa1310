"""Sigmoid: the logistic function, elementwise."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import Pointwise, sigmoid


class Sigmoid(Pointwise):
    """``y = 1 / (1 + exp(-x))`` elementwise; ``dx = dy * y * (1 - y)`` (torch/nn ``Sigmoid``).

    >>> import numpy as np
    >>> Sigmoid().forward(np.array([0.0, 1000.0, -1000.0]))
    array([0.5, 1. , 0. ])
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        slope = 1 - y
        slope *= y  # in place: one temporary fewer
        return slope


def examples() -> list[Case]:
    """The conformance kit's cases for Sigmoid."""
    return pointwise_cases(Sigmoid())
