"""ZipTableOneToMany: one element paired with every element of a table."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import normal
from ._tables import expect_like, expect_table, total


class ZipTableOneToMany(Module):
    """``[v, [a, b, c]] -> [[v, a], [v, b], [v, c]]`` (torch/nn ``ZipTableOneToMany``).

    Gradient: ``dv`` is the sum of the gradients of every copy of ``v``, and ``[da, db, dc]``
    are passed back unchanged.

    >>> ZipTableOneToMany().forward(["v", ["a", "b", "c"]])
    [['v', 'a'], ['v', 'b'], ['v', 'c']]
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def update_output(self, input: Any) -> list[list[Any]]:
        element, items = expect_table(input, length=2)
        return [[element, item] for item in expect_table(items, "input[1]")]

    def update_grad_input(self, input: Any, grad_output: Any) -> list[Any]:
        grads = expect_like(grad_output, self.update_output(input))
        return [total([grad for grad, _ in grads], input[0]), [grad for _, grad in grads]]


def examples() -> list[Case]:
    """The conformance kit's cases for ZipTableOneToMany."""
    return [
        Case(
            ZipTableOneToMany(),
            input=normal((2,), [(3,), (4,), (1,)]),
            bad_inputs=["not an array", [np.ones(2)]],
        ),
    ]
