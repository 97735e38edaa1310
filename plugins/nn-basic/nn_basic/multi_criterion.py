"""MultiCriterion: a weighted sum of criteria, all applied to the same input and target."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case

from ._cases import equal_pair, normal_like, random_classes
from ._criteria_util import WeightedCriteria, add_scaled, zeros_like_table
from .abs_criterion import AbsCriterion
from .class_nll_criterion import ClassNLLCriterion
from .cosine_embedding_criterion import CosineEmbeddingCriterion
from .cross_entropy_criterion import CrossEntropyCriterion
from .mse_criterion import MSECriterion


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
        return float(
            sum(
                float(w) * c.forward(input, target)
                for w, c in zip(self.weights, self.criterions, strict=True)
            )
        )

    def update_grad_input(self, input: Any, target: Any) -> Any:
        grad = zeros_like_table(input)
        for weight, criterion in zip(self.weights, self.criterions, strict=True):
            grad = add_scaled(grad, float(weight), criterion.backward(input, target))
        return grad


def examples() -> list[Case]:
    """The conformance kit's cases for MultiCriterion."""
    return [
        Case(
            MultiCriterion().add(MSECriterion(), 0.5).add(AbsCriterion()),
            input_shape=(3, 2),
            target=normal_like,
        ),
        Case(
            MultiCriterion().add(ClassNLLCriterion(), 0.5).add(CrossEntropyCriterion()),
            input_shape=(2, 4),
            target=random_classes,
        ),
        Case(
            MultiCriterion().add(CosineEmbeddingCriterion(), 2.0),
            input=equal_pair(3, 2),
            target=lambda rng, x: np.array([1.0, -1.0, 1.0]),
        ),
    ]
