"""MarginCriterion: the two-class hinge loss."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import sign_targets
from ._criteria_util import MarginedCriterion, float_pair, norm


class MarginCriterion(MarginedCriterion):
    """``loss = sum(max(0, margin - t * x)) / n`` for labels ``t`` in {1, -1} (``/ n`` only with
    ``size_average``); ``dx = -t / n`` where ``t * x < margin`` (torch/nn ``MarginCriterion``).

    >>> import numpy as np
    >>> MarginCriterion().forward(np.array([0.5, 2.0]), np.array([1.0, -1.0]))
    1.75
    """

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        float_pair(input, target)
        return float(np.sum(np.maximum(0, self.margin - input * target))) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        float_pair(input, target)
        active = input * target < self.margin
        return np.where(active, -target, 0).astype(input.dtype) * norm(self, input.size)


def examples() -> list[Case]:
    """The conformance kit's cases for MarginCriterion."""
    return [
        Case(MarginCriterion(), input_shape=(4, 3), target=sign_targets),
        Case(MarginCriterion(0.5, size_average=False), input_shape=(5,), target=sign_targets),
    ]
