"""Replicate: repeats the input along a new dimension without copying it."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_array

from ._reduce import expect_shape, insert_position


class Replicate(Module):
    """``y`` stacks ``n_features`` copies of ``x`` along a new axis ``dim`` (torch/nn
    ``Replicate``).

    The output is a read-only broadcast view of the input (no memory is copied, as torch/nn's
    zero stride).  With ``n_input_dims`` (the number of non-batch dimensions), a larger input is
    a batch and a non-negative ``dim`` moves one to the right.  Gradient: ``dx = dy.sum(dim)``.

    >>> import numpy as np
    >>> Replicate(3).forward(np.arange(1.0, 4.0))
    array([[1., 2., 3.],
           [1., 2., 3.],
           [1., 2., 3.]])
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, n_features: int, dim: int = 0, n_input_dims: int | None = None) -> None:
        super().__init__()
        self.n_features = n_features
        self.dim = dim
        self.n_input_dims = n_input_dims

    def _axis(self, input: np.ndarray) -> int:
        batched = self.n_input_dims is not None and input.ndim > self.n_input_dims
        return insert_position(self.dim, input.ndim, int(batched))

    def update_output(self, input: np.ndarray) -> np.ndarray:
        axis = self._axis(expect_array(input))
        shape = input.shape[:axis] + (self.n_features,) + input.shape[axis:]
        return np.broadcast_to(np.expand_dims(input, axis), shape)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        axis = self._axis(input)
        shape = input.shape[:axis] + (self.n_features,) + input.shape[axis:]
        return expect_shape(grad_output, shape).sum(axis=axis)

    def extra_repr(self) -> str:
        return f"{self.n_features}, dim {self.dim}"


def examples() -> list[Case]:
    """The conformance kit's cases for Replicate."""
    return [
        Case(Replicate(3), input_shape=(4,)),
        Case(Replicate(2, 1, 2), input_shape=(3, 2, 4), batched=True),
        Case(Replicate(2, -1), input_shape=(3, 2)),
    ]
