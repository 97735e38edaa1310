"""CMinTable: the elementwise minimum of a table of arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_OPERANDS, normal
from ._tables import expect_arrays, fold, winner_grads


class CMinTable(Module):
    """``y = min(x[0], ..., x[n-1])`` elementwise; each element's ``dy`` goes to the first input
    holding the minimum, the others get zero (torch/nn ``CMinTable``).

    >>> import numpy as np
    >>> CMinTable().forward([np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])])
    array([1., 2., 1.])
    """

    def update_output(self, input: Any) -> np.ndarray:
        return fold(np.minimum, expect_arrays(input))

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        return winner_grads(input, grad_output, np.minimum)


def examples() -> list[Case]:
    """The conformance kit's cases for CMinTable."""
    return [
        Case(CMinTable(), input=normal((3, 4), (3, 4)), batched=True, bad_inputs=BAD_OPERANDS),
    ]
