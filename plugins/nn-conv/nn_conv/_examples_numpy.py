"""Conformance-kit examples for nn-conv's classes (numpy)."""

from __future__ import annotations

import numpy as np

from nncore import Module
from nncore.testing import Case

from .spatial_adaptive_average_pooling import SpatialAdaptiveAveragePooling
from .spatial_adaptive_max_pooling import SpatialAdaptiveMaxPooling
from .spatial_batch_normalization import SpatialBatchNormalization
from .spatial_contrastive_normalization import SpatialContrastiveNormalization
from .spatial_convolution_local import SpatialConvolutionLocal
from .spatial_convolution_map import SpatialConvolutionMap
from .spatial_cross_map_lrn import SpatialCrossMapLRN
from .spatial_dilated_max_pooling import SpatialDilatedMaxPooling
from .spatial_divisive_normalization import SpatialDivisiveNormalization
from .spatial_dropout import SpatialDropout
from .spatial_fractional_max_pooling import SpatialFractionalMaxPooling
from .spatial_lp_pooling import SpatialLPPooling
from .spatial_max_pooling import SpatialMaxPooling
from .spatial_max_unpooling import SpatialMaxUnpooling
from .spatial_reflection_padding import SpatialReflectionPadding
from .spatial_replication_padding import SpatialReplicationPadding
from .spatial_sub_sampling import SpatialSubSampling
from .spatial_subtractive_normalization import SpatialSubtractiveNormalization
from .spatial_up_sampling_bilinear import SpatialUpSamplingBilinear
from .spatial_up_sampling_nearest import SpatialUpSamplingNearest
from .spatial_zero_padding import SpatialZeroPadding
from .temporal_row_convolution import TemporalRowConvolution
from .temporal_sub_sampling import TemporalSubSampling
from .volumetric_average_pooling import VolumetricAveragePooling
from .volumetric_convolution import VolumetricConvolution
from .volumetric_dilated_convolution import VolumetricDilatedConvolution
from .volumetric_dropout import VolumetricDropout
from .volumetric_full_convolution import VolumetricFullConvolution
from .volumetric_max_pooling import VolumetricMaxPooling
from .volumetric_replication_padding import VolumetricReplicationPadding

WRONG_NDIM = np.zeros((3, 4))


def _batch(module, shape, **kwargs) -> list[Case]:
    """A batched case and a single-example case of the same module."""
    return [
        Case(module, input_shape=shape, batched=True, **kwargs),
        Case(module, input_shape=shape[1:], **kwargs),
    ]


def _positive(shape):
    return lambda rng: rng.uniform(0.5, 1.5, shape)


def _unpooling(pool: Module, shape: tuple[int, ...]) -> SpatialMaxUnpooling:
    pool.forward(np.random.default_rng(0).standard_normal(shape))
    return SpatialMaxUnpooling(pool)


def examples() -> dict[str, list[Case]]:
    bad = ["not an array", WRONG_NDIM]
    return {
        "SpatialZeroPadding": [
            *_batch(SpatialZeroPadding(1, 2, 0, 1), (2, 2, 3, 3), bad_inputs=bad),
            Case(SpatialZeroPadding(-1, 1, 1, -1), input_shape=(2, 3, 4), bad_inputs=bad),
        ],
        "SpatialReflectionPadding": _batch(
            SpatialReflectionPadding(2, 1, 1, 2), (2, 2, 3, 4), bad_inputs=bad
        ),
        "SpatialReplicationPadding": _batch(
            SpatialReplicationPadding(1, 2, 2, 0), (2, 2, 3, 2), bad_inputs=bad
        ),
        "VolumetricReplicationPadding": _batch(
            VolumetricReplicationPadding(1, 0, 0, 1, 2, 1), (2, 2, 2, 2, 3), bad_inputs=bad
        ),
        "SpatialUpSamplingNearest": _batch(
            SpatialUpSamplingNearest(2), (2, 2, 2, 3), bad_inputs=bad
        ),
        "SpatialUpSamplingBilinear": [
            *_batch(SpatialUpSamplingBilinear(2), (2, 2, 2, 3), bad_inputs=bad),
            Case(SpatialUpSamplingBilinear({"oheight": 4, "owidth": 2}), input_shape=(1, 3, 3)),
        ],
        "SpatialAdaptiveAveragePooling": [
            *_batch(SpatialAdaptiveAveragePooling(2, 3), (2, 2, 5, 4), bad_inputs=bad),
            Case(SpatialAdaptiveAveragePooling(3, 1), input_shape=(2, 2, 2)),
        ],
        "SpatialBatchNormalization": [
            Case(
                SpatialBatchNormalization(3),
                input_shape=(3, 3, 2, 2),
                bad_inputs=["not an array", np.zeros((3, 2, 2)), np.zeros((3, 4, 2, 2))],
            ),
            Case(SpatialBatchNormalization(2, affine=False), input_shape=(2, 2, 3, 1)),
            Case(SpatialBatchNormalization(2, 1e-3, 0.5).evaluate(), input_shape=(2, 2, 2, 2)),
        ],
        "SpatialDropout": [
            Case(SpatialDropout(0.4), input_shape=(3, 4, 2, 2), bad_inputs=bad),
            *_batch(SpatialDropout(0.3).evaluate(), (2, 3, 2, 2)),
        ],
        "VolumetricDropout": [
            Case(VolumetricDropout(0.4), input_shape=(2, 4, 2, 1, 2), bad_inputs=bad),
            *_batch(VolumetricDropout(0.3).evaluate(), (2, 2, 2, 1, 2)),
        ],
        **_pooling(bad),
        **_normalization(bad),
        **_convolution(bad),
    }


