"""L1Penalty: identity forward that adds an L1 penalty's gradient on the way back."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_same_shape


class L1Penalty(Module):
    """``y = x``, ``loss = m * sum(|x|)`` stored in ``self.loss``; ``dx = m * sign(x) + dy``
    (``+ dy`` only with ``provide_output``), ``m = l1weight``, divided by ``x.size`` with
    ``size_average`` (torch/nn ``L1Penalty``).

    >>> import numpy as np
    >>> m = L1Penalty(0.1)
    >>> m.forward(np.array([1.0, -2.0]))
    array([ 1., -2.])
    >>> round(m.loss, 10)
    0.3
    >>> m.backward(np.array([1.0, -2.0]), np.array([1.0, 1.0]))
    array([1.1, 0.9])
    """

    def __init__(
        self, l1weight: float, size_average: bool = False, provide_output: bool = True
    ) -> None:
        super().__init__()
        self.l1weight = l1weight
        self.size_average = size_average
        self.provide_output = provide_output
        self.loss = 0.0

    def _weight(self, input: np.ndarray) -> float:
        return self.l1weight / input.size if self.size_average and input.size else self.l1weight

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.loss = float(self._weight(expect_float(input)) * np.abs(input).sum())
        return input

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        grad = self._weight(input) * np.sign(input)
        return grad + grad_output if self.provide_output else grad

    def extra_repr(self) -> str:
        return f"{self.l1weight}"


PENALISED = {"check_input_jacobian": "backward returns the L1 penalty's gradient (plus dy), y = x"}


def examples() -> list[Case]:
    """The conformance kit's cases for L1Penalty."""
    return [
        Case(L1Penalty(0.1), input_shape=(3, 4), batched=True, skip=PENALISED),
        Case(
            L1Penalty(0.2, size_average=True, provide_output=False),
            input_shape=(3, 4),
            skip=PENALISED,
        ),
    ]
