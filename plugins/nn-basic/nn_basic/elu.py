"""ELU: the exponential linear unit."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import Pointwise, inplace_repr


class ELU(Pointwise):
    """``y = x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise; ``dx = dy`` for ``y > 0``,
    ``dy * (y + alpha)`` otherwise (torch/nn ``ELU``).  The derivative is read from ``y``, so
    in-place mode needs nothing else.

    >>> import numpy as np
    >>> ELU().forward(np.array([2.0, 0.0]))
    array([2., 0.])
    """

    #: multiplies the whole function (SELU's lambda)
    scale = 1.0

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = float(alpha)
        self.inplace = bool(inplace)

    def function(self, x: np.ndarray) -> np.ndarray:
        negative = self.alpha * np.expm1(np.minimum(x, 0))
        return self.scale * np.where(x > 0, x, negative)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.where(y > 0, self.scale, y + self.scale * self.alpha)

    def extra_repr(self) -> str:
        return inplace_repr(self, f"alpha={self.alpha:g}")


def examples() -> list[Case]:
    """The conformance kit's cases for ELU."""
    return pointwise_cases(ELU(), ELU(0.5, inplace=True)) + [Case(ELU(0.3), input_shape=(6,))]
