"""Clamp: limit every element to an interval."""

from __future__ import annotations

from nncore.plugin import Case

from .hard_tanh import HardTanh


class Clamp(HardTanh):
    """``y = min(max(x, min_value), max_value)`` (torch/nn ``Clamp``, a ``HardTanh``).

    ``dx = dy`` strictly inside the interval and 0 elsewhere, bounds included, as in torch/nn.

    >>> import numpy as np
    >>> Clamp(-1, 2).forward(np.array([-3.0, 0.5, 7.0]))
    array([-1. ,  0.5,  2. ])
    """

    needs_forward = False

    def __init__(self, min_value: float, max_value: float) -> None:
        super().__init__(min_value, max_value)


def examples() -> list[Case]:
    """The conformance kit's cases for Clamp."""
    return [Case(Clamp(-0.5, 0.7), input_shape=(3, 4), batched=True)]
