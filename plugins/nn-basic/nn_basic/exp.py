"""Exp: the exponential, elementwise."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._pointwise import Pointwise


class Exp(Pointwise):
    """``y = exp(x)``; ``dx = dy * y`` (torch/nn ``Exp``).

    >>> import numpy as np
    >>> Exp().forward(np.array([0.0]))
    array([1.])
    """

    needs_forward = False

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.exp(x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return y


def examples() -> list[Case]:
    """The conformance kit's cases for Exp."""
    return [Case(Exp(), input_shape=(3, 4), batched=True)]
