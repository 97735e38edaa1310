"""Linear: the affine map of torch/nn."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import (
    POSITIVE,
    Case,
    Module,
    expect_float,
    expect_ndim,
    expect_size,
    generator,
    matmul,
)


class Linear(Module):
    """Affine map ``y = x @ weight.T + bias`` (torch/nn ``Linear``).

    Input ``(input_size,)`` or ``(batch, input_size)``; ``weight`` is ``(output_size,
    input_size)``.  Gradients: ``dx = dy @ weight``, ``dW += scale * dy.T @ x``,
    ``db += scale * sum(dy)``.  ``reset(stdv)`` draws from ``U(-stdv, stdv)``, by default
    ``stdv = 1 / sqrt(input_size)``.

    >>> Linear(10, 5)
    nn.Linear(10 -> 5)
    >>> Linear(10, 5, bias=False)
    nn.Linear(10 -> 5, without bias)
    """

    parameter_names: tuple[str, ...] = ("weight", "bias")  # LinearWeightNorm has its own
    argument_ranges = {"input_size": POSITIVE, "output_size": POSITIVE}

    def __init__(self, input_size: int, output_size: int, bias: bool = True) -> None:
        super().__init__()
        self.weight = np.empty((output_size, input_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.bias = np.empty(output_size) if bias else None
        self.grad_bias = np.zeros(output_size) if bias else None
        self.reset()

    def reset(self, stdv: float | None = None) -> Linear:
        stdv = 1.0 / math.sqrt(self.weight.shape[1]) if stdv is None else stdv
        for _, param, _ in self.own_parameters():
            param[...] = generator().uniform(-stdv, stdv, param.shape)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_ndim(expect_float(input), (1, 2))
        expect_size(input, -1, self.weight.shape[1])
        # one example: a matrix-vector product, cheaper per call than with a transpose
        output = matmul(self.weight, input) if input.ndim == 1 else matmul(input, self.weight.T)
        if self.bias is not None:
            output += self.bias
        return output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return matmul(grad_output, self.weight)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if input.ndim == 1:
            update, bias_update = np.multiply.outer(grad_output, input), grad_output
        else:
            update, bias_update = matmul(grad_output.T, input), grad_output.sum(axis=0)
        if scale != 1:
            update *= scale  # in place: the product is a fresh temporary
            bias_update = scale * bias_update
        self.grad_weight += update
        if self.bias is not None:
            self.grad_bias += bias_update

    def extra_repr(self) -> str:
        size = f"{self.weight.shape[1]} -> {self.weight.shape[0]}"
        return size if self.bias is not None else size + ", without bias"


def examples() -> list[Case]:
    """The conformance kit's cases for Linear."""
    return [
        Case(Linear(5, 3), input_shape=(4, 5), batched=True),
        Case(Linear(5, 3), input_shape=(5,)),
        Case(Linear(4, 2, bias=False), input_shape=(3, 4), batched=True),
    ]
