"""Parallel: child ``i`` gets slice ``i`` of the input; their outputs are concatenated."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Container, dimension, expect_array, expect_same_shape, expect_size

from ._concat import Window, child_outputs, join, layout
from .linear import Linear
from .sequential import Sequential
from .tanh import Tanh


class Parallel(Container):
    """``y = concatenate([m_i(x.take(i, input_dimension)) for i], output_dimension)``
    (torch/nn ``Parallel``).

    Dimensions are 0-based (negative counts from the end).  The input must have exactly one
    slice along ``input_dimension`` per child; slice ``i``'s gradient is child ``i``'s gradient
    for its part of ``dy``.

    >>> import numpy as np
    >>> from nncore import nn
    >>> par = Parallel(0, 0).add(nn.Identity()).add(nn.Identity())
    >>> par.forward(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([1., 2., 3., 4.])
    """

    def __init__(self, input_dimension: int, output_dimension: int) -> None:
        super().__init__()
        self.input_dimension = input_dimension
        self.output_dimension = output_dimension

    def _slices(self, input: np.ndarray) -> list[tuple]:
        """Index tuples selecting child ``i``'s input (views, as Torch's ``select``)."""
        axis = dimension(self.input_dimension, expect_array(input).ndim, "input_dimension")
        expect_size(input, axis, len(self.modules), "input (one slice per child)")
        return [(slice(None),) * axis + (i,) for i in range(len(self.modules))]

    def _windows(self) -> list[Window]:
        return layout([m.output.shape for m in self.modules], self.output_dimension)[1]

    def update_output(self, input: np.ndarray) -> np.ndarray:
        slices = self._slices(input)
        pairs = zip(self.modules, slices, strict=True)
        outputs = child_outputs(self, [m.forward(input[s]) for m, s in pairs])
        total, windows = layout([out.shape for out in outputs], self.output_dimension)
        return join(outputs, total, windows)

    def _grad_input(self, input: np.ndarray, grads: list[np.ndarray]) -> np.ndarray:
        grad_input = np.zeros(input.shape, dtype=np.result_type(*grads))
        for s, grad in zip(self._slices(input), grads, strict=True):
            grad_input[s] = grad
        return grad_input

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, self.output, "grad_output", "output")
        zipped = zip(self.modules, self._slices(input), self._windows(), strict=True)
        grads = [m.backward_input(input[s], grad_output[w]) for m, s, w in zipped]
        return self._grad_input(input, grads)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        zipped = zip(self.modules, self._slices(input), self._windows(), strict=True)
        for module, s, window in zipped:
            module.acc_grad_parameters(input[s], grad_output[window], scale)

    def extra_repr(self) -> str:
        return f"{self.input_dimension}, {self.output_dimension}"


def examples() -> list[Case]:
    """The conformance kit's cases for Parallel."""
    return [
        Case(
            Parallel(0, 0).add(Linear(4, 3)).add(Linear(4, 2)),
            input_shape=(2, 4),
            bad_inputs=["not an array", np.zeros((3, 4))],
        ),
        Case(Parallel(1, 1).add(Linear(4, 3)).add(Tanh()), input_shape=(5, 2, 4)),
        Case(
            Parallel(-1, 0).add(Tanh()).add(Tanh()).add(Sequential(Linear(3, 2))),
            input_shape=(3, 3),
        ),
    ]
