"""GradientReversal: identity forward, negated (scaled) gradient backward."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_same_shape


class GradientReversal(Module):
    """``y = x``; ``dx = -lambda_ * dy`` (torch/nn ``GradientReversal``; ``lambda`` is a Python
    keyword, hence ``lambda_``).  Used for domain-adversarial training.

    >>> import numpy as np
    >>> reverse = GradientReversal(0.5)
    >>> reverse.forward(np.zeros(2))
    array([0., 0.])
    >>> reverse.backward(np.zeros(2), np.array([1.0, -2.0]))
    array([-0.5,  1. ])
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, lambda_: float = 1.0) -> None:
        super().__init__()
        self.lambda_ = lambda_

    def set_lambda(self, lambda_: float) -> None:
        self.lambda_ = lambda_

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return expect_float(input)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return -self.lambda_ * expect_same_shape(grad_output, input, "grad_output", "input")

    def extra_repr(self) -> str:
        return f"{self.lambda_}"


REVERSED = {"check_input_jacobian": "backward returns -lambda * dy on purpose, forward is y = x"}


def examples() -> list[Case]:
    """The conformance kit's cases for GradientReversal."""
    return [
        Case(GradientReversal(0.7), input_shape=(3, 4), batched=True, skip=REVERSED),
    ]
