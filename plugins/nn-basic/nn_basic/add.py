"""Add: addition of a learnable bias vector (or scalar)."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import POSITIVE, Case, Module, ShapeError, expect_float, expect_same_shape

from ._rows import reset_uniform


class Add(Module):
    """``y = x + bias`` (torch/nn ``Add``).

    ``bias`` has ``input_size`` elements, or one shared by every element when ``scalar``.  The
    input has ``bias``'s shape or is a batch ``(batch, ...)`` of examples with ``input_size``
    elements each.  ``dx = dy``; ``dbias += scale * dy`` summed over the batch (over everything
    when ``scalar``).  ``reset(stdv)`` draws from ``U(-a, a)``, ``a = stdv * sqrt(3)``, by
    default ``a = 1 / sqrt(bias.size)``.

    >>> import numpy as np
    >>> m = Add(2)
    >>> m.bias[...] = [1.0, -1.0]
    >>> m.forward(np.zeros((2, 2)))
    array([[ 1., -1.],
           [ 1., -1.]])
    """

    parameter_names = ("bias",)
    argument_ranges = {"input_size": POSITIVE}

    def __init__(self, input_size: int, scalar: bool = False) -> None:
        super().__init__()
        self.scalar = scalar
        self.bias = np.empty(1 if scalar else input_size)
        self.grad_bias = np.zeros_like(self.bias)
        self.reset()

    def reset(self, stdv: float | None = None) -> Add:
        reset_uniform(stdv, 1.0 / math.sqrt(self.bias.size), self.bias)
        return self

    def _batch_view(self, array: np.ndarray) -> np.ndarray:
        """``array`` as ``(batch, input_size)``: one example or a batch of examples."""
        if array.shape == self.bias.shape:
            return array.reshape(1, -1)
        if array.ndim >= 2 and math.prod(array.shape[1:]) == self.bias.size:
            return array.reshape(array.shape[0], self.bias.size)
        raise ShapeError(
            f"expected input of shape {self.bias.shape} or a batch of {self.bias.size}-element "
            f"examples, got shape {array.shape}"
        )

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if self.scalar:
            return expect_float(input) + self.bias[0]
        return (self._batch_view(expect_float(input)) + self.bias).reshape(input.shape)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return expect_same_shape(grad_output, input, "grad_output", "input").copy()

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if self.scalar:
            self.grad_bias[0] += scale * grad_output.sum()
        else:
            self.grad_bias += scale * self._batch_view(grad_output).sum(axis=0)

    def extra_repr(self) -> str:
        return "scalar" if self.scalar else str(self.bias.size)


def examples() -> list[Case]:
    """The conformance kit's cases for Add."""
    return [
        Case(Add(4), input_shape=(3, 4), batched=True),
        Case(Add(4, scalar=True), input_shape=(2, 4), batched=True),
    ]
