"""NarrowTable: ``length`` consecutive elements of the input table."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, IndexOutOfRangeError, Module

from ._cases import normal, three
from ._tables import expect_like, expect_table, position, scatter


class NarrowTable(Module):
    """``y = x[offset : offset + length]``; ``dx`` is zero outside that range and ``dy`` inside
    (torch/nn ``NarrowTable``).

    ``offset`` is 0-based (negative counts from the end).  Elements may be arrays or tables.

    >>> import numpy as np
    >>> x = [np.ones(3), np.ones(1), np.ones(2)]
    >>> [y.shape for y in NarrowTable(1, 2).forward(x)]
    [(1,), (2,)]
    >>> first_two = NarrowTable(0, 2)
    >>> len(first_two.forward(x))
    2
    >>> first_two.backward(x, [np.ones(3), np.ones(1)])[2]
    array([0., 0.])
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, offset: int, length: int = 1) -> None:
        super().__init__()
        self.offset = offset
        self.length = length

    def _picked(self, input: Any) -> list[int]:
        items = expect_table(input)
        start = position(self.offset, len(items), "offset")
        if start + self.length > len(items):
            raise IndexOutOfRangeError(
                f"expected a table of at least {start + self.length} elements for offset "
                f"{self.offset} and length {self.length}, got a table of {len(items)}"
            )
        return list(range(start, start + self.length))

    def update_output(self, input: Any) -> list[Any]:
        return [input[i] for i in self._picked(input)]

    def update_grad_input(self, input: Any, grad_output: Any) -> list[Any]:
        picked = self._picked(input)
        grads = expect_like(grad_output, [input[i] for i in picked])
        return scatter(input, picked, grads)

    def extra_repr(self) -> str:
        return f"{self.offset}, {self.length}"


def examples() -> list[Case]:
    """The conformance kit's cases for NarrowTable."""
    return [
        Case(
            NarrowTable(1, 2),
            input=three,
            batched=True,
            bad_inputs=["not an array", [np.ones(2)] * 2],
        ),
        Case(NarrowTable(0), input=normal([(2,), (3,)], (1,))),
    ]
