"""HardShrink: zeroes inputs of small magnitude."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import spread_input
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


def examples() -> list[Case]:
    """The conformance kit's cases for HardShrink."""
    return [
        Case(HardShrink(), input=spread_input, batched=True),
        Case(HardShrink(1.0), input=spread_input),
    ]
