"""Which first-party distribution provides which class, for helpful "not installed" errors.

The registry answers from installed plugins; this table only lets ``nn.JoinTable`` say
``pip install nn-table`` when nn-table is absent.  A test keeps it in step with the plugins.
"""

from __future__ import annotations

_BY_DISTRIBUTION: dict[str, str] = {
    "nn-basic": """
        Sequential Concat DepthConcat Parallel Bottle Decorator DontCast NaN Profile WeightNorm
        Identity Linear LinearWeightNorm SparseLinear Bilinear PartialLinear Euclidean
        WeightedEuclidean Cosine Kmeans CAdd CMul Add Mul MulConstant AddConstant Abs Exp Log
        Square Sqrt Power Clamp Normalize MM MV Max Min Mean Sum Copy Convert Narrow Replicate
        Reshape View Contiguous Select MaskedSelect Index Squeeze Unsqueeze Transpose Padding
        Collapse Constant OneHot PixelShuffle BatchNormalization Dropout WhiteNoise
        GradientReversal L1Penalty ZeroGrad PrintSize TemporalDynamicKMaxPooling
        HardTanh HardShrink SoftShrink SoftMax SoftMin SoftPlus SoftSign LogSigmoid LogSoftMax
        Sigmoid Tanh TanhShrink ReLU ReLU6 PReLU RReLU CReLU ELU SELU LeakyReLU Threshold
        GatedLinearUnit SpatialSoftMax SpatialLogSoftMax
        MSECriterion AbsCriterion SmoothL1Criterion BCECriterion ClassNLLCriterion
        CrossEntropyCriterion ClassSimplexCriterion DistKLDivCriterion MarginCriterion
        SoftMarginCriterion MultiMarginCriterion MultiLabelMarginCriterion
        MultiLabelSoftMarginCriterion HingeEmbeddingCriterion L1HingeEmbeddingCriterion
        CosineEmbeddingCriterion DistanceRatioCriterion MarginRankingCriterion
        WeightedMSECriterion SpatialClassNLLCriterion SpatialAutoCropMSECriterion L1Cost
        MultiCriterion ParallelCriterion ModuleCriterion
    """,
    "nn-table": """
        ConcatTable ParallelTable MapTable SplitTable JoinTable MixtureTable SelectTable
        NarrowTable FlattenTable ZipTable ZipTableOneToMany CriterionTable PairwiseDistance
        DotProduct CosineDistance CAddTable CSubTable CMulTable CDivTable CMaxTable CMinTable
    """,
    "nn-conv": """
        SpatialConvolution SpatialConvolutionMM SpatialFullConvolution SpatialDilatedConvolution
        SpatialMaxPooling SpatialAveragePooling TemporalConvolution TemporalMaxPooling LookupTable
        SpatialConvolutionLocal SpatialConvolutionMap SpatialSubSampling SpatialLPPooling
        SpatialDilatedMaxPooling SpatialFractionalMaxPooling SpatialAdaptiveMaxPooling
        SpatialAdaptiveAveragePooling SpatialMaxUnpooling SpatialZeroPadding
        SpatialReflectionPadding SpatialReplicationPadding SpatialUpSamplingNearest
        SpatialUpSamplingBilinear SpatialBatchNormalization SpatialDropout SpatialCrossMapLRN
        SpatialSubtractiveNormalization SpatialDivisiveNormalization
        SpatialContrastiveNormalization TemporalSubSampling TemporalRowConvolution
        VolumetricConvolution VolumetricFullConvolution VolumetricDilatedConvolution
        VolumetricMaxPooling VolumetricAveragePooling VolumetricDropout
        VolumetricReplicationPadding
    """,
    "nn-graph": "gModule ModuleFromCriterion Parameters Op",
}

KNOWN_PROVIDERS: dict[str, str] = {
    name: distribution for distribution, names in _BY_DISTRIBUTION.items() for name in names.split()
}
