"""Conformance-kit examples for nn-basic's containers."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from .bottle import Bottle
from .concat import Concat
from .decorator import Decorator
from .depth_concat import DepthConcat
from .dont_cast import DontCast
from .identity import Identity
from .linear import Linear
from .nan import NaN
from .parallel import Parallel
from .profile import Profile
from .sequential import Sequential
from .tanh import Tanh
from .weight_norm import WeightNorm


def examples() -> dict[str, list[Case]]:
    return {
        "Sequential": [
            Case(Sequential(Linear(4, 3), Tanh(), Linear(3, 2)), input_shape=(5, 4), batched=True),
            Case(Sequential(Linear(4, 3), Sequential(Tanh(), Sequential(Linear(3, 2)))),
                 input_shape=(4,)),
        ],
        "Concat": [
            Case(Concat(-1).add(Linear(4, 3)).add(Linear(4, 2)), input_shape=(5, 4), batched=True),
            Case(Concat(0).add(Linear(4, 3)).add(Identity()), input_shape=(4,)),
            Case(Concat(1).add(Linear(4, 3)).add(Tanh()).add(Linear(4, 1)), input_shape=(2, 4)),
        ],
        "DepthConcat": [
            Case(DepthConcat(0).add(Linear(4, 3)).add(Linear(4, 1)).add(Linear(4, 2)),
                 input_shape=(3, 4)),
            Case(DepthConcat(-1).add(Linear(4, 3)).add(Tanh()), input_shape=(5, 4), batched=True),
        ],
        "Parallel": [
            Case(Parallel(0, 0).add(Linear(4, 3)).add(Linear(4, 2)), input_shape=(2, 4),
                 bad_inputs=["not an array", np.zeros((3, 4))]),
            Case(Parallel(1, 1).add(Linear(4, 3)).add(Tanh()), input_shape=(5, 2, 4)),
            Case(Parallel(-1, 0).add(Tanh()).add(Tanh()).add(Sequential(Linear(3, 2))),
                 input_shape=(3, 3)),
        ],
        "Decorator": [Case(Decorator(Linear(4, 3)), input_shape=(5, 4), batched=True)],
        "Bottle": [
            Case(Bottle(Linear(4, 3)), input_shape=(2, 3, 4), batched=True),
            Case(Bottle(Linear(4, 3)), input_shape=(2, 2, 3, 4)),
            Case(Bottle(Sequential(Linear(4, 2), Tanh()), 2, 2), input_shape=(3, 4)),
        ],
        "NaN": [
            Case(NaN(Linear(4, 3)), input_shape=(5, 4), batched=True,
                 bad_inputs=["not an array", np.array([[0.0, np.nan, 1.0, 2.0]])]),
            Case(NaN(Sequential(Linear(4, 3), Tanh()), 7), input_shape=(4,)),
        ],
        "Profile": [
            Case(Profile(Linear(4, 3), print_interval=10**5), input_shape=(5, 4), batched=True),
        ],
        "DontCast": [
            Case(DontCast(Linear(4, 3), castin=True), input_shape=(5, 4), batched=True,
                 skip={"check_float32": "the wrapped module stays float64 by design"}),
            Case(DontCast(Sequential(Linear(4, 3), Tanh())), input_shape=(4,),
                 skip={"check_float32": "the wrapped module stays float64 by design"}),
        ],
        "WeightNorm": [
            Case(WeightNorm(Linear(4, 3)), input_shape=(5, 4), batched=True),
            Case(WeightNorm(Linear(4, 3, bias=False)), input_shape=(4,)),
            Case(WeightNorm(Linear(4, 3), 1), input_shape=(2, 4)),
        ],
    }
