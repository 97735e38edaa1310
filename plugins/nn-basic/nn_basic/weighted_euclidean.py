"""WeightedEuclidean: diagonally weighted distances to learnable templates."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._distance import TemplateDistance


class WeightedEuclidean(TemplateDistance):
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
        super().__init__(input_size, output_size)
        self.diag_cov = np.ones((input_size, output_size))
        self.grad_diag_cov = np.zeros_like(self.diag_cov)
        self.reset()

    def reset(self, stdv: float | None = None) -> WeightedEuclidean:
        super().reset(stdv)
        self.diag_cov[...] = 1
        return self

    def scaling(self) -> np.ndarray:
        return self.diag_cov

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        diff, weighted, ratio = self._weighted(input, grad_output)
        self.grad_weight -= scale * weighted.sum(axis=0)
        self.grad_diag_cov += scale * np.sum(ratio * self.diag_cov * diff**2, axis=0)


def _weighted_euclidean() -> WeightedEuclidean:
    module = WeightedEuclidean(4, 3)
    module.diag_cov[...] = np.linspace(0.5, 1.5, module.diag_cov.size).reshape(4, 3)
    return module


def examples() -> list[Case]:
    """The conformance kit's cases for WeightedEuclidean."""
    return [
        Case(_weighted_euclidean(), input_shape=(2, 4), batched=True),
        Case(WeightedEuclidean(3, 2), input_shape=(3,)),
    ]