def _convolution(bad: list) -> dict[str, list[Case]]:
    table = np.array([[0, 0], [2, 0], [1, 1], [2, 1]])
    return {
        "VolumetricConvolution": [
            *_batch(
                VolumetricConvolution(2, 2, 2, 2, 2),
                (2, 2, 2, 3, 3),
                bad_inputs=bad + [np.zeros((3, 2, 3, 3))],
            ),
            Case(
                VolumetricConvolution(1, 2, 2, 1, 2, 2, 1, 1, 1, 0, 1, bias=False),
                input_shape=(1, 3, 2, 3),
            ),
        ],
        "VolumetricDilatedConvolution": [
            *_batch(
                VolumetricDilatedConvolution(1, 2, 2, 2, 1, 1, 1, 1, 0, 1, 0, 2, 2, 1),
                (2, 1, 3, 2, 3),
                bad_inputs=bad,
            ),
        ],
        "VolumetricFullConvolution": [
            *_batch(
                VolumetricFullConvolution(2, 1, 2, 2, 2, 2, 1, 2, 1, 0, 0, 1, 0, 1),
                (2, 2, 2, 2, 2),
                bad_inputs=bad + [np.zeros((1, 2, 2, 2))],
            ),
            Case(VolumetricFullConvolution(1, 2, 2, 2, 1, bias=False), input_shape=(1, 2, 2, 2)),
        ],
        "SpatialConvolutionLocal": [
            *_batch(
                SpatialConvolutionLocal(2, 2, 4, 3, 2, 2),
                (2, 2, 3, 4),
                bad_inputs=bad + [np.zeros((2, 3, 5))],
            ),
            Case(SpatialConvolutionLocal(1, 2, 3, 3, 2, 2, 2, 2, 1), input_shape=(1, 3, 3)),
        ],
        "SpatialConvolutionMap": [
            *_batch(
                SpatialConvolutionMap(table, 2, 2),
                (2, 3, 3, 3),
                bad_inputs=bad + [np.zeros((2, 3, 3))],
            ),
            Case(
                SpatialConvolutionMap(SpatialConvolutionMap.full(2, 2), 2, 3, 2, 1),
                input_shape=(2, 4, 4),
            ),
        ],
        "TemporalRowConvolution": [
            *_batch(
                TemporalRowConvolution(3, 2), (2, 4, 3), bad_inputs=bad[:1] + [np.zeros((4, 2))]
            ),
            Case(TemporalRowConvolution(2, 3, 2, feat_first=True), input_shape=(2, 2, 7)),
        ],
    }


