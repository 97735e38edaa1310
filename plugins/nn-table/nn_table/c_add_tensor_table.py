"""CAddTensorTable: one array added to every array of a table."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_float

from ._cases import normal
from ._tables import expect_like, expect_table


class CAddTensorTable(Module):
    """``y[i] = x[1][i] + x[0]`` for every array of the table ``x[1]`` (torch/nn
    ``CAddTensorTable``).

    Input ``[v, [t_0, ..., t_{n-1}]]`` with every ``t_i`` of ``v``'s shape; the output is the
    table ``[t_0 + v, ..., t_{n-1} + v]``.  Gradients: ``dv = sum_i dy[i]``, ``dt_i = dy[i]``
    (an empty table gives an empty output and ``dv = 0``).

    >>> import numpy as np
    >>> CAddTensorTable().forward([np.array([1.0, 2.0]), [np.zeros(2), np.ones(2)]])
    [array([1., 2.]), array([2., 3.])]
    """

    def _operands(self, input: Any) -> tuple[np.ndarray, list[np.ndarray]]:
        """The added array and the table it is added to, checked."""
        vector, table = expect_table(input, length=2)
        vector = expect_float(vector, "input[0]")
        arrays = expect_table(table, "input[1]")
        for i, array in enumerate(arrays):
            expect_float(array, f"input[1][{i}]")
            if array.shape != vector.shape:
                raise ShapeError(
                    f"expected input[1][{i}] of the shape of input[0] {vector.shape}, got shape "
                    f"{array.shape}"
                )
        return vector, arrays

    def update_output(self, input: Any) -> list[np.ndarray]:
        vector, arrays = self._operands(input)
        return [array + vector for array in arrays]

    def update_grad_input(self, input: Any, grad_output: Any) -> list[Any]:
        vector, arrays = self._operands(input)
        grads = expect_like(grad_output, arrays)
        total = np.zeros_like(vector)
        for grad in grads:
            total += grad
        return [total, [grad.copy() for grad in grads]]


def examples() -> list[Case]:
    """The conformance kit's cases for CAddTensorTable."""
    bad = ["not an array", [np.ones(3)], [np.ones(3), [np.ones(4)]], [np.ones(3), np.ones(3)]]
    return [
        Case(
            CAddTensorTable(),
            input=normal((3, 4), [(3, 4), (3, 4), (3, 4)]),
            batched=True,
            bad_inputs=bad,
        ),
        Case(CAddTensorTable(), input=normal((5,), [(5,)])),
        Case(CAddTensorTable(), input=normal((2, 2), [])),
    ]
