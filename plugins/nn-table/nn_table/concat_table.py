"""ConcatTable: every child applied to the same input, outputs gathered in a table."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Case, Container, Module, nn

from ._cases import normal
from ._tables import expect_table, total
from .c_add_table import CAddTable
from .flatten_table import FlattenTable
from .select_table import SelectTable


class ConcatTable(Container):
    """``y = [m[0](x), ..., m[n-1](x)]``; ``dx = sum_i m[i]'(x)^T dy[i]``
    (torch/nn ``ConcatTable``).

    The input is an array or a (nested) table; the gradient with respect to it is the sum of the
    children's gradients, in the input's nesting.

    >>> import numpy as np
    >>> from nncore import nn
    >>> cat = ConcatTable(nn.Linear(5, 2), nn.Linear(5, 3))
    >>> [y.shape for y in cat.forward(np.ones(5))]
    [(2,), (3,)]
    """

    def update_output(self, input: Any) -> list[Any]:
        return [child.forward(input) for child in self.modules]

    def _branches(self, grad_output: Any) -> list[tuple[Module, Any]]:
        grads = expect_table(grad_output, "grad_output", len(self.modules))
        return list(zip(self.modules, grads, strict=True))

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        return total([c.backward_input(input, g) for c, g in self._branches(grad_output)], input)

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        for child, grad in self._branches(grad_output):
            child.acc_grad_parameters(input, grad, scale)


def examples() -> list[Case]:
    """The conformance kit's cases for ConcatTable."""
    return [
        Case(ConcatTable(nn.Linear(3, 2), nn.Linear(3, 4)), input_shape=(4, 3), batched=True),
        # a table input: the gradients of both branches are summed in the input's nesting
        Case(
            ConcatTable(nn.Identity(), CAddTable()),
            input=normal((2, 3), (2, 3)),
            batched=True,
            bad_inputs=[],
        ),
        Case(
            ConcatTable(SelectTable(0), FlattenTable()),
            input=normal((3,), [(2,), [(4,)]]),
            bad_inputs=["not an array"],
        ),
    ]
