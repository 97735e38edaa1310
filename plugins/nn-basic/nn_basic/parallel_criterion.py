"""ParallelCriterion: a weighted sum of criteria, each applied to its own input (and target)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case

from ._cases import equal_pair
from ._criteria_util import WeightedCriteria, add_scaled, expect_list, zeros_like_table
from .abs_criterion import AbsCriterion
from .class_nll_criterion import ClassNLLCriterion
from .mse_criterion import MSECriterion


class ParallelCriterion(WeightedCriteria):
    """``loss = sum_k weight_k * criterion_k(input[k], target[k])`` for list inputs and targets;
    with ``repeat_target`` every criterion gets the whole ``target``.  Children are added with
    ``add(criterion, weight=1)`` (torch/nn ``ParallelCriterion``).

    >>> import numpy as np
    >>> from nncore import nn
    >>> crit = ParallelCriterion().add(nn.MSECriterion(), 0.5).add(nn.AbsCriterion())
    >>> crit.forward([np.array([2.0]), np.array([1.0])], [np.array([0.0]), np.array([0.0])])
    3.0
    """

    def __init__(self, repeat_target: bool = False) -> None:
        super().__init__()
        self.repeat_target = repeat_target

    def _branches(self, input: Any, target: Any) -> list[tuple[float, Any, Any, Any]]:
        """``(weight, criterion, input[k], target[k])`` for every child ``k``."""
        count = len(self.criterions)
        expect_list(input, count, "input")
        targets = [target] * count if self.repeat_target else expect_list(target, count, "target")
        weights = [float(w) for w in self.weights]
        return list(zip(weights, self.criterions, input[:count], targets[:count], strict=True))

    def update_output(self, input: list[Any], target: Any) -> float:
        return float(sum(w * c.forward(x, t) for w, c, x, t in self._branches(input, target)))

    def update_grad_input(self, input: list[Any], target: Any) -> list[Any]:
        grad = zeros_like_table(input)
        for k, (weight, criterion, x, t) in enumerate(self._branches(input, target)):
            grad[k] = add_scaled(grad[k], weight, criterion.backward(x, t))
        return grad


def examples() -> list[Case]:
    """The conformance kit's cases for ParallelCriterion."""
    return [
        Case(
            ParallelCriterion().add(ClassNLLCriterion(), 0.5).add(MSECriterion()),
            input=equal_pair(2, 3),
            target=lambda rng, x: [np.array([2, 0]), rng.standard_normal((2, 3))],
            bad_inputs=[("not an array", None), ([np.zeros((2, 3))], None)],
        ),
        Case(
            ParallelCriterion(True).add(MSECriterion()).add(AbsCriterion(), 3.0),
            input=equal_pair(3),
            target=lambda rng, x: rng.standard_normal(3),
        ),
    ]
