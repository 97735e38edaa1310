"""L1HingeEmbeddingCriterion: a hinge loss on the L1 distance of a pair."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Criterion

from ._cases import equal_pair
from ._criteria_util import float_table, signs


class L1HingeEmbeddingCriterion(Criterion):
    """For a pair ``[x1, x2]`` and a label ``y`` in {1, -1}, with ``d = ||x1 - x2||_1``:
    ``loss = d`` if ``y == 1`` else ``max(0, margin - d)``;
    ``dx1 = -dx2 = sign(x1 - x2)``, negated for ``y == -1`` and 0 once ``d > margin``
    (torch/nn ``L1HingeEmbeddingCriterion``).

    >>> import numpy as np
    >>> L1HingeEmbeddingCriterion(2.0).forward([np.array([1.0, 0.0]), np.array([0.5, 0.0])], -1)
    1.5
    """

    def __init__(self, margin: float = 1.0) -> None:
        super().__init__()
        self.margin = margin

    def update_output(self, input: list[np.ndarray], target: Any) -> float:
        x1, x2 = float_table(input, 2)
        d = float(np.sum(np.abs(x1 - x2)))
        return d if signs(target, ())[()] == 1 else max(0.0, self.margin - d)

    def update_grad_input(self, input: list[np.ndarray], target: Any) -> list[np.ndarray]:
        x1, x2 = float_table(input, 2)
        grad = np.sign(x1 - x2)
        if signs(target, ())[()] == -1:
            grad = np.zeros_like(grad) if np.sum(np.abs(x1 - x2)) > self.margin else -grad
        return [grad, -grad]


def examples() -> list[Case]:
    """The conformance kit's cases for L1HingeEmbeddingCriterion."""
    return [
        Case(L1HingeEmbeddingCriterion(), input=equal_pair(5), target=1),
        Case(
            L1HingeEmbeddingCriterion(20.0),
            input=equal_pair(2, 3),
            target=-1,
            bad_inputs=[
                ("not an array", None),
                ([np.zeros(2)], 1),
                ([np.zeros(2), np.zeros(2)], 0),
            ],
        ),
    ]
