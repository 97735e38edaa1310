"""Constant: outputs a fixed value whatever the input."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, expect_array, expect_float


class Constant(Module):
    """``y = value`` (torch/nn ``Constant``); a number becomes a 1-element vector.

    With ``n_input_dims``, an input with more dimensions is a batch and ``y`` holds one copy of
    ``value`` per example, ``(batch, *value.shape)``.  ``value`` is a buffer: it follows the
    module's dtype.  Gradient: zero, of the input's shape.

    >>> import numpy as np
    >>> Constant(2.5).forward(np.zeros(3))
    array([2.5])
    >>> Constant(np.array([1.0, 2.0]), 1).forward(np.zeros((3, 4)))
    array([[1., 2.],
           [1., 2.],
           [1., 2.]])
    """

    accepts = "any"  # moves values around: any dtype passes as given

    buffer_names = ("value",)

    def __init__(self, value: Any, n_input_dims: int | None = None) -> None:
        super().__init__()
        self.value = np.atleast_1d(expect_float(np.asarray(value), "value")).astype(self.dtype)
        self.n_input_dims = n_input_dims

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_array(input)
        if self.n_input_dims is not None and input.ndim > self.n_input_dims:
            return np.broadcast_to(self.value, (input.shape[0], *self.value.shape)).copy()
        return self.value.copy()

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return np.zeros(input.shape, dtype=self.dtype)


def examples() -> list[Case]:
    """The conformance kit's cases for Constant."""
    return [
        Case(Constant(2.5), input_shape=(3,)),
        Case(Constant(np.array([[1.0, 2.0]]), 1), input_shape=(3, 4), batched=True),
    ]
