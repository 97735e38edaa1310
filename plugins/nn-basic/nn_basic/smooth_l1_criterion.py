"""SmoothL1Criterion: the Huber loss with threshold 1."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import normal_like
from ._criteria_util import AveragedCriterion, float_pair, norm


class SmoothL1Criterion(AveragedCriterion):
    """``loss = sum(0.5 d**2 if |d| < 1 else |d| - 0.5) / n`` for ``d = x - t`` (``/ n`` only
    with ``size_average``); ``dx = clip(d, -1, 1) / n`` (torch/nn ``SmoothL1Criterion``).

    >>> import numpy as np
    >>> SmoothL1Criterion(size_average=False).forward(np.array([0.5, 3.0]), np.zeros(2))
    2.625
    """

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        d = np.abs(input - float_pair(input, target)[1])
        return float(np.sum(np.where(d < 1, 0.5 * d**2, d - 0.5))) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        d = input - float_pair(input, target)[1]
        return np.clip(d, -1, 1) * norm(self, input.size)


def examples() -> list[Case]:
    """The conformance kit's cases for SmoothL1Criterion."""
    return [
        Case(
            SmoothL1Criterion(), input_shape=(4, 3), target=lambda rng, x: 2 * normal_like(rng, x)
        ),
        Case(SmoothL1Criterion(size_average=False), input_shape=(5,), target=normal_like),
    ]
