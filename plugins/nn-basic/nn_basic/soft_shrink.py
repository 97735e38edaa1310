"""SoftShrink: moves inputs towards zero by ``lam``, zeroing the small ones."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import spread_input
from ._pointwise import Shrink


class SoftShrink(Shrink):
    """``y = x - lam`` if ``x > lam``, ``x + lam`` if ``x < -lam``, else 0; ``dx = dy * (|x| >
    lam)`` (torch/nn ``SoftShrink``, ``lam = 0.5`` by default).

    >>> import numpy as np
    >>> SoftShrink(0.5).forward(np.array([-1.0, 0.25, 0.75]))
    array([-0.5 ,  0.  ,  0.25])
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.sign(x) * np.maximum(np.abs(x) - self.lam, 0)


def examples() -> list[Case]:
    """The conformance kit's cases for SoftShrink."""
    return [
        Case(SoftShrink(), input=spread_input, batched=True),
        Case(SoftShrink(1.0), input=spread_input),
    ]
