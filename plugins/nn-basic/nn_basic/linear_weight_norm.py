"""LinearWeightNorm: a Linear layer whose weight rows are parametrised by direction and length."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, Module, matmul

from ._rows import reset_uniform
from .linear import Linear


class LinearWeightNorm(Linear):
    """``y = x @ weight.T + bias`` with ``weight = g * v / ||v||`` row by row (weight
    normalisation; torch/nn ``LinearWeightNorm``).

    The parameters are ``v`` ``(output_size, input_size)``, ``g`` ``(output_size, 1)`` and
    ``bias``; ``weight`` is recomputed from them at every forward (row norms clamped below at
    ``eps``).  With ``G = dy.T @ x``: ``dg += scale * sum(G * v, 1) / ||v||`` and
    ``dv += scale * (g / ||v||) * (G - v * sum(G * v, 1) / ||v||**2)``.  ``reset(stdv)`` draws
    a weight from ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default ``1 / sqrt(input_size)``,
    and sets ``v`` to it and ``g`` to its row norms.

    >>> LinearWeightNorm(10, 5)
    nn.LinearWeightNorm(10 -> 5)
    """

    parameter_names = ("v", "g", "bias")

    def __init__(
        self, input_size: int, output_size: int, bias: bool = True, eps: float = 1e-16
    ) -> None:
        Module.__init__(self)
        self.eps = eps
        self.v = np.empty((output_size, input_size))
        self.grad_v = np.zeros_like(self.v)
        self.g = np.empty((output_size, 1))
        self.grad_g = np.zeros_like(self.g)
        self.bias = np.empty(output_size) if bias else None
        self.grad_bias = np.zeros(output_size) if bias else None
        self.weight = np.empty_like(self.v)
        self.reset()

    def reset(self, stdv: float | None = None) -> LinearWeightNorm:
        reset_uniform(stdv, 1 / math.sqrt(self.v.shape[1]), self.v, self.bias)
        self.g[...] = self._norm()
        self.weight = self.g * self.v / self._norm()
        return self

    def _norm(self) -> np.ndarray:
        return np.maximum(np.linalg.norm(self.v, axis=1, keepdims=True), self.eps)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.weight = self.g * self.v / self._norm()
        return super().update_output(input)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        inputs, grads = np.atleast_2d(input), np.atleast_2d(grad_output)
        weight_grad = matmul(grads.T, inputs)
        norm = self._norm()
        along = np.sum(weight_grad * self.v, axis=1, keepdims=True) / norm
        self.grad_g += scale * along
        self.grad_v += scale * (self.g / norm) * (weight_grad - self.v * along / norm)
        if self.bias is not None:
            self.grad_bias += scale * grads.sum(axis=0)

    def extra_repr(self) -> str:
        size = f"{self.v.shape[1]} -> {self.v.shape[0]}"
        return size if self.bias is not None else size + ", without bias"


def examples() -> list[Case]:
    """The conformance kit's cases for LinearWeightNorm."""
    return [
        Case(LinearWeightNorm(5, 3), input_shape=(4, 5), batched=True),
        Case(LinearWeightNorm(4, 2, bias=False), input_shape=(4,)),
    ]
