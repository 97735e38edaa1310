"""ReLU6: a ReLU saturating at 6."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import spread_input
from ._pointwise import inplace_repr
from .hard_tanh import HardTanh


class ReLU6(HardTanh):
    """``y = min(max(0, x), 6)``; ``dx = dy`` for ``0 < x < 6``, else 0 (torch/nn ``ReLU6``).

    >>> import numpy as np
    >>> ReLU6().forward(np.array([-1.0, 3.0, 9.0]))
    array([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return inplace_repr(self)


def examples() -> list[Case]:
    """The conformance kit's cases for ReLU6."""
    return [
        Case(ReLU6(), input=lambda rng: 4 * spread_input(rng), batched=True),
        Case(ReLU6(True), input=lambda rng: 4 * spread_input(rng), batched=True),
    ]
