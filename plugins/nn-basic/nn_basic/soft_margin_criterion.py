"""SoftMarginCriterion: the two-class logistic loss."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import sign_targets
from ._criteria_util import AveragedCriterion, float_pair, norm
from ._pointwise import sigmoid


class SoftMarginCriterion(AveragedCriterion):
    """``loss = sum(log(1 + exp(-t * x))) / n`` for labels ``t`` in {1, -1} (``/ n`` only with
    ``size_average``); ``dx = -t * sigmoid(-t * x) / n`` (torch/nn ``SoftMarginCriterion``).

    >>> import numpy as np
    >>> round(SoftMarginCriterion().forward(np.zeros(2), np.array([1.0, -1.0])), 6)
    0.693147
    """

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        float_pair(input, target)
        return float(np.sum(np.logaddexp(0, -target * input))) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        float_pair(input, target)
        return -target * sigmoid(-target * input) * norm(self, input.size)


def examples() -> list[Case]:
    """The conformance kit's cases for SoftMarginCriterion."""
    return [
        Case(SoftMarginCriterion(), input_shape=(4, 3), target=sign_targets),
        Case(SoftMarginCriterion(size_average=False), input_shape=(5,), target=sign_targets),
    ]
