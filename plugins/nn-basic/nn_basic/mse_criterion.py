"""MSECriterion: mean squared error."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Criterion, expect_float, expect_same_shape

from ._cases import normal_like


class MSECriterion(Criterion):
    """``loss = sum((x - t)**2) / n`` (``/ n`` only with ``size_average``, n = number of elements);
    ``dx = 2 (x - t) / n`` (torch/nn ``MSECriterion``).

    >>> import numpy as np
    >>> MSECriterion().forward(np.zeros(3), np.array([1.0, 2.0, 3.0]))
    4.666666666666667
    """

    def __init__(self, size_average: bool = True) -> None:
        super().__init__()
        self.size_average = size_average

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        expect_same_shape(target, expect_float(input), "target", "input")
        return self._reduce(np.sum((input - target) ** 2), input.size)

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        norm = 2.0 / input.size if self.size_average else 2.0
        return norm * (input - target)


def examples() -> list[Case]:
    """The conformance kit's cases for MSECriterion."""
    return [
        Case(
            MSECriterion(),
            input_shape=(4, 3),
            target=normal_like,
            bad_inputs=[("not an array", None)],
        ),
        Case(MSECriterion(size_average=False), input_shape=(5,), target=normal_like),
    ]
