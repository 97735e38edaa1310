"""Clamp: limit every element to an interval."""

from __future__ import annotations

import numpy as np

from ._elementwise import Elementwise


class Clamp(Elementwise):
    """``y = min(max(x, min_value), max_value)`` (torch/nn ``Clamp``, a ``HardTanh``).

    ``dx = dy`` strictly inside the interval and 0 elsewhere, bounds included, as in torch/nn.

    >>> import numpy as np
    >>> Clamp(-1, 2).forward(np.array([-3.0, 0.5, 7.0]))
    array([-1. ,  0.5,  2. ])
    """

    def __init__(self, min_value: float, max_value: float) -> None:
        super().__init__()
        if not max_value > min_value:
            raise ValueError(f"expected max_value > min_value, got {min_value}, {max_value}")
        self.min_val = min_value
        self.max_val = max_value

    def function(self, input: np.ndarray) -> np.ndarray:
        return np.clip(input, self.min_val, self.max_val)

    def derivative(self, input: np.ndarray, output: np.ndarray) -> np.ndarray:
        inside = (input > self.min_val) & (input < self.max_val)
        return inside.astype(output.dtype)

    def extra_repr(self) -> str:
        return f"{self.min_val}, {self.max_val}"
