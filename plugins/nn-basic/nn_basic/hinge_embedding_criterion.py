"""HingeEmbeddingCriterion: a hinge loss on distances of similar / dissimilar pairs."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, expect_float

from ._cases import sign_targets
from ._criteria_util import MarginedCriterion, norm, signs


class HingeEmbeddingCriterion(MarginedCriterion):
    """``loss = sum(x if y == 1 else max(0, margin - x)) / n`` for labels ``y`` in {1, -1}
    (a number, or an array shaped like ``x``; ``/ n`` only with ``size_average``);
    ``dx = y / n``, 0 where ``y == -1`` and ``x > margin`` (torch/nn ``HingeEmbeddingCriterion``).

    >>> import numpy as np
    >>> HingeEmbeddingCriterion(size_average=False).forward(np.array([0.3, 0.2]), np.array([1, -1]))
    1.1
    """

    def update_output(self, input: np.ndarray, target: Any) -> float:
        y = signs(target, expect_float(input).shape)
        terms = np.where(y == 1, input, np.maximum(0, self.margin - input))
        return float(np.sum(terms)) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: Any) -> np.ndarray:
        y = signs(target, expect_float(input).shape)
        grad = np.where((y == -1) & (input > self.margin), 0, y).astype(input.dtype)
        return grad * norm(self, input.size)


def examples() -> list[Case]:
    """The conformance kit's cases for HingeEmbeddingCriterion."""
    return [
        Case(
            HingeEmbeddingCriterion(),
            input_shape=(4, 3),
            target=sign_targets,
            bad_inputs=[("not an array", None), (np.zeros(2), np.array([1.0, 0.0]))],
        ),
        Case(
            HingeEmbeddingCriterion(0.5, size_average=False),
            input_shape=(5,),
            target=lambda rng, x: -1,
        ),
    ]
