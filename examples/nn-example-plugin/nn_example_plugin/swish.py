"""Swish: ``x * sigmoid(beta * x)``, elementwise."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_same_shape


class Swish(Module):
    """``y = x * s`` with ``s = sigmoid(beta * x)``; ``dx = dy * (s + beta * x * s * (1 - s))``.

    ``beta = 1`` is the SiLU.  Any input shape; batch or not makes no difference.

    >>> import numpy as np
    >>> Swish().forward(np.array([0.0, 1.0])).round(6)
    array([0.      , 0.731059])
    """

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__()
        self.beta = beta

    def update_output(self, input: np.ndarray) -> np.ndarray:
        # tanh form of the sigmoid: no overflow warning for large |x|
        return input * (0.5 * (1.0 + np.tanh(0.5 * self.beta * expect_float(input))))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        s = 0.5 * (1.0 + np.tanh(0.5 * self.beta * input))
        return grad_output * (s + self.beta * input * s * (1.0 - s))

    def extra_repr(self) -> str:
        return "" if self.beta == 1.0 else f"beta={self.beta:g}"


def examples() -> list[Case]:
    """The conformance kit's cases for Swish."""
    return [
        Case(Swish(), input_shape=(3, 4), batched=True),
        Case(Swish(beta=2.5), input_shape=(2, 3, 2), batched=True),
        Case(Swish(), input_shape=(5,)),
    ]
