"""Reshape: the input's elements with a new shape, optionally keeping a batch in front."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, Module, expect_array

from ._reduce import reshaped, reshaped_back, sizes_from_args


class Reshape(Module):
    """``y = x.reshape(size)`` or ``x.reshape(batch, *size)`` (torch/nn ``Reshape``).

    With ``batch_mode=None`` the input is one example when it has exactly ``prod(size)``
    elements and its first dimension is not 1, otherwise its first dimension is the batch;
    ``batch_mode=True``/``False`` force either reading.  Elements are taken row-major.
    Gradient: ``dx = dy.reshape(x.shape)``.

    >>> import numpy as np
    >>> Reshape(2, 8).forward(np.zeros((4, 4))).shape
    (2, 8)
    >>> Reshape(4).forward(np.zeros((1, 4))).shape, Reshape(4, batch_mode=False).forward(
    ...     np.zeros((1, 4))).shape
    ((1, 4), (4,))
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, *size: int, batch_mode: bool | None = None) -> None:
        super().__init__()
        self.size = sizes_from_args(size)
        self.batch_mode = batch_mode
        self.num_elements = math.prod(self.size)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_array(input)
        one_example = self.batch_mode is False or (
            self.batch_mode is None
            and input.size == self.num_elements
            and input.ndim > 0
            and input.shape[0] != 1
        )
        if one_example or input.ndim == 0:
            return reshaped(input, self.size)
        return reshaped(input, (input.shape[0], *self.size))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return reshaped_back(grad_output, input)

    def extra_repr(self) -> str:
        return "x".join(str(s) for s in self.size)


def examples() -> list[Case]:
    """The conformance kit's cases for Reshape."""
    return [
        Case(Reshape(2, 8), input_shape=(4, 4)),
        Case(Reshape(6), input_shape=(3, 2, 3), batched=True),
        Case(Reshape(3, 2, batch_mode=True), input_shape=(1, 6)),
        Case(Reshape(4, batch_mode=False), input_shape=(1, 4)),
    ]
