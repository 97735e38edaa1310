"""CDivTable: the elementwise quotient of a pair of arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_OPERANDS
from ._tables import expect_arrays, expect_like


class CDivTable(Module):
    """``y = x[0] / x[1]``; ``dx[0] = dy / x[1]``, ``dx[1] = -dy * x[0] / x[1]**2``
    (torch/nn ``CDivTable``).

    >>> import numpy as np
    >>> CDivTable().forward([np.array([2.2, 1.0]), np.array([4.4, 4.0])])
    array([0.5 , 0.25])
    """

    def update_output(self, input: Any) -> np.ndarray:
        x, y = expect_arrays(input, length=2)
        return x / y

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        x, y = expect_arrays(input, length=2)
        grad_x = expect_like(grad_output, x) / y
        grad_y = grad_x * x
        grad_y /= y  # in place in one new array: -(dy / y) * x / y, negation being exact
        return [grad_x, np.negative(grad_y, out=grad_y)]


def _numerator_and_denominator(rng: np.random.Generator) -> list[np.ndarray]:
    # a denominator bounded away from zero keeps finite differences accurate
    sign = rng.choice([-1.0, 1.0], (3, 4))
    return [rng.standard_normal((3, 4)), sign * rng.uniform(1, 2, (3, 4))]


def examples() -> list[Case]:
    """The conformance kit's cases for CDivTable."""
    return [
        Case(
            CDivTable(),
            input=_numerator_and_denominator,
            batched=True,
            bad_inputs=BAD_OPERANDS + [[np.ones(3)]],
        ),
    ]
