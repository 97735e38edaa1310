"""nn-conv's registration with nncore: each class's name and the module defining it.

Names and lazy references only: nothing here imports a layer or a compiled module (the
extensions are listed by name so that ``nncore plugins`` can look for them).
"""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

MODULES = {
    "SpatialConvolution": "spatial_convolution",
    "SpatialConvolutionMM": "spatial_convolution_mm",
    "SpatialDilatedConvolution": "spatial_dilated_convolution",
    "SpatialDepthWiseConvolution": "spatial_depth_wise_convolution",
    "SpatialFullConvolution": "spatial_full_convolution",
    "SpatialMaxPooling": "spatial_max_pooling",
    "SpatialAveragePooling": "spatial_average_pooling",
    "TemporalConvolution": "temporal_convolution",
    "TemporalMaxPooling": "temporal_max_pooling",
    "LookupTable": "lookup_table",
    "SpatialZeroPadding": "spatial_zero_padding",
    "SpatialReflectionPadding": "spatial_reflection_padding",
    "SpatialReplicationPadding": "spatial_replication_padding",
    "VolumetricReplicationPadding": "volumetric_replication_padding",
    "SpatialUpSamplingNearest": "spatial_up_sampling_nearest",
    "SpatialUpSamplingBilinear": "spatial_up_sampling_bilinear",
    "UpSampling": "up_sampling",
    "SpatialAdaptiveAveragePooling": "spatial_adaptive_average_pooling",
    "SpatialBatchNormalization": "spatial_batch_normalization",
    "VolumetricBatchNormalization": "volumetric_batch_normalization",
    "SpatialDropout": "spatial_dropout",
    "VolumetricDropout": "volumetric_dropout",
    "SpatialDilatedMaxPooling": "spatial_dilated_max_pooling",
    "VolumetricMaxPooling": "volumetric_max_pooling",
    "VolumetricDilatedMaxPooling": "volumetric_dilated_max_pooling",
    "VolumetricAveragePooling": "volumetric_average_pooling",
    "SpatialAdaptiveMaxPooling": "spatial_adaptive_max_pooling",
    "SpatialFractionalMaxPooling": "spatial_fractional_max_pooling",
    "VolumetricFractionalMaxPooling": "volumetric_fractional_max_pooling",
    "SpatialMaxUnpooling": "spatial_max_unpooling",
    "VolumetricMaxUnpooling": "volumetric_max_unpooling",
    "SpatialLPPooling": "spatial_lp_pooling",
    "FeatureLPPooling": "feature_lp_pooling",
    "SpatialSubSampling": "spatial_sub_sampling",
    "TemporalSubSampling": "temporal_sub_sampling",
    "SpatialCrossMapLRN": "spatial_cross_map_lrn",
    "SpatialSubtractiveNormalization": "spatial_subtractive_normalization",
    "SpatialDivisiveNormalization": "spatial_divisive_normalization",
    "SpatialContrastiveNormalization": "spatial_contrastive_normalization",
    "SpatialConvolutionLocal": "spatial_convolution_local",
    "SpatialConvolutionMap": "spatial_convolution_map",
    "SpatialFullConvolutionMap": "spatial_full_convolution_map",
    "TemporalRowConvolution": "temporal_row_convolution",
    "VolumetricConvolution": "volumetric_convolution",
    "VolumetricDilatedConvolution": "volumetric_dilated_convolution",
    "VolumetricFullConvolution": "volumetric_full_convolution",
}


#: kernel family module -> the kernels it holds
FAMILIES: dict[str, tuple[str, ...]] = {
    "_im2col": ("im2col", "col2im", "columns_to_batch", "batch_to_columns"),
    "_per_example_conv": (
        "conv2d_gemm_forward",
        "conv2d_gemm_backward_input",
        "conv2d_gemm_backward_weight",
    ),
    "_pooling": ("max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward"),
    "_embedding": ("embedding_forward", "embedding_backward", "embedding_renorm"),
    "_winograd": ("winograd_input", "winograd_output", "winograd_grad_output"),
}
#: every compiled module: the families and the team of threads (``_team``, compiled only)
EXTENSIONS: tuple[str, ...] = (*FAMILIES, "_team")


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_conv", "module", MODULES)


@hookimpl
def nncore_backend() -> str:
    """Which kernels nn-conv would use, decided without importing the extensions."""
    import importlib.util
    import os

    if os.environ.get("NNCORE_NO_EXTENSIONS", "") not in ("", "0"):
        return "numpy reference (NNCORE_NO_EXTENSIONS is set)"
    for name in EXTENSIONS:
        if importlib.util.find_spec(f"nn_conv.{name}") is None:
            return f"numpy reference (compiled kernels not built: nn_conv.{name})"
    return "compiled (Cython)"
