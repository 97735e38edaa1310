"""HardShrink: zeroes inputs of small magnitude."""

from __future__ import annotations

import numpy as np

from ._pointwise import Shrink


class HardShrink(Shrink):
    """``y = x if |x| > lam else 0``; ``dx = dy * (|x| > lam)`` (torch/nn ``HardShrink``,
    ``lam = 0.5`` by default).

    >>> import numpy as np
    >>> HardShrink(0.5).forward(np.array([-1.0, 0.25, 0.75]))
    array([-1.  ,  0.  ,  0.75])
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.where(np.abs(x) > self.lam, x, 0)
