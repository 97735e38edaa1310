"""DistanceRatioCriterion: the soft-max probability of the similar pair being the closer one."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case

from ._criteria_util import AveragedCriterion, float_table, norm
from ._pointwise import sigmoid


class DistanceRatioCriterion(AveragedCriterion):
    """For distances ``[ds, dd]`` (similar pairs, dissimilar pairs; one per example) the loss
    ``-log(exp(-ds) / (exp(-ds) + exp(-dd)))`` summed, ``/ batch`` with ``size_average``;
    ``d ds = sigmoid(ds - dd) / batch = -d dd``.  There is no target (torch/nn
    ``DistanceRatioCriterion``, from "Unsupervised Learning through Spatial Contrasting",
    arXiv:1610.00243).

    >>> import numpy as np
    >>> round(DistanceRatioCriterion().forward([np.array([1.0]), np.array([1.0])]), 6)
    0.693147
    """

    def update_output(self, input: list[np.ndarray], target: Any = None) -> float:
        ds, dd = float_table(input, 2)
        return float(np.sum(ds + np.logaddexp(-ds, -dd))) * norm(self, len(np.atleast_1d(ds)))

    def update_grad_input(self, input: list[np.ndarray], target: Any = None) -> list[np.ndarray]:
        ds, dd = float_table(input, 2)
        grad = sigmoid(ds - dd) * norm(self, len(np.atleast_1d(ds)))
        return [grad, -grad]


def examples() -> list[Case]:
    """The conformance kit's cases for DistanceRatioCriterion."""
    return [
        Case(
            DistanceRatioCriterion(), input=lambda rng: [rng.uniform(0, 2, 4), rng.uniform(0, 2, 4)]
        ),
        Case(
            DistanceRatioCriterion(size_average=False),
            input=lambda rng: [rng.uniform(0, 2, (3, 1)), rng.uniform(0, 2, (3, 1))],
        ),
    ]
