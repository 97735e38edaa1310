"""CReLU: the ReLUs of the input and of its negation, concatenated."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_ndim, expect_same_shape

from ._pointwise import floating, inplace_repr


class CReLU(Module):
    """``y = concatenate([max(0, x), max(0, -x)])`` along the first non-batch dimension, which
    doubles (torch/nn ``CReLU``); ``dx = dy_1 * (x > 0) - dy_2 * (x < 0)``.

    ``n_input_dims`` is the number of dimensions of one example; an input with one more is a
    batch.  ``inplace`` is kept for torch/nn compatibility: the output is a new, larger array
    either way.

    >>> import numpy as np
    >>> CReLU(1).forward(np.array([-1.0, 2.0]))
    array([0., 2., 1., 0.])
    """

    def __init__(self, n_input_dims: int, inplace: bool = False) -> None:
        super().__init__()
        self.n_input_dims = n_input_dims
        self.inplace = inplace

    def _axis(self, input: np.ndarray) -> int:
        expect_ndim(expect_float(input), (self.n_input_dims, self.n_input_dims + 1))
        return input.ndim - self.n_input_dims

    def update_output(self, input: np.ndarray) -> np.ndarray:
        axis = self._axis(input)
        x = floating(input, self.dtype)
        return np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=axis)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        axis = self._axis(input)
        expect_same_shape(grad_output, self.output, "grad_output", "output")
        positive, negative = np.split(grad_output, 2, axis=axis)
        return positive * (input > 0) - negative * (input < 0)

    def extra_repr(self) -> str:
        return inplace_repr(self, str(self.n_input_dims))


def examples() -> list[Case]:
    """The conformance kit's cases for CReLU."""
    return [
        Case(
            CReLU(1),
            input_shape=(3, 4),
            batched=True,
            bad_inputs=["not an array", np.zeros((2, 3, 4))],
        ),
        Case(CReLU(3), input_shape=(2, 3, 2, 2), batched=True),
    ]
