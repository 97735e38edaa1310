"""Conformance-kit examples for nn-basic's simple layers."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from .abs import Abs
from .add import Add
from .add_constant import AddConstant
from .batch_normalization import BatchNormalization
from .bilinear import Bilinear
from .cadd import CAdd
from .clamp import Clamp
from .cmul import CMul
from .cosine import Cosine
from .dropout import Dropout
from .euclidean import Euclidean
from .exp import Exp
from .gradient_reversal import GradientReversal
from .identity import Identity
from .kmeans import Kmeans
from .l1_penalty import L1Penalty
from .linear import Linear
from .linear_weight_norm import LinearWeightNorm
from .log import Log
from .mm import MM
from .mul import Mul
from .mul_constant import MulConstant
from .mv import MV
from .normalize import Normalize
from .partial_linear import PartialLinear
from .power import Power
from .sparse_linear import SparseLinear
from .sqrt import Sqrt
from .square import Square
from .weighted_euclidean import WeightedEuclidean
from .white_noise import WhiteNoise
from .zero_grad import ZeroGrad

# Layers whose backward deliberately differs from the derivative of their forward (y = x):
# the input Jacobian check cannot apply to them, every other check does.
REVERSED = {"check_input_jacobian": "backward returns -lambda * dy on purpose, forward is y = x"}
PENALISED = {"check_input_jacobian": "backward returns the L1 penalty's gradient (plus dy), y = x"}
ZEROED = {"check_input_jacobian": "backward returns zeros on purpose, forward is y = x"}


def _positive(*shape: int):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def _pair(shape_a: tuple[int, ...], shape_b: tuple[int, ...]):
    return lambda rng: [rng.standard_normal(shape_a), rng.standard_normal(shape_b)]


def _sparse(nnz: int, input_size: int):
    """One sparse example: ``[index, value]`` rows, indices drawn with repeats allowed."""
    return lambda rng: np.column_stack(
        [rng.integers(0, input_size, nnz).astype(float), rng.standard_normal(nnz)]
    )


def _partial_linear() -> PartialLinear:
    module = PartialLinear(4, 5)
    module.set_partition(np.array([3, 0, 2]))
    return module


def _weighted_euclidean() -> WeightedEuclidean:
    module = WeightedEuclidean(4, 3)
    module.diag_cov[...] = np.linspace(0.5, 1.5, module.diag_cov.size).reshape(4, 3)
    return module


def examples() -> dict[str, list[Case]]:
    sparse_skip = {"check_input_jacobian": "the index column of a sparse input has no gradient"}
    return {
        "Identity": [Case(Identity(), input_shape=(3, 4), batched=True, bad_inputs=[])],
        "Linear": [
            Case(Linear(5, 3), input_shape=(4, 5), batched=True),
            Case(Linear(5, 3), input_shape=(5,)),
            Case(Linear(4, 2, bias=False), input_shape=(3, 4), batched=True),
        ],
        "LinearWeightNorm": [
            Case(LinearWeightNorm(5, 3), input_shape=(4, 5), batched=True),
            Case(LinearWeightNorm(4, 2, bias=False), input_shape=(4,)),
        ],
        "SparseLinear": [
            Case(SparseLinear(6, 3), input=_sparse(4, 6), skip=sparse_skip),
            Case(SparseLinear(6, 3, do_grad_input=True),
                 input=lambda rng: [_sparse(3, 6)(rng), _sparse(2, 6)(rng)], skip=sparse_skip),
            Case(SparseLinear(5, 2), input=lambda rng: np.stack([_sparse(3, 5)(rng)] * 2),
                 batched=True, skip=sparse_skip),
        ],
        "Bilinear": [
            Case(Bilinear(2, 3, 4), input=_pair((3, 2), (3, 3)), batched=True),
            Case(Bilinear(3, 2, 2, bias=False), input=_pair((3,), (2,))),
        ],
        "PartialLinear": [
            Case(_partial_linear(), input_shape=(3, 4), batched=True),
            Case(PartialLinear(3, 2), input_shape=(2, 3), batched=True),
        ],
        "Euclidean": [
            Case(Euclidean(4, 3), input_shape=(2, 4), batched=True),
            Case(Euclidean(3, 2), input_shape=(3,)),
        ],
        "WeightedEuclidean": [
            Case(_weighted_euclidean(), input_shape=(2, 4), batched=True),
            Case(WeightedEuclidean(3, 2), input_shape=(3,)),
        ],
        "Cosine": [
            Case(Cosine(4, 3), input_shape=(2, 4), batched=True),
            Case(Cosine(3, 2), input_shape=(3,)),
        ],
        "Kmeans": [
            Case(Kmeans(3, 2), input_shape=(6, 2),
                 skip={"check_parameter_jacobian": "centres follow the k-means rule"}),
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
        "Add": [
            Case(Add(4), input_shape=(3, 4), batched=True),
            Case(Add(4, scalar=True), input_shape=(2, 4), batched=True),
        ],
        "Mul": [Case(Mul(), input_shape=(3, 4), batched=True)],
        "MulConstant": [
            Case(MulConstant(-1.5), input_shape=(3, 4), batched=True),
            Case(MulConstant(0.5, inplace=True), input_shape=(3, 4), batched=True),
        ],
        "AddConstant": [
            Case(AddConstant(2.0), input_shape=(3, 4), batched=True),
            Case(AddConstant(np.array([1.0, -2.0, 0.5])), input_shape=(2, 3), batched=True),
            Case(AddConstant(-1.0, inplace=True), input_shape=(3, 4), batched=True),
        ],
        "Abs": [Case(Abs(), input_shape=(3, 4), batched=True)],
        "Exp": [Case(Exp(), input_shape=(3, 4), batched=True)],
        "Log": [Case(Log(), input=_positive(3, 4), batched=True)],
        "Square": [Case(Square(), input_shape=(3, 4), batched=True)],
        "Sqrt": [
            Case(Sqrt(), input=_positive(3, 4), batched=True),
            Case(Sqrt(0.5), input=_positive(4)),
        ],
        "Power": [
            Case(Power(3), input_shape=(3, 4), batched=True),
            Case(Power(0.5), input=_positive(2, 3), batched=True),
        ],
        "Clamp": [Case(Clamp(-0.5, 0.7), input_shape=(3, 4), batched=True)],
        "Normalize": [
            Case(Normalize(2), input_shape=(3, 4), batched=True),
            Case(Normalize(1), input_shape=(4,)),
            Case(Normalize(3), input_shape=(2, 3), batched=True),
            Case(Normalize(float("inf")), input_shape=(2, 3), batched=True),
        ],
        "MM": [
            Case(MM(), input=_pair((3, 4), (4, 2))),
            Case(MM(True, True), input=_pair((2, 4, 3), (2, 2, 4)), batched=True),
            Case(MM(trans_b=True), input=_pair((2, 3, 4), (2, 2, 4)), batched=True),
        ],
        "MV": [
            Case(MV(), input=_pair((3, 4), (4,))),
            Case(MV(trans=True), input=_pair((2, 4, 3), (2, 4)), batched=True),
            Case(MV(), input=_pair((2, 3, 4), (2, 4)), batched=True),
        ],
        "BatchNormalization": [
            Case(BatchNormalization(3), input_shape=(5, 3)),
            Case(BatchNormalization(3, affine=False, momentum=0.3), input_shape=(4, 3)),
            Case(BatchNormalization(3).evaluate(), input_shape=(4, 3), batched=True),
        ],
        "Dropout": [
            Case(Dropout(0.3), input_shape=(3, 4)),
            Case(Dropout(0.4, v1=True), input_shape=(3, 4)),
            Case(Dropout(0.3).evaluate(), input_shape=(3, 4), batched=True),
            Case(Dropout(0.3, v1=True).evaluate(), input_shape=(3, 4), batched=True),
            Case(Dropout(0.3, inplace=True), input_shape=(3, 4)),
            Case(Dropout(0.4, v1=True, inplace=True).evaluate(), input_shape=(3, 4), batched=True),
        ],
        "WhiteNoise": [
            Case(WhiteNoise(0.5, 0.2), input_shape=(3, 4)),
        ],
        "GradientReversal": [
            Case(GradientReversal(0.7), input_shape=(3, 4), batched=True, skip=REVERSED),
        ],
        "L1Penalty": [
            Case(L1Penalty(0.1), input_shape=(3, 4), batched=True, skip=PENALISED),
            Case(L1Penalty(0.2, size_average=True, provide_output=False), input_shape=(3, 4),
                 skip=PENALISED),
        ],
        "ZeroGrad": [
            Case(ZeroGrad(), input_shape=(3, 4), batched=True, skip=ZEROED),
            Case(ZeroGrad(), input=_pair((2,), (2, 2)), skip=ZEROED),
        ],
    }
