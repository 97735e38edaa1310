"""Conformance-kit examples for nn-basic's criteria."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nncore.testing import Case

from .abs_criterion import AbsCriterion
from .bce_criterion import BCECriterion
from .class_nll_criterion import ClassNLLCriterion
from .class_simplex_criterion import ClassSimplexCriterion
from .cosine_embedding_criterion import CosineEmbeddingCriterion
from .cross_entropy_criterion import CrossEntropyCriterion
from .dist_kl_div_criterion import DistKLDivCriterion
from .distance_ratio_criterion import DistanceRatioCriterion
from .hinge_embedding_criterion import HingeEmbeddingCriterion
from .l1_cost import L1Cost
from .l1_hinge_embedding_criterion import L1HingeEmbeddingCriterion
from .margin_criterion import MarginCriterion
from .margin_ranking_criterion import MarginRankingCriterion
from .module_criterion import ModuleCriterion
from .mse_criterion import MSECriterion
from .multi_criterion import MultiCriterion
from .multi_label_margin_criterion import MultiLabelMarginCriterion
from .multi_label_soft_margin_criterion import MultiLabelSoftMarginCriterion
from .multi_margin_criterion import MultiMarginCriterion
from .parallel_criterion import ParallelCriterion
from .smooth_l1_criterion import SmoothL1Criterion
from .soft_margin_criterion import SoftMarginCriterion
from .spatial_auto_crop_mse_criterion import SpatialAutoCropMSECriterion
from .spatial_class_nll_criterion import SpatialClassNLLCriterion
from .tanh import Tanh
from .weighted_mse_criterion import WeightedMSECriterion

W3 = np.array([0.5, 2.0, 1.0])
BAD_CLASSES = [("not an array", None), (np.zeros((2, 3)), np.array([0, 3])),
               (np.zeros((2, 3)), np.array([0.5, 1.0])), (np.zeros((2, 3)), np.array([0, 1, 2]))]


def _same(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.standard_normal(x.shape)


def _classes(rng: np.random.Generator, x: np.ndarray) -> np.ndarray | int:
    """One 0-based class per row of a (batch, classes) input, or an int for a single example."""
    if x.ndim == 1:
        return int(rng.integers(0, x.shape[0]))
    return rng.integers(0, x.shape[-1], size=x.shape[0])


def _signs(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.choice([-1.0, 1.0], size=np.shape(x))


def _bits(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.integers(0, 2, size=x.shape).astype(float)


def _pair(*shape: int) -> Callable[[np.random.Generator], list[np.ndarray]]:
    return lambda rng: [rng.standard_normal(shape), rng.standard_normal(shape)]


def _distribution(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    t = rng.uniform(0, 1, x.shape) * (rng.uniform(0, 1, x.shape) > 0.3)
    return t / t.sum(axis=-1, keepdims=True).clip(1e-3)


def _label_lists(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Per row, some distinct 0-based classes, then -1, then leftovers that must be ignored."""
    rows = np.atleast_2d(np.zeros(x.shape, dtype=np.int64))
    for row in rows:
        k = int(rng.integers(1, row.size))
        row[:] = rng.permutation(row.size)
        row[k] = -1
    return rows.reshape(x.shape)


def _regression(crit_class: type, **kwargs: object) -> list[Case]:
    return [Case(crit_class(**kwargs), input_shape=(4, 3), target=_same),
            Case(crit_class(size_average=False, **kwargs), input_shape=(5,), target=_same)]


