"""MultiLabelSoftMarginCriterion: one-versus-all logistic loss over independent labels."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import W3, bit_targets
from ._criteria_util import ClassWeightedCriterion, norm, weighted_pair
from ._pointwise import sigmoid


class MultiLabelSoftMarginCriterion(ClassWeightedCriterion):
    """``loss = sum w * (log(1 + exp(x)) - t x) / n``, the binary cross-entropy of
    ``sigmoid(x)`` with 0/1 targets ``t`` in a stable form (``/ n`` only with ``size_average``,
    n = number of elements); ``dx = w * (sigmoid(x) - t) / n``
    (torch/nn ``MultiLabelSoftMarginCriterion``).

    ``weights`` (optional) has one entry per class, the last dimension of the input.

    >>> import numpy as np
    >>> round(MultiLabelSoftMarginCriterion().forward(np.zeros((1, 2)), np.array([[1, 0]])), 6)
    0.693147
    """

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        w = weighted_pair(self, input, target)
        return float(np.sum(w * (np.logaddexp(0, input) - target * input))) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        w = weighted_pair(self, input, target)
        return w * (sigmoid(input) - target) * norm(self, input.size)


def examples() -> list[Case]:
    """The conformance kit's cases for MultiLabelSoftMarginCriterion."""
    return [
        Case(MultiLabelSoftMarginCriterion(), input_shape=(4, 3), target=bit_targets),
        Case(MultiLabelSoftMarginCriterion(W3, False), input_shape=(3,), target=bit_targets),
    ]
