"""nn-graph's conformance-kit examples: graphs of nn-basic/nn-table layers, ops, parameters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nncore import nn
from nncore.testing import Case

from .g_module import gModule
from .module_from_criterion import ModuleFromCriterion
from .op import Op
from .parameters import Parameters


def _normal(*shapes: Any) -> Callable[[np.random.Generator], Any]:
    """``fn(rng)`` giving a table of standard-normal arrays of these shapes (nested lists nest)."""
    def make(rng: np.random.Generator) -> Any:
        def one(shape: Any) -> Any:
            if isinstance(shape, list):
                return [one(s) for s in shape]
            return rng.standard_normal(shape)
        return [one(s) for s in shapes]
    return make


def _mlp() -> gModule:
    x = nn.Identity()()
    h = nn.Tanh()(nn.Linear(3, 4)(x))
    return gModule([x], [nn.Linear(4, 2)(h)])


def _two_in_two_out() -> gModule:
    a, b = nn.Identity()(), nn.Identity()()
    h = nn.CAddTable()([nn.Linear(3, 2)(a), nn.Linear(5, 2)(b)])
    # h feeds the first output and the second one: its gradients are summed
    return gModule([a, b], [nn.Tanh()(h), nn.CMulTable()([h, nn.Sigmoid()(nn.Linear(3, 2)(a))])])


def _split() -> gModule:
    x = nn.Identity()()
    left, right = nn.ConcatTable(nn.Linear(3, 2), nn.Linear(3, 2))(x).split(2)
    return gModule([x], [nn.CMulTable()([left, nn.Tanh()(right)])])


def _nested() -> gModule:
    x = nn.Identity()()
    return gModule([x], [nn.Sigmoid()(_mlp()(nn.Linear(3, 3)(x)))])


def _shared_parameters() -> gModule:
    weight, bias = Parameters(2, 3)(), Parameters(2)()
    a, b = nn.Identity()(), nn.Identity()()
    first = Op("nn-basic:Linear")([a, weight, bias])
    second = Op("nn-basic:Linear")([b, weight, bias])
    return gModule([a, b], [first, nn.Tanh()(second)])


def _auto_parameters() -> gModule:
    x = nn.Identity()()
    h = nn.Tanh()(Op("nn-basic:Linear", 3, 4)(x))
    return gModule([x], [Op("nn-basic:CMul", 4)(h)])


def _ids(rng: np.random.Generator) -> list[Any]:
    return [rng.integers(0, 5, size=4), rng.standard_normal((5, 3))]


def examples() -> dict[str, list[Case]]:
    return {
        "gModule": [
            Case(_mlp(), input_shape=(4, 3), batched=True),
            Case(_mlp(), input_shape=(3,)),
            Case(_two_in_two_out(), input=_normal((4, 3), (4, 5)), batched=True,
                 bad_inputs=["not an array", [np.ones((4, 3))]]),
            Case(_split(), input_shape=(4, 3), batched=True),
            Case(_nested(), input_shape=(2, 3), batched=True),
            Case(_shared_parameters(), input=_normal((4, 3), (4, 3)), batched=True,
                 bad_inputs=["not an array", [np.ones((4, 3)), np.ones((4, 3)), np.ones(3)]]),
            Case(_auto_parameters(), input_shape=(4, 3), batched=True),
        ],
        "ModuleFromCriterion": [
            Case(ModuleFromCriterion(nn.ClassNLLCriterion()),
                 input=lambda rng: [rng.standard_normal((4, 3)), np.array([0, 2, 1, 0])]),
            Case(ModuleFromCriterion(nn.CrossEntropyCriterion()),
                 input=lambda rng: [rng.standard_normal(3), np.array(1)]),
        ],
        "Parameters": [
            Case(Parameters(2, 3), input_shape=(4,), bad_inputs=[]),
            Case(Parameters(5), input=lambda rng: [], bad_inputs=[]),
        ],
        "Op": [
            Case(Op("nn-basic:Linear", 3, 2), input=_normal((4, 3), (2, 3), (2,)),
                 bad_inputs=["not an array", [np.ones((4, 3)), np.ones((3, 3)), np.ones(2)]]),
            Case(Op("nn-basic:Linear"), input=_normal((3,), (2, 3))),
            Case(Op("nn-basic:Linear", 3, 2, bias=False), input=_normal((4, 3), (2, 3))),
            Case(Op("nn-basic:CMul", 3), input=_normal((4, 3), (3,))),
            Case(Op("nn-basic:PReLU", 3), input=_normal((4, 3), (3,))),
            Case(Op("nn-basic:Bilinear", 3, 4, 2),
                 input=_normal([(4, 3), (4, 4)], (2, 3, 4), (2,))),
            Case(Op("nn-basic:BatchNormalization", 3), input=_normal((5, 3), (3,), (3,)),
                 atol=1e-5),
            Case(Op("nn-conv:SpatialConvolution", 2, 3, 3, 3, pad_w=1),
                 input=_normal((2, 2, 4, 4), (3, 2, 3, 3), (3,))),
            Case(Op("nn-conv:LookupTable", 5, 3), input=_ids),
        ],
    }
