"""Conformance-kit examples for nn-table's pair layers."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from ._cases import normal
from .cosine_distance import CosineDistance
from .dot_product import DotProduct
from .pairwise_distance import PairwiseDistance

BAD = ["not an array", [np.ones(3)], [np.ones(3), np.ones(4)], [np.ones((2, 2, 2))] * 2]


def examples() -> dict[str, list[Case]]:
    return {
        "PairwiseDistance": [
            Case(PairwiseDistance(), input=normal((4, 3), (4, 3)), batched=True, bad_inputs=BAD),
            Case(PairwiseDistance(1), input=normal((4, 3), (4, 3)), batched=True),
            Case(PairwiseDistance(3), input=normal((5,), (5,))),
        ],
        "DotProduct": [
            Case(DotProduct(), input=normal((4, 3), (4, 3)), batched=True, bad_inputs=BAD),
            Case(DotProduct(), input=normal((5,), (5,))),
        ],
        "CosineDistance": [
            Case(CosineDistance(), input=normal((4, 3), (4, 3)), batched=True, bad_inputs=BAD),
            Case(CosineDistance(), input=normal((5,), (5,))),
        ],
    }
