"""Tanh: the hyperbolic tangent, elementwise."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_float


class Tanh(Module):
    """``y = tanh(x)``, elementwise; ``dx = dy * (1 - y**2)`` (torch/nn ``Tanh``).

    >>> import numpy as np
    >>> Tanh().forward(np.array([0.0]))
    array([0.])
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return np.tanh(expect_float(input))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return grad_output * (1 - self.output**2)


def examples() -> list[Case]:
    """The conformance kit's cases for Tanh."""
    return [Case(Tanh(), input_shape=(3, 4), batched=True)]
