"""JoinTable: a table of arrays concatenated into one array along a dimension."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import normal
from ._tables import batch_dimension, expect_arrays, expect_shape


class JoinTable(Module):
    """``y = concatenate(x, axis=dimension)``; ``dx[i]`` is ``dy``'s slab where ``x[i]`` went
    (torch/nn ``JoinTable``).

    ``dimension`` is 0-based; a negative one counts from the end.  With ``n_input_dims``, inputs
    with one dimension more are a batch and a non-negative ``dimension`` shifts by one.

    >>> import numpy as np
    >>> JoinTable(0).forward([np.zeros((5, 1)), np.zeros((2, 1))]).shape
    (7, 1)
    >>> JoinTable(1, 2).forward([np.zeros((2, 3, 1)), np.zeros((2, 3, 1))]).shape
    (2, 3, 2)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, dimension: int, n_input_dims: int | None = None) -> None:
        super().__init__()
        self.dimension = dimension
        self.n_input_dims = n_input_dims

    def _axis(self, input: Any) -> tuple[list[np.ndarray], int]:
        arrays = expect_arrays(input, same_shape=False)
        axis = batch_dimension(self.dimension, self.n_input_dims, arrays[0].ndim)
        first = arrays[0].shape
        for i, array in enumerate(arrays[1:], 1):
            size = array.shape[axis] if array.ndim == len(first) else first[axis]
            expected = _with_size(first, axis, size)
            if array.shape != expected:  # (the message is only formatted for an error)
                expect_shape(array, expected, f"input[{i}]")
        return arrays, axis

    def update_output(self, input: Any) -> np.ndarray:
        arrays, axis = self._axis(input)
        return np.concatenate(arrays, axis=axis)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        arrays, axis = self._axis(input)
        sizes = [a.shape[axis] for a in arrays]
        expect_shape(grad_output, _with_size(arrays[0].shape, axis, sum(sizes)))
        # slabs of dy by plain slicing (np.split costs several times more per call)
        before: tuple[slice, ...] = (slice(None),) * axis
        start, grads = 0, []
        for size in sizes:
            grads.append(grad_output[before + (slice(start, start + size),)])
            start += size
        return grads

    def extra_repr(self) -> str:
        return str(self.dimension)


def _with_size(shape: tuple[int, ...], axis: int, size: int) -> tuple[int, ...]:
    return shape[:axis] + (size,) + shape[axis + 1 :]


def examples() -> list[Case]:
    """The conformance kit's cases for JoinTable."""
    return [
        Case(
            JoinTable(0),
            input=normal((2, 3), (1, 3)),
            bad_inputs=["not an array", [], [np.ones((2, 3)), np.ones((2, 2))]],
        ),
        Case(JoinTable(1, 2), input=normal((2, 3, 1), (2, 3, 2)), batched=True),
        Case(JoinTable(-1), input=normal((2, 3), (2, 1)), batched=True),
    ]
