"""Conformance-kit examples for nn-table's containers (children come from nn-basic)."""

from __future__ import annotations

import numpy as np

from nncore import nn
from nncore.testing import Case

from ._cases import normal
from .c_add_table import CAddTable
from .concat_table import ConcatTable
from .flatten_table import FlattenTable
from .map_table import MapTable
from .parallel_table import ParallelTable
from .select_table import SelectTable


def examples() -> dict[str, list[Case]]:
    return {
        "ConcatTable": [
            Case(ConcatTable(nn.Linear(3, 2), nn.Linear(3, 4)), input_shape=(4, 3), batched=True),
            # a table input: the gradients of both branches are summed in the input's nesting
            Case(ConcatTable(nn.Identity(), CAddTable()), input=normal((2, 3), (2, 3)),
                 batched=True, bad_inputs=[]),
            Case(ConcatTable(SelectTable(0), FlattenTable()), input=normal((3,), [(2,), [(4,)]]),
                 bad_inputs=["not an array"]),
        ],
        "ParallelTable": [
            Case(ParallelTable(nn.Linear(3, 2), nn.Tanh()), input=normal((4, 3), (4, 5)),
                 batched=True, bad_inputs=["not an array", [np.ones((4, 3))]]),
            Case(ParallelTable(ParallelTable(nn.Tanh(), nn.Linear(2, 2)), nn.Linear(3, 1)),
                 input=normal([(2,), (2,)], (3,))),
        ],
        "MapTable": [
            Case(MapTable(nn.Linear(3, 2)), input=normal((4, 3), (4, 3), (4, 3)), batched=True),
            Case(MapTable(nn.Sequential(nn.Linear(3, 3), nn.Tanh())), input=normal((3,), (3,))),
            Case(MapTable(nn.Linear(2, 2), shared=False), input=normal((3, 2), (3, 2)),
                 batched=True),
        ],
    }
