"""CMulTable: the elementwise product of a table of arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_OPERANDS, normal
from ._tables import expect_arrays, expect_like, fold


class CMulTable(Module):
    """``y = x[0] * x[1] * ... * x[n-1]``; ``dx[i] = dy * prod_{j != i} x[j]``
    (torch/nn ``CMulTable``).

    The products over the other inputs are formed without dividing by ``x[i]``, so inputs
    holding zeros get exact gradients.

    >>> import numpy as np
    >>> CMulTable().forward([2 * np.ones(2), 3 * np.ones(2), 4 * np.ones(2)])
    array([24., 24.])
    """

    def update_output(self, input: Any) -> np.ndarray:
        return fold(np.multiply, expect_arrays(input))

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        arrays = expect_arrays(input)
        expect_like(grad_output, arrays[0])
        if len(arrays) == 1:
            return [grad_output.copy()]
        if len(arrays) == 2:  # the common case, one product each
            return [grad_output * arrays[1], grad_output * arrays[0]]
        # dx[i] = (dy * x[0] * ... * x[i-1]) * (x[i+1] * ... * x[n-1]): running products from
        # the left (seeded with dy) and from the right, 3n products in all
        left = [grad_output]
        for array in arrays[:-1]:
            left.append(left[-1] * array)
        grads = [left[-1]]
        right = arrays[-1]
        for i in range(len(arrays) - 2, -1, -1):
            grads.append(left[i] * right)
            if i:
                right = right * arrays[i]
        return grads[::-1]


def examples() -> list[Case]:
    """The conformance kit's cases for CMulTable."""
    return [
        Case(
            CMulTable(), input=normal((3, 4), (3, 4), (3, 4)), batched=True, bad_inputs=BAD_OPERANDS
        ),
        Case(CMulTable(), input=normal((4,), (4,))),
    ]
