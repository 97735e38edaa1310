"""TanhShrink: the input minus its hyperbolic tangent."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import Pointwise


class TanhShrink(Pointwise):
    """``y = x - tanh(x)``; ``dx = dy * tanh(x)**2`` (torch/nn ``TanhShrink``).

    >>> import numpy as np
    >>> TanhShrink().forward(np.array([0.0]))
    array([0.])
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return x - np.tanh(x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.tanh(x) ** 2


def examples() -> list[Case]:
    """The conformance kit's cases for TanhShrink."""
    return pointwise_cases(TanhShrink())
