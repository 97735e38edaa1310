"""Bilinear: a bilinear form of two inputs per output unit."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import POSITIVE, Case, Module, expect_ndim

from ._cases import normal_pair
from ._rows import as_rows, grad_rows, reset_uniform, same_rows, two_arrays


class Bilinear(Module):
    """``y_k = x1 @ weight[k] @ x2 + bias[k]`` for the table ``[x1, x2]`` (torch/nn
    ``Bilinear``).  ``weight`` is ``(output_size, input_size1, input_size2)``; the inputs are
    two vectors or two batches with the same number of rows.

    ``dx1 = sum_k dy_k weight[k] @ x2``, ``dx2 = sum_k dy_k x1 @ weight[k]``,
    ``dweight[k] += scale * dy_k outer(x1, x2)``, ``dbias += scale * dy``.  ``reset(stdv)``
    draws from ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default ``1 / sqrt(input_size1)``.

    >>> import numpy as np
    >>> m = Bilinear(2, 2, 1, bias=False)
    >>> m.weight[...] = np.eye(2)
    >>> m.forward([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    array([11.])
    """

    parameter_names = ("weight", "bias")
    argument_ranges = {"input_size1": POSITIVE, "input_size2": POSITIVE, "output_size": POSITIVE}

    def __init__(
        self, input_size1: int, input_size2: int, output_size: int, bias: bool = True
    ) -> None:
        super().__init__()
        self.weight = np.empty((output_size, input_size1, input_size2))
        self.grad_weight = np.zeros_like(self.weight)
        self.bias = np.empty(output_size) if bias else None
        self.grad_bias = np.zeros(output_size) if bias else None
        self.reset()

    def reset(self, stdv: float | None = None) -> Bilinear:
        reset_uniform(stdv, 1 / math.sqrt(self.weight.shape[1]), self.weight, self.bias)
        return self

    def pair(self, input: Any) -> tuple[np.ndarray, np.ndarray]:
        """The two inputs as ``(batch, size)`` arrays, after checking them."""
        x1, x2 = two_arrays(input, "[x1, x2]")
        expect_ndim(x2, x1.ndim, "input[1]")
        rows = (
            as_rows(x1, self.weight.shape[1], "input[0]"),
            as_rows(x2, self.weight.shape[2], "input[1]"),
        )
        same_rows(*rows)
        return rows

    def update_output(self, input: Any) -> np.ndarray:
        x1, x2 = self.pair(input)
        output = np.einsum("bi,kij,bj->bk", x1, self.weight, x2)
        if self.bias is not None:
            output += self.bias
        return output.reshape(input[0].shape[:-1] + self.weight.shape[:1])

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        x1, x2 = self.pair(input)
        dy = grad_rows(grad_output, input[0].shape[:-1] + self.weight.shape[:1])
        grad1 = np.einsum("bk,kij,bj->bi", dy, self.weight, x2)
        grad2 = np.einsum("bk,kij,bi->bj", dy, self.weight, x1)
        return [grad1.reshape(input[0].shape), grad2.reshape(input[1].shape)]

    def acc_grad_parameters(self, input: Any, grad_output: np.ndarray, scale: float = 1.0) -> None:
        x1, x2 = self.pair(input)
        dy = grad_rows(grad_output, input[0].shape[:-1] + self.weight.shape[:1])
        self.grad_weight += scale * np.einsum("bk,bi,bj->kij", dy, x1, x2)
        if self.bias is not None:
            self.grad_bias += scale * dy.sum(axis=0)

    def extra_repr(self) -> str:
        out, in1, in2 = self.weight.shape
        return f"{in1}x{in2} -> {out}" + ("" if self.bias is not None else ", without bias")


def examples() -> list[Case]:
    """The conformance kit's cases for Bilinear."""
    return [
        Case(Bilinear(2, 3, 4), input=normal_pair((3, 2), (3, 3)), batched=True),
        Case(Bilinear(3, 2, 2, bias=False), input=normal_pair((3,), (2,))),
    ]
