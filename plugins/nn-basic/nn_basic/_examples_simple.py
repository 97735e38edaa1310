"""Conformance-kit examples for nn-basic's simple layers."""

from __future__ import annotations

from nncore.testing import Case

from .identity import Identity
from .linear import Linear


def examples() -> dict[str, list[Case]]:
    return {
        "Identity": [Case(Identity(), input_shape=(3, 4), batched=True, bad_inputs=[])],
        "Linear": [
            Case(Linear(5, 3), input_shape=(4, 5), batched=True),
            Case(Linear(5, 3), input_shape=(5,)),
            Case(Linear(4, 2, bias=False), input_shape=(3, 4), batched=True),
        ],
    }
