"""Conformance-kit examples for nn-basic's shape and reduction layers."""

from __future__ import annotations

from nncore.testing import Case

from .max import Max
from .mean import Mean
from .min import Min
from .reshape import Reshape
from .sum import Sum
from .view import View


def examples() -> dict[str, list[Case]]:
    return {
        "Sum": [
            Case(Sum(0), input_shape=(5,)),
            Case(Sum(1, 2), input_shape=(3, 4, 2), batched=True),
            Case(Sum(-1, squeeze=False), input_shape=(3, 4)),
            Case(Sum(0, 2, size_average=True), input_shape=(2, 3, 4), batched=True),
        ],
        "Mean": [
            Case(Mean(1, 2), input_shape=(3, 2)),
            Case(Mean(0, 2), input_shape=(2, 3, 4), batched=True),
            Case(Mean(-2), input_shape=(2, 3, 4)),
        ],
        "Max": [
            Case(Max(0, 2), input_shape=(3, 2)),
            Case(Max(1, 2), input_shape=(3, 4, 5), batched=True),
            Case(Max(0), input_shape=(6,)),
        ],
        "Min": [
            Case(Min(0, 2), input_shape=(3, 2)),
            Case(Min(-1, 2), input_shape=(3, 4, 5), batched=True),
        ],
        "View": [
            Case(View(2, 3), input_shape=(3, 2)),
            Case(View(6), input_shape=(4, 2, 3), batched=True),
            Case(View(-1, num_input_dims=2), input_shape=(3, 2, 3), batched=True),
            Case(View(3, -1), input_shape=(2, 3)),
        ],
        "Reshape": [
            Case(Reshape(2, 8), input_shape=(4, 4)),
            Case(Reshape(6), input_shape=(3, 2, 3), batched=True),
            Case(Reshape(3, 2, batch_mode=True), input_shape=(1, 6)),
            Case(Reshape(4, batch_mode=False), input_shape=(1, 4)),
        ],
    }
