"""CSubTable: the elementwise difference of a pair of arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_OPERANDS, normal
from ._tables import expect_arrays, expect_like


class CSubTable(Module):
    """``y = x[0] - x[1]``; ``dx[0] = dy``, ``dx[1] = -dy`` (torch/nn ``CSubTable``).

    >>> import numpy as np
    >>> CSubTable().forward([np.array([2.5, 1.0]), np.ones(2)])
    array([1.5, 0. ])
    """

    def update_output(self, input: Any) -> np.ndarray:
        x, y = expect_arrays(input, length=2)
        return x - y

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        x, _ = expect_arrays(input, length=2)
        expect_like(grad_output, x)
        return [grad_output.copy(), -grad_output]


def examples() -> list[Case]:
    """The conformance kit's cases for CSubTable."""
    return [
        Case(
            CSubTable(),
            input=normal((3, 4), (3, 4)),
            batched=True,
            bad_inputs=BAD_OPERANDS + [[np.ones(3)], [np.ones(3), np.ones(2)]],
        ),
    ]
