"""Conformance-kit examples for nn-table's elementwise table arithmetic."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from ._cases import normal
from .c_add_table import CAddTable
from .c_div_table import CDivTable
from .c_max_table import CMaxTable
from .c_min_table import CMinTable
from .c_mul_table import CMulTable
from .c_sub_table import CSubTable

#: a table that is too short and one holding a non-array, for every n-ary module
BAD = ["not an array", [np.ones(3), "not an array"]]


def _numerator_and_denominator(rng: np.random.Generator) -> list[np.ndarray]:
    # a denominator bounded away from zero keeps finite differences accurate
    sign = rng.choice([-1.0, 1.0], (3, 4))
    return [rng.standard_normal((3, 4)), sign * rng.uniform(1, 2, (3, 4))]


def examples() -> dict[str, list[Case]]:
    return {
        "CAddTable": [
            Case(CAddTable(), input=normal((3, 4), (3, 4), (3, 4)), batched=True, bad_inputs=BAD),
            Case(CAddTable(), input=normal((5,))),
            Case(CAddTable(inplace=True), input=normal((2, 3), (2, 3)), batched=True),
        ],
        "CSubTable": [
            Case(CSubTable(), input=normal((3, 4), (3, 4)), batched=True,
                 bad_inputs=BAD + [[np.ones(3)], [np.ones(3), np.ones(2)]]),
        ],
        "CMulTable": [
            Case(CMulTable(), input=normal((3, 4), (3, 4), (3, 4)), batched=True, bad_inputs=BAD),
            Case(CMulTable(), input=normal((4,), (4,))),
        ],
        "CDivTable": [
            Case(CDivTable(), input=_numerator_and_denominator, batched=True,
                 bad_inputs=BAD + [[np.ones(3)]]),
        ],
        "CMaxTable": [
            Case(CMaxTable(), input=normal((3, 4), (3, 4), (3, 4)), batched=True, bad_inputs=BAD),
        ],
        "CMinTable": [
            Case(CMinTable(), input=normal((3, 4), (3, 4)), batched=True, bad_inputs=BAD),
        ],
    }
