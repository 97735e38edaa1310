"""WeightedMSECriterion: mean squared error against a weighted target."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, ShapeError, expect_array, expect_float

from ._cases import W3, normal_like
from .mse_criterion import MSECriterion


class WeightedMSECriterion(MSECriterion):
    """``loss = sum((x - w * t)**2) / n``, ``dx = 2 (x - w * t) / n`` (``/ n`` only with
    ``size_average``; torch/nn ``WeightedMSECriterion``: the weight scales the *target*).

    ``weight`` has the shape of the input, or of one example of a batch (then every example of
    the batch is weighted alike).

    >>> import numpy as np
    >>> WeightedMSECriterion(np.array([2.0, 1.0])).forward(np.ones(2), np.ones(2))
    0.5
    """

    buffer_names = ("weight",)

    def __init__(self, weight: Any, size_average: bool = True) -> None:
        super().__init__(size_average)
        self.weight = np.array(weight, dtype=np.float64)

    def _weighted(self, input: Any, target: Any) -> np.ndarray:
        shape = expect_float(input).shape
        if self.weight.shape not in (shape, shape[1:]):
            raise ShapeError(
                f"expected input of shape {self.weight.shape} or (batch, "
                f"{', '.join(map(str, self.weight.shape))}) to match the weight, "
                f"got shape {shape}"
            )
        return expect_float(expect_array(target, "target"), "target") * self.weight

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        return super().update_output(input, self._weighted(input, target))

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return super().update_grad_input(input, self._weighted(input, target))


def examples() -> list[Case]:
    """The conformance kit's cases for WeightedMSECriterion."""
    return [
        Case(WeightedMSECriterion(W3), input_shape=(4, 3), target=normal_like),
        Case(
            WeightedMSECriterion(np.arange(6.0).reshape(2, 3), size_average=False),
            input_shape=(2, 3),
            target=normal_like,
            bad_inputs=[("not an array", None), (np.zeros((3, 2)), np.zeros((3, 2)))],
        ),
    ]
