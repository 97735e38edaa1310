"""CrossEntropyCriterion: LogSoftMax followed by ClassNLLCriterion, in one criterion."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_CLASSES, W3, random_classes
from ._criteria_util import ClassWeightedCriterion, class_rows
from ._softmax import log_softmax


class CrossEntropyCriterion(ClassWeightedCriterion):
    """``loss = sum_i w[t_i] * (log(sum_j exp(x[i, j])) - x[i, t_i]) / sum_i w[t_i]`` for raw
    class scores ``x`` (``(classes,)`` or ``(batch, classes)``) and 0-based classes ``t``; the
    division only with ``size_average``.  ``dx[i] = w[t_i] * (softmax(x[i]) - onehot(t_i)) /
    sum_i w[t_i]`` (torch/nn ``CrossEntropyCriterion``).

    >>> import numpy as np
    >>> round(CrossEntropyCriterion().forward(np.zeros(4), 2), 6)
    1.386294
    """

    target_accepts = "index"

    def update_output(self, input: np.ndarray, target: Any) -> float:
        rows, picked, w = class_rows(self, input, target)
        return -float(np.sum(w * log_softmax(rows)[picked]))

    def update_grad_input(self, input: np.ndarray, target: Any) -> np.ndarray:
        rows, picked, w = class_rows(self, input, target)
        grad = np.exp(log_softmax(rows)) * w[:, None]
        grad[picked] -= w
        return grad.reshape(input.shape)


def examples() -> list[Case]:
    """The conformance kit's cases for CrossEntropyCriterion."""
    return [
        Case(
            CrossEntropyCriterion(),
            input_shape=(4, 3),
            target=random_classes,
            bad_inputs=BAD_CLASSES,
        ),
        Case(
            CrossEntropyCriterion(W3, size_average=False), input_shape=(3,), target=random_classes
        ),
        Case(CrossEntropyCriterion(W3), input_shape=(5, 3), target=random_classes),
    ]
