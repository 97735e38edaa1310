"""ParallelTable: the i-th child applied to the i-th element of the input table."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, nn

from ._branches import Branches
from ._cases import normal
from ._tables import expect_table


class ParallelTable(Branches):
    """``y[i] = m[i](x[i])``, ``dx[i] = m[i]'(x[i])^T dy[i]`` (torch/nn ``ParallelTable``).

    The input must be a table with one element per child; the output is the table of the
    children's outputs (each an array or a table).

    >>> import numpy as np
    >>> from nncore import nn
    >>> par = ParallelTable(nn.Linear(3, 2), nn.Identity())
    >>> [y.shape for y in par.forward([np.ones(3), np.ones(5)])]
    [(2,), (5,)]
    """

    def branches(self, inputs: list[Any]) -> list[Module]:
        expect_table(inputs, length=len(self.modules))
        return self.modules


def examples() -> list[Case]:
    """The conformance kit's cases for ParallelTable."""
    return [
        Case(
            ParallelTable(nn.Linear(3, 2), nn.Tanh()),
            input=normal((4, 3), (4, 5)),
            batched=True,
            bad_inputs=["not an array", [np.ones((4, 3))]],
        ),
        Case(
            ParallelTable(ParallelTable(nn.Tanh(), nn.Linear(2, 2)), nn.Linear(3, 1)),
            input=normal([(2,), (2,)], (3,)),
        ),
    ]
