"""Narrow: a contiguous slice of the input along one dimension."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, dimension, expect_array

from ._reduce import narrow_span, placed


class Narrow(Module):
    """``y = x[..., offset:offset + length, ...]`` along ``dimension`` (torch/nn ``Narrow``).

    All three may be negative, for inputs of unknown size: a negative ``dimension`` or
    ``offset`` counts from the end (``-1`` is the last), a negative ``length`` stops that many
    elements before the end plus one (``-1`` runs to the end, ``-2`` leaves out the last).
    Gradient: ``dy`` in the slice, zero elsewhere.

    >>> import numpy as np
    >>> x = np.arange(10.0).reshape(5, 2)
    >>> Narrow(0, 1, 3).forward(x)[:, 0], Narrow(0, 1, -2).forward(x)[:, 0]
    (array([2., 4., 6.]), array([2., 4., 6.]))
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, dimension: int, offset: int, length: int = 1) -> None:
        super().__init__()
        self.dimension = dimension
        self.offset = offset
        self.length = length

    def update_output(self, input: np.ndarray) -> np.ndarray:
        dim = dimension(self.dimension, expect_array(input).ndim)
        span = narrow_span(input.shape[dim], self.offset, self.length)
        return input[(slice(None),) * dim + (span,)].copy()

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        dim = dimension(self.dimension, input.ndim)
        span = narrow_span(input.shape[dim], self.offset, self.length)
        return placed(grad_output, input, (slice(None),) * dim + (span,))

    def extra_repr(self) -> str:
        return f"dim {self.dimension}, offset {self.offset}, length {self.length}"


def examples() -> list[Case]:
    """The conformance kit's cases for Narrow."""
    return [
        Case(Narrow(0, 1, 2), input_shape=(4, 3)),
        Case(Narrow(-1, 1, -1), input_shape=(3, 2, 5), batched=True),
        Case(Narrow(1, -3, 2), input_shape=(2, 5)),
    ]
