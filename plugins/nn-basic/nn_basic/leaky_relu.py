"""LeakyReLU: a ReLU with a small slope for negative inputs."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import Pointwise, inplace_repr


class LeakyReLU(Pointwise):
    """``y = x`` for ``x > 0``, ``negval * x`` otherwise; ``dx = dy`` or ``dy * negval``
    (torch/nn ``LeakyReLU``).

    In place, backward reads the sign of the overwritten input; a negative ``negval`` would flip
    it, so (as in torch/nn) such a module silently works out of place.

    >>> import numpy as np
    >>> LeakyReLU(0.1).forward(np.array([-2.0, 3.0]))
    array([-0.2,  3. ])
    """

    def __init__(self, negval: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negval = float(negval)
        self.inplace = bool(inplace) and self.negval >= 0

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, x, self.negval * x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.where(x > 0, 1, self.negval)

    def extra_repr(self) -> str:
        return inplace_repr(self, f"{self.negval:g}")


def examples() -> list[Case]:
    """The conformance kit's cases for LeakyReLU."""
    return pointwise_cases(LeakyReLU(), LeakyReLU(0.2, True)) + [
        Case(LeakyReLU(-0.5), input_shape=(6,))
    ]
