"""SoftSign: ``x / (1 + |x|)``."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import Pointwise


class SoftSign(Pointwise):
    """``y = x / (1 + |x|)``; ``dx = dy / (1 + |x|)**2`` (torch/nn ``SoftSign``).

    >>> import numpy as np
    >>> SoftSign().forward(np.array([-3.0, 0.0, 1.0]))
    array([-0.75,  0.  ,  0.5 ])
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return x / (1 + np.abs(x))

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.abs(x)) ** 2


def examples() -> list[Case]:
    """The conformance kit's cases for SoftSign."""
    return pointwise_cases(SoftSign())
