"""SoftShrink: moves inputs towards zero by ``lam``, zeroing the small ones."""

from __future__ import annotations

import numpy as np

from ._pointwise import Pointwise


class SoftShrink(Pointwise):
    """``y = x - lam`` if ``x > lam``, ``x + lam`` if ``x < -lam``, else 0; ``dx = dy * (|x| >
    lam)`` (torch/nn ``SoftShrink``).

    >>> import numpy as np
    >>> SoftShrink(0.5).forward(np.array([-1.0, 0.25, 0.75]))
    array([-0.5 ,  0.  ,  0.25])
    """

    def __init__(self, lam: float = 0.5) -> None:
        super().__init__()
        self.lam = float(lam)

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.sign(x) * np.maximum(np.abs(x) - self.lam, 0)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.abs(x) > self.lam

    def extra_repr(self) -> str:
        return f"{self.lam:g}"
