"""Abs: the absolute value, elementwise."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._pointwise import Pointwise


class Abs(Pointwise):
    """``y = |x|``; ``dx = dy * sign(x)`` with ``sign(0) = 1`` as in torch/nn ``Abs``.

    >>> import numpy as np
    >>> Abs().forward(np.array([-2.0, 0.0, 3.0]))
    array([2., 0., 3.])
    """

    needs_forward = False

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.abs(x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        one = y.dtype.type(1)  # a scalar of y's dtype: the slope is made in it, not cast after
        return np.where(x >= 0, one, -one)

    def gradient(self, x: np.ndarray, y: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # dy or -dy picked directly: no slope array to make and multiply
        return np.where(x >= 0, grad_output, -grad_output)


def examples() -> list[Case]:
    """The conformance kit's cases for Abs."""
    return [Case(Abs(), input_shape=(3, 4), batched=True)]
