"""WeightedEuclidean: diagonally weighted distances to learnable templates."""

from __future__ import annotations

import math

import numpy as np

from nncore import Module

from ._rows import as_rows, grad_rows, uniform, uniform_bound


class WeightedEuclidean(Module):
    """``y_j = ||c_j * (x - w_j)||`` for the columns ``w_j`` of ``weight`` and ``c_j`` of
    ``diag_cov``, both ``(input_size, output_size)`` (torch/nn ``WeightedEuclidean``).

    With ``d_j = dy_j / y_j`` (``1e-7`` added to ``y_j`` as in torch/nn):
    ``dx = sum_j d_j c_j**2 (x - w_j)``, ``dw_j -= d_j c_j**2 (x - w_j)``,
    ``dc_j += d_j c_j (x - w_j)**2``.  ``reset(stdv)`` draws ``weight`` from ``U(-a, a)``,
    ``a = stdv * sqrt(3)``, by default ``1 / sqrt(input_size)``, and sets ``diag_cov`` to 1.

    >>> import numpy as np
    >>> m = WeightedEuclidean(2, 1)
    >>> m.weight[...] = 0.0
    >>> m.diag_cov[...] = [[2.0], [1.0]]
    >>> m.forward(np.array([2.0, 3.0]))
    array([5.])
    """

    parameter_names = ("weight", "diag_cov")

    def __init__(self, input_size: int, output_size: int) -> None:
        super().__init__()
        self.weight = np.empty((input_size, output_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.diag_cov = np.ones((input_size, output_size))
        self.grad_diag_cov = np.zeros_like(self.diag_cov)
        self.reset()

    def reset(self, stdv: float | None = None) -> WeightedEuclidean:
        bound = uniform_bound(stdv, 1 / math.sqrt(self.weight.shape[0]))
        self.weight[...] = uniform(self.weight.shape, bound)
        self.diag_cov[...] = 1
        return self

    def _difference(self, input: np.ndarray) -> np.ndarray:
        """``x - w_j`` as ``(batch, input_size, output_size)``."""
        return as_rows(input, self.weight.shape[0])[:, :, None] - self.weight

    def _ratio(self, diff: np.ndarray, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        """``dy_j / y_j`` as ``(batch, 1, output_size)``."""
        dy = grad_rows(grad_output, input.shape[:-1] + self.weight.shape[1:])
        distance = np.sqrt(np.sum((self.diag_cov * diff) ** 2, axis=1))
        return (dy / (distance + 1e-7))[:, None, :]

    def update_output(self, input: np.ndarray) -> np.ndarray:
        distance = np.sqrt(np.sum((self.diag_cov * self._difference(input)) ** 2, axis=1))
        return distance.reshape(input.shape[:-1] + self.weight.shape[1:])

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        diff = self._difference(input)
        weighted = self._ratio(diff, input, grad_output) * self.diag_cov**2 * diff
        return weighted.sum(axis=2).reshape(input.shape)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        diff = self._difference(input)
        ratio = self._ratio(diff, input, grad_output)
        self.grad_weight -= scale * np.sum(ratio * self.diag_cov**2 * diff, axis=0)
        self.grad_diag_cov += scale * np.sum(ratio * self.diag_cov * diff**2, axis=0)

    def extra_repr(self) -> str:
        return f"{self.weight.shape[0]} -> {self.weight.shape[1]}"
