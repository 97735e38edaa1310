"""MultiLabelSoftMarginCriterion: one-versus-all logistic loss over independent labels."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore import Criterion

from ._criteria_util import as_weights, float_pair, last_dim_weights, norm


class MultiLabelSoftMarginCriterion(Criterion):
    """``loss = sum w * (log(1 + exp(x)) - t x) / n``, the binary cross-entropy of
    ``sigmoid(x)`` with 0/1 targets ``t`` in a stable form (``/ n`` only with ``size_average``,
    n = number of elements); ``dx = w * (sigmoid(x) - t) / n``
    (torch/nn ``MultiLabelSoftMarginCriterion``).

    ``weights`` (optional) has one entry per class, the last dimension of the input.

    >>> import numpy as np
    >>> round(MultiLabelSoftMarginCriterion().forward(np.zeros((1, 2)), np.array([[1, 0]])), 6)
    0.693147
    """

    buffer_names = ("weights",)

    def __init__(self, weights: Any = None, size_average: bool = True) -> None:
        super().__init__()
        self.weights = as_weights(weights)
        self.size_average = size_average

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        float_pair(input, target)
        w = last_dim_weights(self.weights, input)
        return float(np.sum(w * (np.logaddexp(0, input) - target * input))) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        float_pair(input, target)
        w = last_dim_weights(self.weights, input)
        sigmoid = 0.5 * (1 + np.tanh(0.5 * input))
        return w * (sigmoid - target) * norm(self, input.size)
