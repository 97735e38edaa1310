"""CosineEmbeddingCriterion: a cosine-similarity loss on pairs."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case

from ._cases import equal_pair, sign_targets
from ._criteria_util import MarginedCriterion, float_table, norm, signs

EPS = 1e-12  # added to squared norms, as torch/nn does, so zero vectors do not divide by 0


class CosineEmbeddingCriterion(MarginedCriterion):
    """For pairs ``[x1, x2]`` of ``(dim,)`` or ``(batch, dim)`` arrays and labels ``y`` in
    {1, -1} (one per example; a number for a single pair):
    ``loss = sum(1 - cos(x1, x2) if y == 1 else max(0, cos(x1, x2) - margin)) / batch``
    (``/ batch`` only with ``size_average``; torch/nn ``CosineEmbeddingCriterion``).

    >>> import numpy as np
    >>> pair = [np.array([1.0, 0.0]), np.array([1.0, 1.0])]
    >>> round(CosineEmbeddingCriterion().forward(pair, -1), 6)  # cos = 0.707107 > margin 0
    0.707107
    """

    def __init__(self, margin: float = 0.0, size_average: bool = True) -> None:
        super().__init__(margin, size_average)

    def _pairs(self, input: Any, target: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x1, x2 = (np.atleast_2d(x) for x in float_table(input, 2))
        return x1, x2, signs(target, x1.shape[:1])

    def update_output(self, input: list[np.ndarray], target: Any) -> float:
        x1, x2, y = self._pairs(input, target)
        cos = np.sum(x1 * x2, 1) / np.sqrt((np.sum(x1**2, 1) + EPS) * (np.sum(x2**2, 1) + EPS))
        terms = np.where(y == 1, 1 - cos, np.maximum(0, cos - self.margin))
        return float(np.sum(terms)) * norm(self, len(y))

    def update_grad_input(self, input: list[np.ndarray], target: Any) -> list[np.ndarray]:
        x1, x2, y = self._pairs(input, target)
        dot = np.sum(x1 * x2, 1, keepdims=True)
        n1, n2 = np.sum(x1**2, 1, keepdims=True) + EPS, np.sum(x2**2, 1, keepdims=True) + EPS
        scale = 1 / np.sqrt(n1 * n2)
        cos = (dot * scale)[:, 0]
        # d cos / d x1 = x2 / (|x1| |x2|) - cos x1 / |x1|^2, and symmetrically for x2
        d1, d2 = scale * x2 - dot * scale / n1 * x1, scale * x1 - dot * scale / n2 * x2
        sign = np.where(y == 1, -1.0, np.where(cos > self.margin, 1.0, 0.0))[:, None]
        factor = (sign * norm(self, len(y))).astype(x1.dtype)
        return [(factor * d).reshape(input[0].shape) for d in (d1, d2)]


def examples() -> list[Case]:
    """The conformance kit's cases for CosineEmbeddingCriterion."""
    return [
        Case(
            CosineEmbeddingCriterion(),
            input=equal_pair(4, 3),
            target=lambda rng, x: np.array([1.0, -1.0, 1.0, -1.0]),
        ),
        Case(CosineEmbeddingCriterion(-0.5, size_average=False), input=equal_pair(3), target=-1),
        Case(
            CosineEmbeddingCriterion(0.1),
            input=equal_pair(5, 2),
            target=lambda rng, x: sign_targets(rng, x[0][:, 0]),
        ),
    ]
