"""MultiCriterion: a weighted sum of criteria, all applied to the same input and target."""

from __future__ import annotations

from typing import Any

from ._criteria_util import WeightedCriteria, add_scaled, zeros_like_table


class MultiCriterion(WeightedCriteria):
    """``loss = sum_k weight_k * criterion_k(input, target)``; children are added with
    ``add(criterion, weight=1)`` (torch/nn ``MultiCriterion``).

    >>> import numpy as np
    >>> from nncore import nn
    >>> crit = MultiCriterion().add(nn.MSECriterion(), 0.5).add(nn.AbsCriterion())
    >>> crit.forward(np.array([2.0]), np.array([0.0]))
    4.0
    """

    def update_output(self, input: Any, target: Any) -> float:
        return float(sum(float(w) * c.forward(input, target)
                         for w, c in zip(self.weights, self.criterions, strict=True)))

    def update_grad_input(self, input: Any, target: Any) -> Any:
        grad = zeros_like_table(input)
        for weight, criterion in zip(self.weights, self.criterions, strict=True):
            grad = add_scaled(grad, float(weight), criterion.backward(input, target))
        return grad
