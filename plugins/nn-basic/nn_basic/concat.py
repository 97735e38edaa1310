"""Concat: applies every child to the same input and concatenates their outputs."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Container, expect_same_shape

from ._concat import Window, child_outputs, join, layout, total_gradient
from .identity import Identity
from .linear import Linear
from .tanh import Tanh


class Concat(Container):
    """``y = concatenate([m(x) for m in children], dimension)`` (torch/nn ``Concat``).

    ``dimension`` (0-based, negative counts from the end) is a dimension of the outputs; as in
    torch/nn a batch is not special, so with batched input it usually is 1 or -1.  Every child
    receives the whole input (an array or a table); ``dx`` is the sum of the children's gradients
    for their slice of ``dy``.

    >>> import numpy as np
    >>> from nncore import nn
    >>> cat = Concat(0).add(nn.Identity()).add(nn.Identity())
    >>> cat.forward(np.array([1.0, 2.0]))
    array([1., 2., 1., 2.])
    """

    #: DepthConcat pads smaller outputs instead of requiring equal sizes
    _pad = False

    def __init__(self, dimension: int) -> None:
        super().__init__()
        self.dimension = dimension

    def _windows(self) -> list[Window]:
        return layout([m.output.shape for m in self.modules], self.dimension, self._pad)[1]

    def update_output(self, input: Any) -> np.ndarray:
        outputs = child_outputs(self, [m.forward(input) for m in self.modules])
        total, windows = layout([out.shape for out in outputs], self.dimension, self._pad)
        return join(outputs, total, windows)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> Any:
        expect_same_shape(grad_output, self.output, "grad_output", "output")
        pairs = zip(self.modules, self._windows(), strict=True)
        return total_gradient([m.backward_input(input, grad_output[w]) for m, w in pairs])

    def acc_grad_parameters(self, input: Any, grad_output: np.ndarray, scale: float = 1.0) -> None:
        for module, window in zip(self.modules, self._windows(), strict=True):
            module.acc_grad_parameters(input, grad_output[window], scale)

    def extra_repr(self) -> str:
        return str(self.dimension)


def examples() -> list[Case]:
    """The conformance kit's cases for Concat."""
    return [
        Case(Concat(-1).add(Linear(4, 3)).add(Linear(4, 2)), input_shape=(5, 4), batched=True),
        Case(Concat(0).add(Linear(4, 3)).add(Identity()), input_shape=(4,)),
        Case(Concat(1).add(Linear(4, 3)).add(Tanh()).add(Linear(4, 1)), input_shape=(2, 4)),
    ]
