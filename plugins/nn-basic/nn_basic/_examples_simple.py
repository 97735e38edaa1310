"""Conformance-kit examples for nn-basic's simple layers."""

from __future__ import annotations

from nncore.testing import Case

from .abs import Abs
from .add import Add
from .cadd import CAdd
from .cmul import CMul
from .dropout import Dropout
from .identity import Identity
from .linear import Linear
from .mul import Mul


def examples() -> dict[str, list[Case]]:
    return {
        "Identity": [Case(Identity(), input_shape=(3, 4), batched=True, bad_inputs=[])],
        "Linear": [
            Case(Linear(5, 3), input_shape=(4, 5), batched=True),
            Case(Linear(5, 3), input_shape=(5,)),
            Case(Linear(4, 2, bias=False), input_shape=(3, 4), batched=True),
        ],
        "CMul": [
            Case(CMul(4), input_shape=(3, 4), batched=True),
            Case(CMul((1, 4)), input_shape=(3, 4)),
            Case(CMul((2, 3)), input_shape=(2, 2, 3), batched=True),
        ],
        "CAdd": [
            Case(CAdd(4), input_shape=(3, 4), batched=True),
            Case(CAdd((3, 1)), input_shape=(3, 4)),
        ],
        "Mul": [Case(Mul(), input_shape=(3, 4), batched=True)],
        "Add": [
            Case(Add(4), input_shape=(3, 4), batched=True),
            Case(Add(4, scalar=True), input_shape=(2, 4), batched=True),
        ],
        "Abs": [Case(Abs(), input_shape=(3, 4), batched=True)],
        "Dropout": [
            Case(Dropout(0.3).evaluate(), input_shape=(3, 4), batched=True),
            Case(Dropout(0.3, v1=True).evaluate(), input_shape=(3, 4), batched=True),
            Case(Dropout(0.0), input_shape=(3, 4), batched=True),
        ],
    }
