"""Cosine: cosine similarities between the input and learnable templates."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import POSITIVE, Case, Module

from ._rows import as_rows, grad_rows, reset_uniform


class Cosine(Module):
    """``y_j = <w_j, x> / (||w_j|| ||x||)`` for the rows ``w_j`` of ``weight``
    ``(output_size, input_size)`` (torch/nn ``Cosine``; ``1e-12`` is added to both norms).

    ``dx = sum_j dy_j (w_j / (||w_j|| ||x||) - y_j x / ||x||**2)`` and
    ``dw_j += dy_j (x / (||w_j|| ||x||) - y_j w_j / ||w_j||**2)``.  ``reset(stdv)`` draws from
    ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default ``1 / sqrt(output_size)`` as in torch/nn.

    >>> import numpy as np
    >>> m = Cosine(2, 1)
    >>> m.weight[...] = [[1.0, 1.0]]
    >>> np.round(m.forward(np.array([2.0, 0.0])), 6)
    array([0.707107])
    """

    parameter_names = ("weight",)
    argument_ranges = {"input_size": POSITIVE, "output_size": POSITIVE}

    def __init__(self, input_size: int, output_size: int) -> None:
        super().__init__()
        self.weight = np.empty((output_size, input_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.reset()

    def reset(self, stdv: float | None = None) -> Cosine:
        reset_uniform(stdv, 1 / math.sqrt(self.weight.shape[0]), self.weight)
        return self

    def _parts(self, input: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Rows of the input, their norms ``(batch, 1)``, the weight norms ``(output,)`` and
        the similarities ``(batch, output)``."""
        x = as_rows(input, self.weight.shape[1])
        x_norm = np.linalg.norm(x, axis=1, keepdims=True) + 1e-12
        w_norm = np.linalg.norm(self.weight, axis=1) + 1e-12
        return x, x_norm, w_norm, (x @ self.weight.T) / (x_norm * w_norm)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        similarity = self._parts(input)[3]
        return similarity.reshape(input.shape[:-1] + self.weight.shape[:1])

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, x_norm, w_norm, y = self._parts(input)
        dy = grad_rows(grad_output, input.shape[:-1] + self.weight.shape[:1])
        along = np.sum(dy * y, axis=1, keepdims=True)
        grad = ((dy / w_norm) @ self.weight - along * x / x_norm) / x_norm
        return grad.reshape(input.shape)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, x_norm, w_norm, y = self._parts(input)
        dy = grad_rows(grad_output, input.shape[:-1] + self.weight.shape[:1])
        toward_input = (dy / w_norm).T @ (x / x_norm)
        along = np.sum(dy * y, axis=0) / w_norm**2
        self.grad_weight += scale * (toward_input - along[:, None] * self.weight)

    def extra_repr(self) -> str:
        return f"{self.weight.shape[1]} -> {self.weight.shape[0]}"


def examples() -> list[Case]:
    """The conformance kit's cases for Cosine."""
    return [
        Case(Cosine(4, 3), input_shape=(2, 4), batched=True),
        Case(Cosine(3, 2), input_shape=(3,)),
    ]
