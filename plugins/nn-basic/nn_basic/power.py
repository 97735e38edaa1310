"""Power: raise every element to a fixed power."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import positive_input
from ._pointwise import Pointwise


class Power(Pointwise):
    """``y = x**p``; ``dx = dy * p * x**(p - 1)`` (torch/nn ``Power``).

    >>> import numpy as np
    >>> Power(3).forward(np.array([2.0]))
    array([8.])
    """

    needs_forward = False

    def __init__(self, p: float) -> None:
        super().__init__()
        self.pow = p

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.power(x, self.pow)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.pow * np.power(x, self.pow - 1)

    def extra_repr(self) -> str:
        return str(self.pow)


def examples() -> list[Case]:
    """The conformance kit's cases for Power."""
    return [
        Case(Power(3), input_shape=(3, 4), batched=True),
        Case(Power(0.5), input=positive_input(2, 3), batched=True),
    ]
