"""BCECriterion: binary cross-entropy of probabilities."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, InputError

from ._cases import W3, bit_targets
from ._criteria_util import ClassWeightedCriterion, norm, weighted_pair

EPS = 1e-12  # keeps log finite at probabilities 0 and 1, as torch/nn does


class BCECriterion(ClassWeightedCriterion):
    """``loss = -sum w * (t log(x + eps) + (1 - t) log(1 - x + eps)) / n`` for probabilities
    ``x`` in [0, 1] (``/ n`` only with ``size_average``, n = number of elements);
    ``dx = -w * (t / (x + eps) - (1 - t) / (1 - x + eps)) / n`` (torch/nn ``BCECriterion``).

    ``weights`` (optional) has one entry per element of the last dimension of the input.

    >>> import numpy as np
    >>> round(BCECriterion().forward(np.array([0.5, 0.5]), np.array([1.0, 0.0])), 6)
    0.693147
    """

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        w = weighted_pair(self, input, target)
        # two reductions rather than two comparisons, their union and any(); a NaN passes both
        # checks alike
        if input.size and (
            np.minimum.reduce(input, axis=None) < 0 or np.maximum.reduce(input, axis=None) > 1
        ):
            raise InputError(
                f"expected input values between 0 and 1, got min {input.min()}, max {input.max()}"
            )
        terms = target * np.log(input + EPS) + (1 - target) * np.log(1 - input + EPS)
        if not isinstance(w, float):  # (without weights w is 1.0: the product is terms)
            terms = w * terms
        return -float(np.add.reduce(terms, axis=None)) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        w = weighted_pair(self, input, target)
        grad = -(target / (input + EPS) - (1 - target) / (1 - input + EPS))
        if not isinstance(w, float):
            grad = w * grad
        grad *= norm(self, input.size)  # (a new array: scaled in place)
        return grad


def examples() -> list[Case]:
    """The conformance kit's cases for BCECriterion."""
    return [
        Case(
            BCECriterion(),
            input=lambda rng: rng.uniform(0.05, 0.95, (4, 3)),
            target=bit_targets,
            bad_inputs=[("not an array", None), (np.array([1.5]), np.array([1.0]))],
        ),
        Case(
            BCECriterion(W3, size_average=False),
            input=lambda rng: rng.uniform(0.05, 0.95, (2, 3)),
            target=lambda rng, x: rng.uniform(0, 1, x.shape),
        ),
        Case(BCECriterion(W3), input=lambda rng: rng.uniform(0.05, 0.95, 3), target=bit_targets),
    ]
