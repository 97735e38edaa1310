"""Padding: inserts a block of a constant value into one dimension."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, ShapeError, dimension, expect_array

from ._reduce import expect_shape


class Padding(Module):
    """``|pad|`` entries of ``value`` added to dimension ``dim`` (torch/nn ``Padding``).

    A negative ``pad`` pads on the left, a positive one on the right; ``index`` (0-based)
    moves the padding that many elements inwards from that side.  With ``n_input_dims``, an
    input with a different number of dimensions is a batch and a non-negative ``dim`` moves one
    to the right.  Gradient: ``dy`` without the padded entries.

    >>> import numpy as np
    >>> Padding(0, 2, 1, -1.0).forward(np.array([1.0, 2.0, 3.0]))
    array([ 1.,  2.,  3., -1., -1.])
    >>> Padding(0, -2, 1, -1.0, 1).forward(np.array([[1.0, 2.0, 3.0]]))
    array([[ 1., -1., -1.,  2.,  3.]])
    """

    def __init__(
        self,
        dim: int,
        pad: int,
        n_input_dims: int | None = None,
        value: float = 0.0,
        index: int = 0,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.pad = pad
        self.n_input_dims = n_input_dims
        self.value = value
        self.index = index

    def _place(self, input: np.ndarray) -> tuple[int, int]:
        """The padded axis and the position the padding is inserted at."""
        batched = self.n_input_dims is not None and input.ndim != self.n_input_dims
        axis = dimension(self.dim + int(batched and self.dim >= 0), input.ndim)
        size = input.shape[axis]
        at = self.index if self.pad < 0 else size - self.index
        if not 0 <= at <= size:
            raise ShapeError(f"expected index between 0 and {size}, got {self.index}")
        return axis, at

    def update_output(self, input: np.ndarray) -> np.ndarray:
        axis, at = self._place(expect_array(input))
        shape = list(input.shape)
        shape[axis] = abs(self.pad)
        block = np.full(shape, self.value, dtype=input.dtype)
        before, after = np.split(input, [at], axis=axis)
        return np.concatenate([before, block, after], axis=axis)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        axis, at = self._place(input)
        shape = list(input.shape)
        shape[axis] += abs(self.pad)
        grad = expect_shape(grad_output, tuple(shape))
        return np.delete(grad, np.arange(at, at + abs(self.pad)), axis=axis)

    def extra_repr(self) -> str:
        return f"dim {self.dim}, pad {self.pad}"


def examples() -> list[Case]:
    """The conformance kit's cases for Padding."""
    return [
        Case(Padding(0, 2, 1, -1.0), input_shape=(3,)),
        Case(Padding(0, -2, 1, 0.5), input_shape=(2, 3), batched=True),
        Case(Padding(1, -2, 2, 0.0, 1), input_shape=(2, 3, 4), batched=True),
        Case(Padding(-1, 1, None, 0.0, 2), input_shape=(2, 4)),
    ]
