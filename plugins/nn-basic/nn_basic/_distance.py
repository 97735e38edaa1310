"""The distance computation shared by Euclidean and WeightedEuclidean."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import POSITIVE, Module

from ._rows import as_rows, grad_rows, reset_uniform


class TemplateDistance(Module):
    """``y_j = ||c_j * (x - w_j)||`` for the columns ``w_j`` of ``weight`` ``(input_size,
    output_size)``; ``c_j`` is 1 unless a subclass's :meth:`scaling` says otherwise.
    Input ``(input_size,)`` or ``(batch, input_size)``.

    With ``d_j = dy_j / (y_j + 1e-7)`` (against division by zero, as in torch/nn):
    ``dx = sum_j d_j c_j**2 (x - w_j)`` and ``dw_j -= d_j c_j**2 (x - w_j)``.
    ``reset(stdv)`` draws ``weight`` from ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default
    ``a = 1 / sqrt(input_size)``.
    """

    parameter_names: tuple[str, ...] = ("weight",)
    argument_ranges = {"input_size": POSITIVE, "output_size": POSITIVE}

    def __init__(self, input_size: int, output_size: int) -> None:
        super().__init__()
        self.weight = np.empty((input_size, output_size))
        self.grad_weight = np.zeros_like(self.weight)

    def reset(self, stdv: float | None = None) -> TemplateDistance:
        reset_uniform(stdv, 1 / math.sqrt(self.weight.shape[0]), self.weight)
        return self

    def scaling(self) -> np.ndarray | float:
        """``c``, broadcasting against ``weight``."""
        return 1.0

    def _difference(self, input: np.ndarray) -> np.ndarray:
        """``x - w_j`` as ``(batch, input_size, output_size)``."""
        return as_rows(input, self.weight.shape[0])[:, :, None] - self.weight

    def _distance(self, diff: np.ndarray) -> np.ndarray:
        """``y`` as ``(batch, output_size)``."""
        return np.sqrt(np.sum((self.scaling() * diff) ** 2, axis=1))

    def _weighted(self, input: np.ndarray, grad_output: np.ndarray) -> tuple[np.ndarray, ...]:
        """``x - w_j`` and ``d_j c_j**2 (x - w_j)``, both ``(batch, input_size, output_size)``,
        and ``d_j`` as ``(batch, 1, output_size)``."""
        diff = self._difference(input)
        dy = grad_rows(grad_output, input.shape[:-1] + self.weight.shape[1:])
        ratio = (dy / (self._distance(diff) + 1e-7))[:, None, :]
        return diff, ratio * self.scaling() ** 2 * diff, ratio

    def update_output(self, input: np.ndarray) -> np.ndarray:
        distance = self._distance(self._difference(input))
        return distance.reshape(input.shape[:-1] + self.weight.shape[1:])

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return self._weighted(input, grad_output)[1].sum(axis=2).reshape(input.shape)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        self.grad_weight -= scale * self._weighted(input, grad_output)[1].sum(axis=0)

    def extra_repr(self) -> str:
        return f"{self.weight.shape[0]} -> {self.weight.shape[1]}"
