"""ClassSimplexCriterion: MSE to the class's vertex of a regular simplex."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, expect_float, expect_ndim, expect_size

from ._cases import random_classes
from ._criteria_util import class_targets
from .mse_criterion import MSECriterion


def _regular_simplex(n: int) -> np.ndarray:
    """The ``n + 1`` unit vertices (rows) of a regular simplex centred at 0 in ``R^n``."""
    a = np.zeros((n + 1, n))
    for k in range(n):
        a[k, k] = 1.0 if k == 0 else np.sqrt(1 - np.sum(a[k, :k] ** 2))
        a[k + 1 :, k] = (a[k, k] ** 2 - 1 - 1 / n) / a[k, k]
    return a


class ClassSimplexCriterion(MSECriterion):
    """``loss = MSE(x, simplex[t])``: each of ``n_classes`` classes (0-based ``t``) is a vertex
    of a regular simplex embedded in ``R^n_classes`` (torch/nn ``ClassSimplexCriterion``, from
    "Scale-invariant learning and convolutional networks", arXiv:1506.08230).

    Input ``(n_classes,)`` with an int target, or ``(batch, n_classes)`` with one target per row.

    >>> import numpy as np
    >>> crit = ClassSimplexCriterion(3)
    >>> crit.forward(crit.simplex[[2, 0]], np.array([2, 0]))
    0.0
    """

    target_accepts = "index"

    buffer_names = ("simplex",)

    def __init__(self, n_classes: int, size_average: bool = True) -> None:
        super().__init__(size_average)
        if int(n_classes) != n_classes or n_classes < 2:
            raise ValueError(f"expected an integer n_classes > 1, got {n_classes!r}")
        self.n_classes = int(n_classes)
        vertices = _regular_simplex(self.n_classes - 1)
        self.simplex = np.hstack([vertices, np.zeros((self.n_classes, 1))])

    def _embedded(self, input: Any, target: Any) -> np.ndarray:
        expect_size(expect_ndim(expect_float(input), (1, 2)), -1, self.n_classes)
        return self.simplex[class_targets(target, input)].reshape(input.shape)

    def update_output(self, input: np.ndarray, target: Any) -> float:
        return super().update_output(input, self._embedded(input, target))

    def update_grad_input(self, input: np.ndarray, target: Any) -> np.ndarray:
        return super().update_grad_input(input, self._embedded(input, target))

    def get_predictions(self, input: np.ndarray) -> np.ndarray:
        """Scores ``(batch, n_classes)``: the input's dot products with every class vertex."""
        return np.atleast_2d(input) @ self.simplex.T

    def get_top_prediction(self, input: np.ndarray) -> np.ndarray:
        """The 0-based class of the highest score, per example."""
        return np.argmax(self.get_predictions(input), axis=-1)


def examples() -> list[Case]:
    """The conformance kit's cases for ClassSimplexCriterion."""
    return [
        Case(
            ClassSimplexCriterion(4),
            input_shape=(3, 4),
            target=random_classes,
            bad_inputs=[("not an array", None), (np.zeros((2, 4)), np.array([0, 4]))],
        ),
        Case(ClassSimplexCriterion(3, size_average=False), input_shape=(3,), target=random_classes),
    ]
