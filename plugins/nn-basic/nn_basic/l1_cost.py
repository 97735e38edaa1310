"""L1Cost: the L1 norm of the input, as a loss (an L1 penalty on activations)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Criterion, expect_float


class L1Cost(Criterion):
    """``loss = sum|x|``, ``dx = sign(x)``; there is no target (torch/nn ``L1Cost``).

    >>> import numpy as np
    >>> L1Cost().forward(np.array([1.0, -2.0]))
    3.0
    """

    def update_output(self, input: np.ndarray, target: Any = None) -> float:
        return float(np.sum(np.abs(expect_float(input))))

    def update_grad_input(self, input: np.ndarray, target: Any = None) -> np.ndarray:
        return np.sign(expect_float(input))


def examples() -> list[Case]:
    """The conformance kit's cases for L1Cost."""
    return [Case(L1Cost(), input_shape=(3, 4))]
