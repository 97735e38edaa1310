"""View: the input's elements with a new shape, a batch dimension kept in front."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_array

from ._reduce import reshaped, reshaped_back, sizes_from_args


class View(Module):
    """``y = x.reshape(size)``, or ``(batch, *size)`` for a batch (torch/nn ``View``).

    One size may be ``-1`` (inferred).  The batch size is what remains once the last
    ``num_input_dims`` dimensions (all of them by default) are divided by ``prod(size)``, times
    any dimensions before those; a batch of one is dropped unless ``num_input_dims`` says the
    input has more dimensions than one example (torch/nn's ``setNumInputDims``).  Gradient:
    ``dx = dy.reshape(x.shape)``.

    >>> import numpy as np
    >>> View(2, 3).forward(np.arange(6.0).reshape(3, 2))
    array([[0., 1., 2.],
           [3., 4., 5.]])
    >>> View(-1, num_input_dims=2).forward(np.zeros((5, 2, 3))).shape
    (5, 6)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, *size: int, num_input_dims: int | None = None) -> None:
        super().__init__()
        self.size = sizes_from_args(size)
        if any(s < -1 for s in self.size) or self.size.count(-1) > 1:
            raise ShapeError(f"expected positive sizes and at most one -1, got {self.size}")
        self.num_input_dims = num_input_dims
        self.num_elements = math.prod(s for s in self.size if s != -1)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_array(input)
        example_dims = (
            input.ndim if self.num_input_dims is None else min(self.num_input_dims, input.ndim)
        )
        example_elements = math.prod(input.shape[input.ndim - example_dims :])
        if self.num_elements == 0 or example_elements % self.num_elements:
            raise ShapeError(
                f"expected input whose last {example_dims} dimensions hold a multiple of "
                f"{self.num_elements} elements, got shape {input.shape}"
            )
        batch = 1 if -1 in self.size else example_elements // self.num_elements
        batch *= math.prod(input.shape[: input.ndim - example_dims])
        if batch == 1 and (self.num_input_dims is None or input.ndim <= self.num_input_dims):
            return reshaped(input, self.size)
        return reshaped(input, (batch, *self.size))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return reshaped_back(grad_output, input)

    def extra_repr(self) -> str:
        return ", ".join(str(s) for s in self.size)


def examples() -> list[Case]:
    """The conformance kit's cases for View."""
    return [
        Case(View(2, 3), input_shape=(3, 2)),
        Case(View(6), input_shape=(4, 2, 3), batched=True),
        Case(View(-1, num_input_dims=2), input_shape=(3, 2, 3), batched=True),
        Case(View(3, -1), input_shape=(2, 3)),
    ]
