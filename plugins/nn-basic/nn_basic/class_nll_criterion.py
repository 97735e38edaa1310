"""ClassNLLCriterion: the negative log-likelihood of the target classes."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_CLASSES, W3, random_classes
from ._criteria_util import ClassWeightedCriterion, class_rows


class ClassNLLCriterion(ClassWeightedCriterion):
    """``loss = -sum_i w[t_i] * x[i, t_i] / sum_i w[t_i]`` (torch/nn ``ClassNLLCriterion``).

    ``input`` holds log-probabilities, ``(classes,)`` for one example or ``(batch, classes)``;
    ``target`` holds 0-based classes (an int for one example).  ``w`` are the class
    ``weights`` (1 without them, 0 for targets equal to ``ignore_index``); the division by their
    sum happens only with ``size_average``.  ``dx[i, t_i] = -w[t_i] / sum_i w[t_i]``.

    >>> import numpy as np
    >>> ClassNLLCriterion().forward(np.log([[0.5, 0.5], [0.25, 0.75]]), np.array([0, 1]))
    0.4904146265058631
    """

    target_accepts = "index"

    def __init__(
        self, weights: Any = None, size_average: bool = True, ignore_index: int = -100
    ) -> None:
        super().__init__(weights, size_average)
        self.ignore_index = ignore_index

    def update_output(self, input: np.ndarray, target: Any) -> float:
        rows, picked, w = class_rows(self, input, target)
        terms = rows[picked]
        terms *= w  # (a fresh array: the indexing copied)
        return -float(np.add.reduce(terms, axis=None))  # np.sum without its wrapper

    def update_grad_input(self, input: np.ndarray, target: Any) -> np.ndarray:
        rows, picked, w = class_rows(self, input, target)
        grad = np.zeros(rows.shape, rows.dtype)
        grad[picked] = -w
        return grad.reshape(input.shape)


def examples() -> list[Case]:
    """The conformance kit's cases for ClassNLLCriterion."""
    return [
        Case(
            ClassNLLCriterion(), input_shape=(4, 3), target=random_classes, bad_inputs=BAD_CLASSES
        ),
        Case(ClassNLLCriterion(size_average=False), input_shape=(3,), target=random_classes),
        Case(
            ClassNLLCriterion(W3),
            input_shape=(5, 3),
            target=lambda rng, x: np.array([0, 1, 2, 1, 0]),
        ),
        Case(
            ClassNLLCriterion(W3, False, ignore_index=1),
            input_shape=(4, 3),
            target=lambda rng, x: np.array([0.0, 1.0, 2.0, 1.0]),
        ),
    ]
