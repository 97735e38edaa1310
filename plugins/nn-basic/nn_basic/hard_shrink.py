"""HardShrink: zeroes inputs of small magnitude."""

from __future__ import annotations

import numpy as np

from ._pointwise import Pointwise


class HardShrink(Pointwise):
    """``y = x if |x| > lam else 0``; ``dx = dy * (|x| > lam)`` (torch/nn ``HardShrink``).

    >>> import numpy as np
    >>> HardShrink(0.5).forward(np.array([-1.0, 0.25, 0.75]))
    array([-1.  ,  0.  ,  0.75])
    """

    def __init__(self, lam: float = 0.5) -> None:
        super().__init__()
        self.lam = float(lam)

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.where(np.abs(x) > self.lam, x, 0)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.abs(x) > self.lam

    def extra_repr(self) -> str:
        return f"{self.lam:g}"
