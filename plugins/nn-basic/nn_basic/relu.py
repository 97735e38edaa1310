"""ReLU: the rectified linear unit."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import inplace_repr
from .threshold import Threshold


class ReLU(Threshold):
    """``y = max(0, x)``; ``dx = dy * (x > 0)`` (torch/nn ``ReLU``, a ``Threshold(0, 0)``).

    >>> import numpy as np
    >>> ReLU().forward(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    >>> ReLU(inplace=True)
    nn.ReLU(in place)
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 0.0, inplace)

    def extra_repr(self) -> str:
        return inplace_repr(self)


def examples() -> list[Case]:
    """The conformance kit's cases for ReLU."""
    return pointwise_cases(ReLU(), ReLU(inplace=True))
