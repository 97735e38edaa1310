"""Conformance-kit examples for nn-table's conversion layers."""

from __future__ import annotations

import numpy as np

from nncore import nn
from nncore.testing import Case

from ._cases import normal
from .criterion_table import CriterionTable
from .flatten_table import FlattenTable
from .join_table import JoinTable
from .mixture_table import MixtureTable
from .narrow_table import NarrowTable
from .select_table import SelectTable
from .split_table import SplitTable
from .zip_table import ZipTable
from .zip_table_one_to_many import ZipTableOneToMany


def _prediction_and_labels(rng: np.random.Generator) -> list[np.ndarray]:
    # integer targets are not differentiable, so the kit treats them as constants
    return [rng.standard_normal((3, 2)), rng.integers(-2, 3, (3, 2))]


def examples() -> dict[str, list[Case]]:
    three = normal((2, 3), (2, 1), (2, 2))
    return {
        "SplitTable": [
            Case(SplitTable(1), input_shape=(4, 3)),
            Case(SplitTable(0, 2), input_shape=(2, 4, 3), batched=True),
            Case(SplitTable(-1), input_shape=(2, 3), batched=True),
        ],
        "JoinTable": [
            Case(JoinTable(0), input=normal((2, 3), (1, 3)),
                 bad_inputs=["not an array", [], [np.ones((2, 3)), np.ones((2, 2))]]),
            Case(JoinTable(1, 2), input=normal((2, 3, 1), (2, 3, 2)), batched=True),
            Case(JoinTable(-1), input=normal((2, 3), (2, 1)), batched=True),
        ],
        "MixtureTable": [
            Case(MixtureTable(), input=normal((4, 3), [(4, 2), (4, 2), (4, 2)]), batched=True,
                 bad_inputs=["not an array", [np.ones(3), [np.ones(2)] * 2]]),
            Case(MixtureTable(), input=normal((4, 3), (4, 3, 2)), batched=True),
            Case(MixtureTable(2), input=normal((4, 3), (4, 2, 3))),
        ],
        "SelectTable": [
            Case(SelectTable(1), input=three, batched=True, bad_inputs=["not an array", []]),
            Case(SelectTable(-1), input=normal((3,), [(2,), [(4,)]])),
            Case(SelectTable(slice(1, None)), input=three, batched=True),
        ],
        "NarrowTable": [
            Case(NarrowTable(1, 2), input=three, batched=True,
                 bad_inputs=["not an array", [np.ones(2)] * 2]),
            Case(NarrowTable(0), input=normal([(2,), (3,)], (1,))),
        ],
        "FlattenTable": [
            Case(FlattenTable(), input=normal((1,), [(2,), [(3,)]], (4,))),
            Case(FlattenTable(), input=normal((2, 2), [(2, 3)]), batched=True),
        ],
        "ZipTable": [
            Case(ZipTable(), input=normal([(2,), (3,)], [(2,), (3,)], [(2,), (3,)]),
                 bad_inputs=["not an array", [[np.ones(2)], [np.ones(2), np.ones(2)]]]),
        ],
        "ZipTableOneToMany": [
            Case(ZipTableOneToMany(), input=normal((2,), [(3,), (4,), (1,)]),
                 bad_inputs=["not an array", [np.ones(2)]]),
        ],
        "CriterionTable": [
            Case(CriterionTable(nn.MSECriterion()), input=_prediction_and_labels,
                 bad_inputs=["not an array", [np.ones(2)]]),
        ],
    }
