"""MarginRankingCriterion: a hinge loss asking one input to rank above the other."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, expect_ndim

from ._cases import equal_pair, sign_targets
from ._criteria_util import MarginedCriterion, float_table, norm, signs


class MarginRankingCriterion(MarginedCriterion):
    """For ``[x1, x2]`` (scores, one per example) and labels ``y`` in {1, -1} (``y == 1``: ``x1``
    should rank higher): ``loss = sum(max(0, -y (x1 - x2) + margin)) / batch`` (``/ batch`` only
    with ``size_average``); ``dx1 = -dx2 = -y / batch`` where the hinge is active
    (torch/nn ``MarginRankingCriterion``).  A single example is a pair of one-element arrays
    with a number ``y``.

    >>> import numpy as np
    >>> MarginRankingCriterion(0.5).forward([np.array([1.0]), np.array([2.0])], 1)
    1.5
    """

    def _scores(self, input: Any, target: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x1, x2 = float_table(input, 2)
        expect_ndim(x1, 1, "input[0]")
        return x1, x2, signs(target, x1.shape)

    def update_output(self, input: list[np.ndarray], target: Any) -> float:
        x1, x2, y = self._scores(input, target)
        return float(np.sum(np.maximum(0, -y * (x1 - x2) + self.margin))) * norm(self, y.size)

    def update_grad_input(self, input: list[np.ndarray], target: Any) -> list[np.ndarray]:
        x1, x2, y = self._scores(input, target)
        active = -y * (x1 - x2) + self.margin >= 0
        grad = (np.where(active, -y, 0) * norm(self, y.size)).astype(x1.dtype)
        return [grad, -grad]


def examples() -> list[Case]:
    """The conformance kit's cases for MarginRankingCriterion."""
    return [
        Case(
            MarginRankingCriterion(),
            input=equal_pair(5),
            target=lambda rng, x: sign_targets(rng, x[0]),
            bad_inputs=[("not an array", None), ([np.zeros((2, 2))] * 2, np.ones(2))],
        ),
        Case(MarginRankingCriterion(0.5, size_average=False), input=equal_pair(1), target=-1),
    ]
