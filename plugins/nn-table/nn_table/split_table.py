"""SplitTable: an array split into the table of its slices along one dimension."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, expect_float

from ._tables import batch_dimension, expect_shapes


class SplitTable(Module):
    """``y[i] = x.take(i, axis=dimension)``; ``dx = stack(dy, axis=dimension)``
    (torch/nn ``SplitTable``).

    ``dimension`` is 0-based; a negative one counts from the end.  With ``n_input_dims``, an input
    with one dimension more is a batch and a non-negative ``dimension`` shifts by one.

    >>> import numpy as np
    >>> [y.shape for y in SplitTable(1).forward(np.zeros((4, 3)))]
    [(4,), (4,), (4,)]
    >>> len(SplitTable(0, 2).forward(np.zeros((2, 4, 3))))
    4
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, dimension: int, n_input_dims: int | None = None) -> None:
        super().__init__()
        self.dimension = dimension
        self.n_input_dims = n_input_dims

    def update_output(self, input: np.ndarray) -> list[np.ndarray]:
        axis = batch_dimension(self.dimension, self.n_input_dims, expect_float(input).ndim)
        # the trailing Ellipsis makes each slice of a vector a 0-d array, not a numpy scalar
        before: tuple[Any, ...] = (slice(None),) * axis
        return [input[before + (i, Ellipsis)] for i in range(input.shape[axis])]

    def update_grad_input(self, input: np.ndarray, grad_output: Any) -> np.ndarray:
        axis = batch_dimension(self.dimension, self.n_input_dims, input.ndim)
        shape = input.shape[:axis] + input.shape[axis + 1 :]
        grads = expect_shapes(grad_output, shape, input.shape[axis], "grad_output")
        # one slab assignment per element: np.stack's own Python costs 2-3x as much at char-rnn's
        # sizes (it views every element as an expanded array, then concatenates)
        stacked = np.empty(input.shape, np.result_type(*grads) if grads else self.dtype)
        before: tuple[Any, ...] = (slice(None),) * axis
        for i, grad in enumerate(grads):
            stacked[before + (i, Ellipsis)] = grad
        return stacked

    def extra_repr(self) -> str:
        return str(self.dimension)


def examples() -> list[Case]:
    """The conformance kit's cases for SplitTable."""
    return [
        Case(SplitTable(1), input_shape=(4, 3)),
        Case(SplitTable(0, 2), input_shape=(2, 4, 3), batched=True),
        Case(SplitTable(-1), input_shape=(2, 3), batched=True),
    ]
