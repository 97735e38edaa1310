"""ZipTable: a table of tables zipped into a table of tables."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import normal
from ._tables import expect_like, transpose


class ZipTable(Module):
    """``[[a0, a1], [b0, b1], [c0, c1]] -> [[a0, b0, c0], [a1, b1, c1]]`` (torch/nn ``ZipTable``);
    the gradient is zipped back the same way.

    >>> ZipTable().forward([["a0", "a1"], ["b0", "b1"], ["c0", "c1"]])
    [['a0', 'b0', 'c0'], ['a1', 'b1', 'c1']]
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def update_output(self, input: Any) -> list[list[Any]]:
        return transpose(input)

    def update_grad_input(self, input: Any, grad_output: Any) -> list[list[Any]]:
        return transpose(expect_like(grad_output, transpose(input)), "grad_output")


def examples() -> list[Case]:
    """The conformance kit's cases for ZipTable."""
    return [
        Case(
            ZipTable(),
            input=normal([(2,), (3,)], [(2,), (3,)], [(2,), (3,)]),
            bad_inputs=["not an array", [[np.ones(2)], [np.ones(2), np.ones(2)]]],
        ),
    ]
