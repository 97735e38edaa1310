"""Euclidean: distances from the input to learnable templates."""

from __future__ import annotations

import math

import numpy as np

from nncore import Module

from ._rows import as_rows, grad_rows, uniform, uniform_bound


class Euclidean(Module):
    """``y_j = ||x - w_j||`` for the columns ``w_j`` of ``weight`` ``(input_size, output_size)``
    (torch/nn ``Euclidean``).  Input ``(input_size,)`` or ``(batch, input_size)``.

    ``dx = sum_j dy_j (x - w_j) / y_j`` and ``dw_j -= dy_j (x - w_j) / y_j``, with ``1e-7`` added
    to ``y_j`` against division by zero as in torch/nn.  ``reset(stdv)`` draws from
    ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default ``a = 1 / sqrt(input_size)``.

    >>> import numpy as np
    >>> m = Euclidean(2, 1)
    >>> m.weight[...] = [[0.0], [0.0]]
    >>> m.forward(np.array([3.0, 4.0]))
    array([5.])
    """

    parameter_names = ("weight",)

    def __init__(self, input_size: int, output_size: int) -> None:
        super().__init__()
        self.weight = np.empty((input_size, output_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.reset()

    def reset(self, stdv: float | None = None) -> Euclidean:
        bound = uniform_bound(stdv, 1 / math.sqrt(self.weight.shape[0]))
        self.weight[...] = uniform(self.weight.shape, bound)
        return self

    def _difference(self, input: np.ndarray) -> np.ndarray:
        """``x - w_j`` as ``(batch, input_size, output_size)``."""
        return as_rows(input, self.weight.shape[0])[:, :, None] - self.weight

    def _weighted(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        """``dy_j (x - w_j) / y_j``, ``(batch, input_size, output_size)``."""
        diff = self._difference(input)
        dy = grad_rows(grad_output, input.shape[:-1] + self.weight.shape[1:])
        distance = np.sqrt(np.sum(diff**2, axis=1))
        return diff * (dy / (distance + 1e-7))[:, None, :]

    def update_output(self, input: np.ndarray) -> np.ndarray:
        distance = np.sqrt(np.sum(self._difference(input) ** 2, axis=1))
        return distance.reshape(input.shape[:-1] + self.weight.shape[1:])

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return self._weighted(input, grad_output).sum(axis=2).reshape(input.shape)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        self.grad_weight -= scale * self._weighted(input, grad_output).sum(axis=0)

    def extra_repr(self) -> str:
        return f"{self.weight.shape[0]} -> {self.weight.shape[1]}"
