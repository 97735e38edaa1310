"""CAddTable: the elementwise sum of a table of arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_OPERANDS, normal
from ._tables import expect_arrays, expect_like, fold


class CAddTable(Module):
    """``y = x[0] + x[1] + ... + x[n-1]``; ``dx[i] = dy`` (torch/nn ``CAddTable``).

    With ``inplace`` the sum is written into ``x[0]`` (which becomes the output) and every
    ``dx[i]`` is ``dy`` itself rather than a copy, saving memory as in torch/nn.

    >>> import numpy as np
    >>> CAddTable().forward([np.ones(3), 2 * np.ones(3), 3 * np.ones(3)])
    array([6., 6., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def update_output(self, input: Any) -> np.ndarray:
        arrays = expect_arrays(input)
        if not self.inplace:
            return fold(np.add, arrays)
        for array in arrays[1:]:
            arrays[0] += array
        return arrays[0]

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        arrays = expect_arrays(input)
        expect_like(grad_output, arrays[0])
        if self.inplace:
            return [grad_output] * len(arrays)
        return [grad_output.copy() for _ in arrays]

    def extra_repr(self) -> str:
        return "inplace" if self.inplace else ""


def examples() -> list[Case]:
    """The conformance kit's cases for CAddTable."""
    return [
        Case(
            CAddTable(), input=normal((3, 4), (3, 4), (3, 4)), batched=True, bad_inputs=BAD_OPERANDS
        ),
        Case(CAddTable(), input=normal((5,))),
        Case(CAddTable(inplace=True), input=normal((2, 3), (2, 3)), batched=True),
    ]
