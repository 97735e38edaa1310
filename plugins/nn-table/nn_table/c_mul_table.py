"""CMulTable: the elementwise product of a table of arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_OPERANDS, normal
from ._tables import expect_arrays, expect_like


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
        return np.prod(np.stack(expect_arrays(input)), axis=0)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        arrays = expect_arrays(input)
        expect_like(grad_output, arrays[0])
        # prefix[i] * suffix[i] is the product of every input but the i-th
        ones = np.ones_like(arrays[0])
        prefix = np.cumprod(np.stack([ones] + arrays[:-1]), axis=0)
        suffix = np.cumprod(np.stack([ones] + arrays[:0:-1]), axis=0)[::-1]
        return list(grad_output * prefix * suffix)


def examples() -> list[Case]:
    """The conformance kit's cases for CMulTable."""
    return [
        Case(
            CMulTable(), input=normal((3, 4), (3, 4), (3, 4)), batched=True, bad_inputs=BAD_OPERANDS
        ),
        Case(CMulTable(), input=normal((4,), (4,))),
    ]
