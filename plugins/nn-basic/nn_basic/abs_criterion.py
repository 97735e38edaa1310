"""AbsCriterion: mean absolute error."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import normal_like
from ._criteria_util import AveragedCriterion, float_pair, norm


class AbsCriterion(AveragedCriterion):
    """``loss = sum|x - t| / n`` (``/ n`` only with ``size_average``, n = number of elements);
    ``dx = sign(x - t) / n``, +1 where ``x == t`` (torch/nn ``AbsCriterion``).

    >>> import numpy as np
    >>> AbsCriterion().forward(np.array([1.0, -1.0]), np.array([0.0, 2.0]))
    2.0
    """

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        float_pair(input, target)
        return float(np.sum(np.abs(input - target))) * norm(self, input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        float_pair(input, target)
        step = input.dtype.type(norm(self, input.size))  # +-step picked in the input's dtype
        return np.where(input >= target, step, -step)


def _regression(crit_class: type, **kwargs: object) -> list[Case]:
    return [
        Case(crit_class(**kwargs), input_shape=(4, 3), target=normal_like),
        Case(crit_class(size_average=False, **kwargs), input_shape=(5,), target=normal_like),
    ]


def examples() -> list[Case]:
    """The conformance kit's cases for AbsCriterion."""
    return _regression(AbsCriterion)
