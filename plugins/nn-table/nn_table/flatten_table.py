"""FlattenTable: a nested table flattened into a table of its arrays."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Case, Module

from ._cases import normal
from ._tables import expect_like, expect_table, leaves, unflatten


class FlattenTable(Module):
    """``y`` lists the arrays of the nested table ``x`` depth first; ``dx`` puts ``dy`` back into
    ``x``'s nesting (torch/nn ``FlattenTable``).

    >>> import numpy as np
    >>> x = [np.ones(1), [np.ones(2), [np.ones(3)]], np.ones(4)]
    >>> [y.shape for y in FlattenTable().forward(x)]
    [(1,), (2,), (3,), (4,)]
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def update_output(self, input: Any) -> list[Any]:
        return leaves(expect_table(input))

    def update_grad_input(self, input: Any, grad_output: Any) -> list[Any]:
        flat = leaves(expect_table(input))
        return unflatten(expect_like(grad_output, flat), input)


def examples() -> list[Case]:
    """The conformance kit's cases for FlattenTable."""
    return [
        Case(FlattenTable(), input=normal((1,), [(2,), [(3,)]], (4,))),
        Case(FlattenTable(), input=normal((2, 2), [(2, 3)]), batched=True),
    ]
