"""MultiMarginCriterion: the multi-class hinge loss."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Criterion, expect_float, expect_ndim

from ._cases import BAD_CLASSES, W3, random_classes
from ._criteria_util import as_weights, class_targets, expect_weights, norm


class MultiMarginCriterion(Criterion):
    """``loss = sum_{i != t} w[t] * max(0, margin - x[t] + x[i])**p / classes`` per example of
    ``(classes,)`` or ``(batch, classes)`` scores with 0-based targets ``t``, summed over the
    batch and divided by it with ``size_average``; ``p`` is 1 or 2 (torch/nn
    ``MultiMarginCriterion``; ``weights`` multiply the powered hinge, as torch/nn's code does).

    >>> import numpy as np
    >>> round(MultiMarginCriterion().forward(np.array([0.5, 1.0, 0.0]), 1), 6)  # 0.5 / 3
    0.166667
    """

    target_accepts = "index"

    buffer_names = ("weights",)

    def __init__(
        self, p: int = 1, weights: Any = None, margin: float = 1.0, size_average: bool = True
    ) -> None:
        super().__init__()
        if p not in (1, 2):
            raise ValueError(f"expected p = 1 or 2, got {p!r}")
        self.p = p
        self.weights = as_weights(weights)
        self.margin = margin
        self.size_average = size_average

    def _hinges(self, input: Any, target: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``z[i, j] = margin - x[i, t_i] + x[i, j]`` (-inf at ``j = t_i``), ``w[t_i]``, ``t``."""
        expect_ndim(expect_float(input), (1, 2))
        expect_weights(self.weights, input.shape[-1])
        classes = class_targets(target, input)
        x = input.reshape(-1, input.shape[-1])
        rows = np.arange(len(x))
        z = self.margin - x[rows, classes][:, None] + x
        z[rows, classes] = -np.inf
        w = np.ones(1, x.dtype) if self.weights is None else self.weights[classes][:, None]
        return z, w, classes

    def update_output(self, input: np.ndarray, target: Any) -> float:
        z, w, _ = self._hinges(input, target)
        return float(np.sum(w * np.maximum(z, 0) ** self.p)) * norm(self, len(z)) / z.shape[1]

    def update_grad_input(self, input: np.ndarray, target: Any) -> np.ndarray:
        z, w, classes = self._hinges(input, target)
        scale = norm(self, len(z)) / z.shape[1]
        slope = np.where(z > 0, self.p * np.maximum(z, 0) ** (self.p - 1), 0)
        grad = (w * slope * scale).astype(z.dtype, copy=False)
        grad[np.arange(len(z)), classes] = -grad.sum(axis=1)
        return grad.reshape(input.shape)


def examples() -> list[Case]:
    """The conformance kit's cases for MultiMarginCriterion."""
    return [
        Case(
            MultiMarginCriterion(),
            input_shape=(4, 3),
            target=random_classes,
            bad_inputs=BAD_CLASSES,
        ),
        Case(MultiMarginCriterion(2, W3, 0.5), input_shape=(5, 3), target=random_classes),
        Case(
            MultiMarginCriterion(1, margin=2.0, size_average=False),
            input_shape=(4,),
            target=random_classes,
        ),
    ]
