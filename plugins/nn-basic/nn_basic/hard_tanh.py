"""HardTanh: the identity clipped to ``[min_value, max_value]``."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, InputError

from ._cases import spread_input
from ._pointwise import Pointwise, inplace_repr


class HardTanh(Pointwise):
    """``y = clip(x, min_value, max_value)``; ``dx = dy`` strictly inside, 0 outside
    (torch/nn ``HardTanh``).

    >>> import numpy as np
    >>> HardTanh().forward(np.array([-3.0, 0.5, 3.0]))
    array([-1. ,  0.5,  1. ])
    """

    def __init__(
        self, min_value: float = -1.0, max_value: float = 1.0, inplace: bool = False
    ) -> None:
        super().__init__()
        if not max_value > min_value:
            raise InputError(f"expected max_value > min_value, got {max_value} <= {min_value}")
        self.min_value = float(min_value)
        self.max_value = float(max_value)
        self.inplace = bool(inplace)

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.min_value, self.max_value)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x > self.min_value) & (x < self.max_value)

    def extra_repr(self) -> str:
        return inplace_repr(self, f"{self.min_value:g}, {self.max_value:g}")


def examples() -> list[Case]:
    """The conformance kit's cases for HardTanh."""
    return [
        Case(HardTanh(), input=spread_input, batched=True),
        Case(HardTanh(-0.5, 2.0), input=spread_input),
        Case(HardTanh(inplace=True), input=spread_input, batched=True),
    ]