def _normalization(bad: list) -> dict[str, list[Case]]:
    kernel = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    wrong_planes = np.zeros((1, 3, 4, 4))
    return {
        "SpatialCrossMapLRN": [
            *_batch(SpatialCrossMapLRN(3, 0.5, 0.75, 2.0), (2, 4, 2, 2), bad_inputs=bad),
            Case(SpatialCrossMapLRN(), input_shape=(6, 2, 1)),
        ],
        "SpatialSubtractiveNormalization": [
            *_batch(
                SpatialSubtractiveNormalization(2, kernel),
                (2, 2, 4, 3),
                bad_inputs=bad + [wrong_planes],
            ),
            Case(SpatialSubtractiveNormalization(1, np.ones(3)), input_shape=(1, 3, 4)),
        ],
        "SpatialDivisiveNormalization": [
            *_batch(
                SpatialDivisiveNormalization(2, kernel),
                (2, 2, 4, 3),
                bad_inputs=bad + [wrong_planes],
            ),
            Case(SpatialDivisiveNormalization(1, np.ones(3)), input_shape=(1, 3, 4)),
        ],
        "SpatialContrastiveNormalization": [
            *_batch(
                SpatialContrastiveNormalization(2, kernel),
                (2, 2, 3, 4),
                bad_inputs=bad + [wrong_planes],
            ),
            Case(SpatialContrastiveNormalization(1, np.ones(3)), input_shape=(1, 4, 3)),
        ],
    }


def _pooling(bad: list) -> dict[str, list[Case]]:
    unsaved = "the pooling's argmax indices are the state of its last forward, not saved"
    return {
        "SpatialDilatedMaxPooling": [
            *_batch(SpatialDilatedMaxPooling(2, 2), (2, 2, 4, 4), bad_inputs=bad),
            *_batch(SpatialDilatedMaxPooling(2, 3, 1, 2, 1, 1, 2, 1), (2, 2, 5, 4)),
            Case(SpatialDilatedMaxPooling(3, 3, 2, 2, 1, 1, ceil_mode=True), input_shape=(2, 4, 4)),
        ],
        "VolumetricMaxPooling": [
            *_batch(VolumetricMaxPooling(2, 2, 2), (2, 2, 2, 4, 4), bad_inputs=bad),
            Case(
                VolumetricMaxPooling(2, 2, 1, 1, 2, 1, 1, 1, 0, ceil_mode=True),
                input_shape=(1, 3, 3, 2),
            ),
        ],
        "VolumetricAveragePooling": [
            *_batch(VolumetricAveragePooling(2, 2, 2), (2, 1, 2, 4, 4), bad_inputs=bad),
            Case(VolumetricAveragePooling(2, 1, 2, 1, 1, 1), input_shape=(2, 3, 2, 3)),
        ],
        "SpatialAdaptiveMaxPooling": [
            *_batch(SpatialAdaptiveMaxPooling(2, 3), (2, 2, 5, 4), bad_inputs=bad),
            Case(SpatialAdaptiveMaxPooling(3, 3), input_shape=(1, 2, 4)),
        ],
        "SpatialFractionalMaxPooling": [
            Case(SpatialFractionalMaxPooling(2, 2, 3, 2), input_shape=(2, 2, 4, 5), bad_inputs=bad),
            Case(SpatialFractionalMaxPooling(2, 3, 0.5, 0.6), input_shape=(2, 6, 5)),
        ],
        "SpatialMaxUnpooling": [
            Case(
                _unpooling(SpatialDilatedMaxPooling(2, 2), (2, 2, 4, 6)),
                input_shape=(2, 2, 2, 3),
                bad_inputs=bad + [np.zeros((1, 2, 2, 3))],
                skip={"check_save_load": unsaved},
            ),
            Case(
                _unpooling(SpatialMaxPooling(2, 1), (2, 3, 4)),
                input_shape=(2, 3, 2),
                skip={"check_save_load": unsaved},
            ),
        ],
        "SpatialLPPooling": [
            *_batch(SpatialLPPooling(2, 2, 2, 2), (2, 2, 4, 4), bad_inputs=bad),
            Case(SpatialLPPooling(1, 3, 2, 3, 1, 1), input=_positive((2, 1, 4, 3)), batched=True),
        ],
        "SpatialSubSampling": [
            *_batch(
                SpatialSubSampling(2, 2, 2, 2, 2),
                (2, 2, 4, 4),
                bad_inputs=bad + [np.zeros((3, 4, 4))],
            ),
            Case(SpatialSubSampling(1, 3, 2), input_shape=(1, 4, 4)),
        ],
        "TemporalSubSampling": [
            *_batch(
                TemporalSubSampling(3, 2, 2),
                (2, 5, 3),
                bad_inputs=["not an array", np.zeros((5, 4))],
            ),
            Case(TemporalSubSampling(2, 3), input_shape=(4, 2)),
        ],
    }
