"""Conformance-kit examples for nn-basic's transfer functions."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from .crelu import CReLU
from .elu import ELU
from .gated_linear_unit import GatedLinearUnit
from .hard_shrink import HardShrink
from .hard_tanh import HardTanh
from .leaky_relu import LeakyReLU
from .log_sigmoid import LogSigmoid
from .log_soft_max import LogSoftMax
from .prelu import PReLU
from .relu import ReLU
from .relu6 import ReLU6
from .rrelu import RReLU
from .selu import SELU
from .sigmoid import Sigmoid
from .soft_max import SoftMax
from .soft_min import SoftMin
from .soft_plus import SoftPlus
from .soft_shrink import SoftShrink
from .soft_sign import SoftSign
from .spatial_log_soft_max import SpatialLogSoftMax
from .spatial_soft_max import SpatialSoftMax
from .tanh import Tanh
from .tanh_shrink import TanhShrink
from .threshold import Threshold


def _pointwise(module, inplace=None, shape=(3, 4)) -> list[Case]:
    """A batch and a 3-D input out of place; one in-place case when the layer has the mode
    (the kit copies input and grad_output before each call, so in-place cases run every
    check)."""
    cases = [Case(module, input_shape=shape, batched=True),
             Case(module, input_shape=(2, 2, 3), batched=True, name=f"{module!r} 3-D")]
    if inplace is not None:
        cases.append(Case(inplace, input_shape=shape, batched=True))
    return cases


def _spread(rng: np.random.Generator) -> np.ndarray:
    """Inputs away from 0 and from +-0.5, +-1 (the kinks of the shrink and clip layers)."""
    magnitude = rng.uniform(0.1, 3.0, (3, 4))
    magnitude[np.abs(magnitude - 0.5) < 0.05] += 0.2
    magnitude[np.abs(magnitude - 1.0) < 0.05] += 0.2
    return magnitude * rng.choice([-1.0, 1.0], (3, 4))


def examples() -> dict[str, list[Case]]:
    return {
        "Tanh": [Case(Tanh(), input_shape=(3, 4), batched=True)],
        "Sigmoid": _pointwise(Sigmoid()),
        "LogSigmoid": _pointwise(LogSigmoid()),
        "SoftSign": _pointwise(SoftSign()),
        "TanhShrink": _pointwise(TanhShrink()),
        "SoftPlus": _pointwise(SoftPlus()) + [Case(SoftPlus(2.5), input_shape=(4,))],
        "ReLU": _pointwise(ReLU(), ReLU(inplace=True)),
        "ReLU6": [Case(ReLU6(), input=lambda rng: 4 * _spread(rng), batched=True),
                  Case(ReLU6(True), input=lambda rng: 4 * _spread(rng), batched=True)],
        "Threshold": [
            Case(Threshold(0.5, -2.0), input=_spread, batched=True),
            Case(Threshold(), input_shape=(5,)),
            Case(Threshold(1.0, 0.0, True), input=_spread, batched=True),
        ],
        "HardTanh": [
            Case(HardTanh(), input=_spread, batched=True),
            Case(HardTanh(-0.5, 2.0), input=_spread),
            Case(HardTanh(inplace=True), input=_spread, batched=True),
        ],
        "HardShrink": [Case(HardShrink(), input=_spread, batched=True),
                       Case(HardShrink(1.0), input=_spread)],
        "SoftShrink": [Case(SoftShrink(), input=_spread, batched=True),
                       Case(SoftShrink(1.0), input=_spread)],
        "ELU": _pointwise(ELU(), ELU(0.5, inplace=True)) + [Case(ELU(0.3), input_shape=(6,))],
        "SELU": _pointwise(SELU(), SELU(inplace=True)),
        "LeakyReLU": _pointwise(LeakyReLU(), LeakyReLU(0.2, True))
        + [Case(LeakyReLU(-0.5), input_shape=(6,))],
        "RReLU": [
            Case(RReLU(), input_shape=(3, 4)),
            Case(RReLU(0.2, 0.4).evaluate(), input_shape=(3, 4), batched=True),
            Case(RReLU(inplace=True), input_shape=(3, 4)),
            Case(RReLU(inplace=True).evaluate(), input_shape=(3, 4), batched=True),
        ],
        "PReLU": [
            Case(PReLU(), input_shape=(3, 4), batched=True),
            Case(PReLU(4), input_shape=(3, 4), batched=True),
            Case(PReLU(3), input_shape=(2, 3, 2, 2)),
            Case(PReLU(3), input_shape=(3,), bad_inputs=["not an array", np.zeros((2, 4))]),
        ],
        "CReLU": [
            Case(CReLU(1), input_shape=(3, 4), batched=True,
                 bad_inputs=["not an array", np.zeros((2, 3, 4))]),
            Case(CReLU(3), input_shape=(2, 3, 2, 2), batched=True),
        ],
        "GatedLinearUnit": [
            Case(GatedLinearUnit(), input_shape=(3, 4), batched=True,
                 bad_inputs=["not an array", np.zeros((2, 3))]),
            Case(GatedLinearUnit(0), input_shape=(6, 2)),
        ],
        "SoftMax": [
            Case(SoftMax(), input_shape=(3, 4), batched=True,
                 bad_inputs=["not an array", np.zeros((1, 1, 1, 1, 2))]),
            Case(SoftMax(), input=lambda rng: 50 * rng.standard_normal(5), atol=1e-5),
        ],
        "LogSoftMax": [
            Case(LogSoftMax(), input_shape=(3, 4), batched=True),
            Case(LogSoftMax(), input_shape=(5,)),
        ],
        "SoftMin": [Case(SoftMin(), input_shape=(3, 4), batched=True)],
        "SpatialSoftMax": [
            Case(SpatialSoftMax(), input_shape=(2, 3, 2, 2), batched=True),
            Case(SpatialSoftMax(), input_shape=(3, 4), batched=True),
        ],
        "SpatialLogSoftMax": [
            Case(SpatialLogSoftMax(), input_shape=(2, 3, 2, 2), batched=True),
            Case(SpatialLogSoftMax(), input_shape=(3, 2, 3)),
        ],
    }
