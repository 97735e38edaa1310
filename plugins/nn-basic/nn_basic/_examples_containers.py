"""Conformance-kit examples for nn-basic's containers."""

from __future__ import annotations

from nncore.testing import Case

from .linear import Linear
from .sequential import Sequential
from .tanh import Tanh


def examples() -> dict[str, list[Case]]:
    return {
        "Sequential": [
            Case(Sequential(Linear(4, 3), Tanh(), Linear(3, 2)), input_shape=(5, 4), batched=True),
        ],
    }
