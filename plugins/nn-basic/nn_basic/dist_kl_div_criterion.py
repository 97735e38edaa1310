"""DistKLDivCriterion: the Kullback-Leibler divergence from a target distribution."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._criteria_util import AveragedCriterion, float_pair, norm


class DistKLDivCriterion(AveragedCriterion):
    """``loss = sum_{t > 0} t * (log t - x) / n`` for log-probabilities ``x`` (``/ n`` only with
    ``size_average``, n = number of elements); ``dx = -t / n`` where ``t > 0``, else 0
    (torch/nn ``DistKLDivCriterion``).

    >>> import numpy as np
    >>> DistKLDivCriterion().forward(np.log([0.5, 0.5]), np.array([0.5, 0.5]))
    0.0
    """

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        float_pair(input, target)
        positive = target > 0
        t = target[positive]
        return float(np.sum(t * (np.log(t) - input[positive]))) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        float_pair(input, target)
        return np.where(target > 0, -target, 0).astype(input.dtype) * norm(self, input.size)


def _distribution(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    t = rng.uniform(0, 1, x.shape) * (rng.uniform(0, 1, x.shape) > 0.3)
    return t / t.sum(axis=-1, keepdims=True).clip(1e-3)


def examples() -> list[Case]:
    """The conformance kit's cases for DistKLDivCriterion."""
    return [
        Case(DistKLDivCriterion(), input_shape=(3, 4), target=_distribution),
        Case(DistKLDivCriterion(size_average=False), input_shape=(4,), target=_distribution),
    ]
