"""Unsqueeze: inserts a dimension of size 1."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_array

from ._reduce import batch_offset, insert_position, reshaped_back


class Unsqueeze(Module):
    """``y = np.expand_dims(x, pos)`` (torch/nn ``Unsqueeze``), ``pos`` in ``0..x.ndim``.

    A negative ``pos`` counts from the end of the output (``-1`` appends).  With
    ``num_input_dims`` (the dimensions of one example), leading extra dimensions are a batch and
    a non-negative ``pos`` is counted after them.  Gradient: ``dx = dy.reshape(x.shape)``.

    >>> import numpy as np
    >>> x = np.zeros((2, 4, 3))
    >>> Unsqueeze(0).forward(x).shape, Unsqueeze(3).forward(x).shape, Unsqueeze(1).forward(x).shape
    ((1, 2, 4, 3), (2, 4, 3, 1), (2, 1, 4, 3))
    >>> Unsqueeze(1, num_input_dims=3).forward(np.zeros((5, 2, 4, 3))).shape
    (5, 2, 1, 4, 3)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, pos: int, num_input_dims: int | None = None) -> None:
        super().__init__()
        self.pos = pos
        self.num_input_dims = num_input_dims

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_array(input)
        offset = batch_offset(input.ndim, self.num_input_dims)
        return np.expand_dims(input, insert_position(self.pos, input.ndim, offset))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return reshaped_back(grad_output, input)

    def extra_repr(self) -> str:
        return f"dim {self.pos}"


def examples() -> list[Case]:
    """The conformance kit's cases for Unsqueeze."""
    return [
        Case(Unsqueeze(0), input_shape=(3, 4)),
        Case(Unsqueeze(1, 2), input_shape=(3, 2, 4), batched=True),
        Case(Unsqueeze(-1), input_shape=(3, 2), batched=True),
    ]
