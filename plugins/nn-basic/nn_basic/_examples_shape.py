"""Conformance-kit examples for nn-basic's shape and reduction layers."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from .collapse import Collapse
from .constant import Constant
from .contiguous import Contiguous
from .convert import Convert
from .copy import Copy
from .index import Index
from .masked_select import MaskedSelect
from .max import Max
from .mean import Mean
from .min import Min
from .narrow import Narrow
from .one_hot import OneHot
from .padding import Padding
from .pixel_shuffle import PixelShuffle
from .print_size import PrintSize
from .replicate import Replicate
from .reshape import Reshape
from .select import Select
from .squeeze import Squeeze
from .sum import Sum
from .temporal_dynamic_k_max_pooling import TemporalDynamicKMaxPooling
from .transpose import Transpose
from .unsqueeze import Unsqueeze
from .view import View


def _masked(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((3, 4)), rng.random((3, 4)) < 0.5]


def _indexed(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((4, 3)), np.array([2, 0, 2, 3, 2])]


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
        "Copy": [
            Case(Copy(), input_shape=(3, 4), batched=True),
            Case(Copy(force_copy=True), input_shape=(2, 3)),
        ],
        "Convert": [
            Case(Convert(), input_shape=(3, 4), batched=True),
            Case(Convert("bchw", "bf"), input_shape=(3, 2, 3, 1), batched=True),
            Case(Convert("chw", "hwc"), input_shape=(2, 2, 3, 4), batched=True),
            Case(Convert("fb", "b"), input_shape=(1, 4)),
            Case(Convert("b", "bt"), input_shape=(4,)),
            Case(Convert("chwb", "bf"), input_shape=(2, 3, 2, 4)),
        ],
        "Narrow": [
            Case(Narrow(0, 1, 2), input_shape=(4, 3)),
            Case(Narrow(-1, 1, -1), input_shape=(3, 2, 5), batched=True),
            Case(Narrow(1, -3, 2), input_shape=(2, 5)),
        ],
        "Replicate": [
            Case(Replicate(3), input_shape=(4,)),
            Case(Replicate(2, 1, 2), input_shape=(3, 2, 4), batched=True),
            Case(Replicate(2, -1), input_shape=(3, 2)),
        ],
        "Contiguous": [
            Case(Contiguous(), input=lambda rng: rng.standard_normal((4, 3)).T, batched=True),
        ],
        "Select": [
            Case(Select(0, 2), input_shape=(4, 3)),
            Case(Select(-1, -2), input_shape=(3, 2, 4), batched=True),
        ],
        "MaskedSelect": [Case(MaskedSelect(), input=_masked)],
        "Index": [
            Case(Index(0), input=_indexed),
            Case(Index(-1), input=lambda rng: [rng.standard_normal((2, 3)), np.array([1, 1])]),
        ],
        "Squeeze": [
            Case(Squeeze(), input_shape=(3, 1, 4, 1)),
            Case(Squeeze(1), input_shape=(3, 1, 1)),
            Case(Squeeze(0, 2), input_shape=(3, 1, 4), batched=True),
            Case(Squeeze(num_input_dims=2), input_shape=(3, 1, 4), batched=True),
        ],
        "Unsqueeze": [
            Case(Unsqueeze(0), input_shape=(3, 4)),
            Case(Unsqueeze(1, 2), input_shape=(3, 2, 4), batched=True),
            Case(Unsqueeze(-1), input_shape=(3, 2), batched=True),
        ],
        "Transpose": [
            Case(Transpose((0, 1)), input_shape=(2, 3)),
            Case(Transpose((0, 2), (0, 1)), input_shape=(2, 3, 4)),
            Case(Transpose((0, 1), num_input_dims=2), input_shape=(3, 2, 4), batched=True),
        ],
        "Padding": [
            Case(Padding(0, 2, 1, -1.0), input_shape=(3,)),
            Case(Padding(0, -2, 1, 0.5), input_shape=(2, 3), batched=True),
            Case(Padding(1, -2, 2, 0.0, 1), input_shape=(2, 3, 4), batched=True),
            Case(Padding(-1, 1, None, 0.0, 2), input_shape=(2, 4)),
        ],
        "Collapse": [
            Case(Collapse(3), input_shape=(2, 3, 4)),
            Case(Collapse(2), input_shape=(3, 2, 4), batched=True),
        ],
        "Constant": [
            Case(Constant(2.5), input_shape=(3,)),
            Case(Constant(np.array([[1.0, 2.0]]), 1), input_shape=(3, 4), batched=True),
        ],
        "OneHot": [
            Case(OneHot(5), input=np.array([3, 0, 4, 4]), batched=True),
            Case(OneHot(3), input=np.array([[0, 2], [1, 1]]), batched=True),
        ],
        "PixelShuffle": [
            Case(PixelShuffle(2), input_shape=(8, 2, 3)),
            Case(PixelShuffle(2), input_shape=(2, 4, 3, 2), batched=True),
        ],
        "PrintSize": [Case(PrintSize("shape"), input_shape=(2, 3), batched=True, bad_inputs=[])],
        "TemporalDynamicKMaxPooling": [
            Case(TemporalDynamicKMaxPooling(2), input_shape=(5, 3)),
            Case(TemporalDynamicKMaxPooling(2, 0.5), input_shape=(2, 7, 3), batched=True),
        ],
    }
