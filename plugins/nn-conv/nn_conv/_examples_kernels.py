"""Conformance-kit examples for nn-conv's classes (kernels)."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from .lookup_table import LookupTable
from .spatial_average_pooling import SpatialAveragePooling
from .spatial_convolution import SpatialConvolution
from .spatial_convolution_mm import SpatialConvolutionMM
from .spatial_dilated_convolution import SpatialDilatedConvolution
from .spatial_full_convolution import SpatialFullConvolution
from .spatial_max_pooling import SpatialMaxPooling
from .temporal_convolution import TemporalConvolution
from .temporal_max_pooling import TemporalMaxPooling


def _distinct(shape: tuple[int, ...]):
    """Inputs without ties, so that max pooling is differentiable at them."""

    def make(rng: np.random.Generator) -> np.ndarray:
        return rng.permutation(np.prod(shape)).reshape(shape) / 7.0 - 1.0

    return make


def _ids(n_index: int, shape: tuple[int, ...]):
    return lambda rng: rng.integers(0, n_index, shape)


def _with_target(shape: tuple[int, ...], target_shape: tuple[int, ...]):
    """A table ``[input, target]`` whose target only gives the output size."""
    return lambda rng: [rng.standard_normal(shape), rng.standard_normal(target_shape)]


#: a table of the wrong length, a target size no adj reaches, a target that is no array
_TABLE_BAD_INPUTS = [
    "not an array",
    [np.zeros((2, 2, 3, 3))],
    [np.zeros((2, 2, 3, 3)), np.zeros((2, 3, 7, 5))],
    [np.zeros((2, 2, 3, 3)), "not an array"],
]

_NOT_A_GRADIENT = {
    "check_parameter_jacobian": "padding rows and frequency scaling change the gradient on purpose",
}


def examples() -> dict[str, list[Case]]:
    return {
        "SpatialConvolution": [
            Case(SpatialConvolution(2, 3, 3, 2), input_shape=(2, 2, 5, 4), batched=True),
            Case(SpatialConvolution(3, 2, 3, 3, 2, 1, 1, 2), input_shape=(3, 6, 5)),
            Case(
                SpatialConvolution(2, 2, 2, 2, bias=False), input_shape=(2, 2, 3, 3), batched=True
            ),
            # 3x3, stride 1, 16 planes in and out: the Winograd path
            Case(
                SpatialConvolution(16, 16, 3, 3, 1, 1, 1), input_shape=(2, 16, 3, 3), batched=True
            ),
        ],
        "SpatialConvolutionMM": [
            Case(SpatialConvolutionMM(2, 3, 3, 3, 1, 1, 1), input_shape=(2, 2, 4, 4), batched=True),
        ],
        "SpatialDilatedConvolution": [
            Case(
                SpatialDilatedConvolution(2, 2, 3, 2, 1, 2, 2, 1, 2, 1),
                input_shape=(2, 2, 5, 6),
                batched=True,
            ),
        ],
        "SpatialFullConvolution": [
            Case(
                SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 0),
                input_shape=(2, 2, 3, 3),
                batched=True,
            ),
            Case(SpatialFullConvolution(3, 2, 2, 3), input_shape=(3, 2, 3)),
            # [input, target]: the target's size picks adj (6 = 5 + 1 rows, 5 = 5 + 0 columns)
            Case(
                SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1),
                input=_with_target((2, 2, 3, 3), (2, 3, 6, 5)),
                batched=True,
                bad_inputs=_TABLE_BAD_INPUTS,
                name="SpatialFullConvolution([input, target])",
            ),
            # an integer target of rank 2; the constructor's adj (2, 1) is ignored
            Case(
                SpatialFullConvolution(3, 2, 3, 2, 3, 2, 0, 1, 2, 1),
                input=lambda rng: [rng.standard_normal((3, 2, 3)), np.zeros((2, 10), np.int64)],
                name="SpatialFullConvolution([input, integer target])",
            ),
        ],
        "SpatialMaxPooling": [
            Case(SpatialMaxPooling(2, 2), input=_distinct((2, 3, 4, 4)), batched=True),
            Case(SpatialMaxPooling(3, 2, 2, 1, 1, 1, ceil_mode=True), input=_distinct((2, 5, 6))),
        ],
        "SpatialAveragePooling": [
            Case(SpatialAveragePooling(2, 2, 2, 2), input_shape=(2, 3, 4, 4), batched=True),
            Case(
                SpatialAveragePooling(3, 3, 2, 2, 1, 1, ceil_mode=True, count_include_pad=False),
                input_shape=(2, 6, 5),
            ),
            Case(
                SpatialAveragePooling(2, 3, 1, 2, 1, 1, divide=False),
                input_shape=(2, 2, 5, 4),
                batched=True,
            ),
            Case(
                SpatialAveragePooling(2, 2, 2, 2, ceil_mode=True, divide=False),
                input_shape=(2, 3, 3),
            ),
        ],
        "TemporalConvolution": [
            Case(TemporalConvolution(3, 2, 3, 2), input_shape=(2, 7, 3), batched=True),
            Case(TemporalConvolution(2, 4, 2), input_shape=(5, 2)),
        ],
        "TemporalMaxPooling": [
            Case(TemporalMaxPooling(2), input=_distinct((2, 6, 3)), batched=True),
            Case(TemporalMaxPooling(3, 1), input=_distinct((5, 2))),
        ],
        "LookupTable": [
            Case(LookupTable(6, 3), input=_ids(6, (2, 4)), batched=True),
            Case(
                LookupTable(5, 2, padding_value=1, scale_grad_by_freq=True),
                input=_ids(5, (7,)),
                skip=_NOT_A_GRADIENT,
            ),
        ],
    }