def examples() -> dict[str, list[Case]]:
    return {
        "MSECriterion": [
            Case(MSECriterion(), input_shape=(4, 3), target=_same,
                 bad_inputs=[("not an array", None)]),
            Case(MSECriterion(size_average=False), input_shape=(5,), target=_same),
        ],
        "ClassNLLCriterion": [
            Case(ClassNLLCriterion(), input_shape=(4, 3), target=_classes, bad_inputs=BAD_CLASSES),
            Case(ClassNLLCriterion(size_average=False), input_shape=(3,), target=_classes),
            Case(ClassNLLCriterion(W3), input_shape=(5, 3),
                 target=lambda rng, x: np.array([0, 1, 2, 1, 0])),
            Case(ClassNLLCriterion(W3, False, ignore_index=1),
                 input_shape=(4, 3), target=lambda rng, x: np.array([0.0, 1.0, 2.0, 1.0])),
        ],
        "CrossEntropyCriterion": [
            Case(CrossEntropyCriterion(), input_shape=(4, 3), target=_classes,
                 bad_inputs=BAD_CLASSES),
            Case(CrossEntropyCriterion(W3, size_average=False), input_shape=(3,), target=_classes),
            Case(CrossEntropyCriterion(W3), input_shape=(5, 3), target=_classes),
        ],
        "SpatialClassNLLCriterion": [
            Case(SpatialClassNLLCriterion(), input_shape=(2, 3, 2, 2),
                 target=lambda rng, x: rng.integers(0, 3, size=(2, 2, 2)),
                 bad_inputs=[("not an array", None),
                             (np.zeros((1, 3, 2, 2)), np.full((1, 2, 2), 3)),
                             (np.zeros((1, 3, 2, 2)), np.zeros((1, 2, 3), int))]),
            Case(SpatialClassNLLCriterion(W3, size_average=False), input_shape=(1, 3, 2, 3),
                 target=lambda rng, x: rng.integers(0, 3, size=(1, 2, 3))),
        ],
        "MultiMarginCriterion": [
            Case(MultiMarginCriterion(), input_shape=(4, 3), target=_classes,
                 bad_inputs=BAD_CLASSES),
            Case(MultiMarginCriterion(2, W3, 0.5), input_shape=(5, 3), target=_classes),
            Case(MultiMarginCriterion(1, margin=2.0, size_average=False), input_shape=(4,),
                 target=_classes),
        ],
        "MultiLabelMarginCriterion": [
            Case(MultiLabelMarginCriterion(), input_shape=(3, 4), target=_label_lists,
                 bad_inputs=[("not an array", None), (np.zeros(3), np.array([0, 3, -1])),
                             (np.zeros(3), np.array([0, -2, -1])), (np.zeros(3), np.zeros(2))]),
            Case(MultiLabelMarginCriterion(size_average=False), input_shape=(5,),
                 target=_label_lists),
        ],
        "ClassSimplexCriterion": [
            Case(ClassSimplexCriterion(4), input_shape=(3, 4), target=_classes,
                 bad_inputs=[("not an array", None), (np.zeros((2, 4)), np.array([0, 4]))]),
            Case(ClassSimplexCriterion(3, size_average=False), input_shape=(3,), target=_classes),
        ],
        "AbsCriterion": _regression(AbsCriterion),
        "SmoothL1Criterion": [
            Case(SmoothL1Criterion(), input_shape=(4, 3), target=lambda rng, x: 2 * _same(rng, x)),
            Case(SmoothL1Criterion(size_average=False), input_shape=(5,), target=_same),
        ],
        "WeightedMSECriterion": [
            Case(WeightedMSECriterion(W3), input_shape=(4, 3), target=_same),
            Case(WeightedMSECriterion(np.arange(6.0).reshape(2, 3), size_average=False),
                 input_shape=(2, 3), target=_same,
                 bad_inputs=[("not an array", None), (np.zeros((3, 2)), np.zeros((3, 2)))]),
        ],
        "SpatialAutoCropMSECriterion": [
            Case(SpatialAutoCropMSECriterion(), input_shape=(2, 1, 2, 3),
                 target=lambda rng, x: rng.standard_normal((2, 1, 4, 4)),
                 bad_inputs=[("not an array", None),
                             (np.zeros((1, 3, 3)), np.zeros((1, 2, 4)))]),
            Case(SpatialAutoCropMSECriterion(size_average=False), input_shape=(2, 2, 2),
                 target=lambda rng, x: rng.standard_normal((2, 3, 3))),
        ],
        "DistKLDivCriterion": [
            Case(DistKLDivCriterion(), input_shape=(3, 4), target=_distribution),
            Case(DistKLDivCriterion(size_average=False), input_shape=(4,), target=_distribution),
        ],
        "BCECriterion": [
            Case(BCECriterion(), input=lambda rng: rng.uniform(0.05, 0.95, (4, 3)),
                 target=_bits,
                 bad_inputs=[("not an array", None), (np.array([1.5]), np.array([1.0]))]),
            Case(BCECriterion(W3, size_average=False),
                 input=lambda rng: rng.uniform(0.05, 0.95, (2, 3)),
                 target=lambda rng, x: rng.uniform(0, 1, x.shape)),
            Case(BCECriterion(W3), input=lambda rng: rng.uniform(0.05, 0.95, 3), target=_bits),
        ],
        "MultiLabelSoftMarginCriterion": [
            Case(MultiLabelSoftMarginCriterion(), input_shape=(4, 3), target=_bits),
            Case(MultiLabelSoftMarginCriterion(W3, False), input_shape=(3,), target=_bits),
        ],
        "MarginCriterion": [
            Case(MarginCriterion(), input_shape=(4, 3), target=_signs),
            Case(MarginCriterion(0.5, size_average=False), input_shape=(5,), target=_signs),
        ],
        "SoftMarginCriterion": [
            Case(SoftMarginCriterion(), input_shape=(4, 3), target=_signs),
            Case(SoftMarginCriterion(size_average=False), input_shape=(5,), target=_signs),
        ],
        "HingeEmbeddingCriterion": [
            Case(HingeEmbeddingCriterion(), input_shape=(4, 3), target=_signs,
                 bad_inputs=[("not an array", None), (np.zeros(2), np.array([1.0, 0.0]))]),
            Case(HingeEmbeddingCriterion(0.5, size_average=False), input_shape=(5,),
                 target=lambda rng, x: -1),
        ],
        "L1Cost": [Case(L1Cost(), input_shape=(3, 4))],
        "L1HingeEmbeddingCriterion": [
            Case(L1HingeEmbeddingCriterion(), input=_pair(5), target=1),
            Case(L1HingeEmbeddingCriterion(20.0), input=_pair(2, 3), target=-1,
                 bad_inputs=[("not an array", None), ([np.zeros(2)], 1),
                             ([np.zeros(2), np.zeros(2)], 0)]),
        ],
        "CosineEmbeddingCriterion": [
            Case(CosineEmbeddingCriterion(), input=_pair(4, 3),
                 target=lambda rng, x: np.array([1.0, -1.0, 1.0, -1.0])),
            Case(CosineEmbeddingCriterion(-0.5, size_average=False), input=_pair(3), target=-1),
            Case(CosineEmbeddingCriterion(0.1), input=_pair(5, 2), target=lambda rng, x: _signs(
                rng, x[0][:, 0])),
        ],
        "MarginRankingCriterion": [
            Case(MarginRankingCriterion(), input=_pair(5), target=lambda rng, x: _signs(rng, x[0]),
                 bad_inputs=[("not an array", None), ([np.zeros((2, 2))] * 2, np.ones(2))]),
            Case(MarginRankingCriterion(0.5, size_average=False), input=_pair(1), target=-1),
        ],
        "DistanceRatioCriterion": [
            Case(DistanceRatioCriterion(), input=lambda rng: [rng.uniform(0, 2, 4),
                                                              rng.uniform(0, 2, 4)]),
            Case(DistanceRatioCriterion(size_average=False),
                 input=lambda rng: [rng.uniform(0, 2, (3, 1)), rng.uniform(0, 2, (3, 1))]),
        ],
        "MultiCriterion": [
            Case(MultiCriterion().add(MSECriterion(), 0.5).add(AbsCriterion()),
                 input_shape=(3, 2), target=_same),
            Case(MultiCriterion().add(ClassNLLCriterion(), 0.5).add(CrossEntropyCriterion()),
                 input_shape=(2, 4), target=_classes),
            Case(MultiCriterion().add(CosineEmbeddingCriterion(), 2.0), input=_pair(3, 2),
                 target=lambda rng, x: np.array([1.0, -1.0, 1.0])),
        ],
        "ParallelCriterion": [
            Case(ParallelCriterion().add(ClassNLLCriterion(), 0.5).add(MSECriterion()),
                 input=_pair(2, 3),
                 target=lambda rng, x: [np.array([2, 0]), rng.standard_normal((2, 3))],
                 bad_inputs=[("not an array", None), ([np.zeros((2, 3))], None)]),
            Case(ParallelCriterion(True).add(MSECriterion()).add(AbsCriterion(), 3.0),
                 input=_pair(3), target=lambda rng, x: rng.standard_normal(3)),
        ],
        "ModuleCriterion": [
            Case(ModuleCriterion(MSECriterion(), Tanh(), Tanh()), input_shape=(3, 2),
                 target=_same),
            Case(ModuleCriterion(AbsCriterion(), target_module=Tanh(), cast_target=False),
                 input_shape=(4,), target=_same,
                 skip={"check_float32": "cast_target=False keeps the target module in float64, "
                       "so a float32 target is refused as mixing dtypes"}),
        ],
    }
