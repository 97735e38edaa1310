"""Mul: multiplication by one learnable scalar."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_same_shape

from ._rows import reset_uniform


class Mul(Module):
    """``y = w * x`` with a single learnable factor ``weight = [w]`` (torch/nn ``Mul``).

    ``dx = w * dy``; ``dw += scale * sum(x * dy)``.  ``reset(stdv)`` draws ``w`` from
    ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default ``a = 1``.  Any input shape.

    >>> import numpy as np
    >>> m = Mul()
    >>> m.weight[0] = 3.0
    >>> m.forward(np.array([1.0, -2.0]))
    array([ 3., -6.])
    """

    parameter_names = ("weight",)

    def __init__(self) -> None:
        super().__init__()
        self.weight = np.empty(1)
        self.grad_weight = np.zeros(1)
        self.reset()

    def reset(self, stdv: float | None = None) -> Mul:
        reset_uniform(stdv, 1.0, self.weight)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return expect_float(input) * self.weight[0]

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return expect_same_shape(grad_output, input, "grad_output", "input") * self.weight[0]

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        self.grad_weight[0] += scale * np.vdot(input, grad_output)


def examples() -> list[Case]:
    """The conformance kit's cases for Mul."""
    return [Case(Mul(), input_shape=(3, 4), batched=True)]
