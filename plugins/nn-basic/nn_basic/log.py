"""Log: the natural logarithm, elementwise."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import positive_input
from ._pointwise import Pointwise


class Log(Pointwise):
    """``y = log(x)``; ``dx = dy / x`` (torch/nn ``Log``).

    >>> import numpy as np
    >>> Log().forward(np.array([1.0]))
    array([0.])
    """

    needs_forward = False

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.log(x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 1 / x


def examples() -> list[Case]:
    """The conformance kit's cases for Log."""
    return [Case(Log(), input=positive_input(3, 4), batched=True)]
