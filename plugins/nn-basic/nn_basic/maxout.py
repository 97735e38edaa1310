"""Maxout: the maximum over groups of linear units (Goodfellow et al. 2013), a Sequential."""

from __future__ import annotations

from nncore.plugin import Case, Module

from .linear import Linear
from .max import Max
from .sequential import Sequential
from .tanh import Tanh
from .view import View


class Maxout(Sequential):
    """``y[o] = max_m (W x + b)[m * output_size + o]`` over ``m < maxout_number`` (torch/nn
    ``Maxout``).

    Built as torch/nn builds it, so its children are the same: ``Linear(input_size,
    output_size * maxout_number)``, ``View(maxout_number, output_size)`` of each example, the
    optional ``preprocess`` module (applied to the ``(maxout_number, output_size)`` pieces), and
    ``Max`` over the pieces.  Input ``(input_size,)`` or ``(batch, input_size)``.  The gradient
    goes through the winning piece of each output.

    >>> import numpy as np
    >>> Maxout(4, 3, 2).forward(np.zeros((5, 4))).shape
    (5, 3)
    """

    def __init__(
        self,
        input_size: int,
        output_size: int,
        maxout_number: int,
        preprocess: Module | None = None,
    ) -> None:
        super().__init__()
        self.add(Linear(input_size, output_size * maxout_number))
        self.add(View(maxout_number, output_size, num_input_dims=1))
        if preprocess is not None:
            self.add(preprocess)
        self.add(Max(0, 2))


def examples() -> list[Case]:
    """The conformance kit's cases for Maxout."""
    return [
        Case(Maxout(4, 3, 2), input_shape=(5, 4), batched=True),
        Case(Maxout(3, 2, 3), input_shape=(3,)),
        Case(Maxout(3, 2, 2, preprocess=Tanh()), input_shape=(2, 3), batched=True),
    ]
