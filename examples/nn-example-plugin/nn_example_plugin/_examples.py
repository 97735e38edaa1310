"""Conformance-kit examples: every registered class has at least one ``Case``."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from .linear import Linear
from .swish import Swish


def examples() -> dict[str, list[Case]]:
    return {
        "Swish": [
            Case(Swish(), input_shape=(3, 4), batched=True),
            Case(Swish(beta=2.5), input_shape=(2, 3, 2), batched=True),
            Case(Swish(), input_shape=(5,)),
        ],
        "Linear": [
            Case(Linear(5, 3), input_shape=(4, 5), batched=True,
                 bad_inputs=["not an array", np.zeros((4, 6)), np.zeros((2, 4, 5))]),
            Case(Linear(5, 3), input_shape=(5,)),
            Case(Linear(4, 2, bias=False), input_shape=(3, 4), batched=True),
        ],
    }
