"""nn-conv's classes (numpy): {ClassName: module file}."""

NAMES: dict[str, str] = {
    "SpatialZeroPadding": "spatial_zero_padding",
    "SpatialReflectionPadding": "spatial_reflection_padding",
    "SpatialReplicationPadding": "spatial_replication_padding",
    "VolumetricReplicationPadding": "volumetric_replication_padding",
    "SpatialUpSamplingNearest": "spatial_up_sampling_nearest",
    "SpatialUpSamplingBilinear": "spatial_up_sampling_bilinear",
    "SpatialAdaptiveAveragePooling": "spatial_adaptive_average_pooling",
    "SpatialBatchNormalization": "spatial_batch_normalization",
    "SpatialDropout": "spatial_dropout",
    "VolumetricDropout": "volumetric_dropout",
    "SpatialDilatedMaxPooling": "spatial_dilated_max_pooling",
    "VolumetricMaxPooling": "volumetric_max_pooling",
    "VolumetricAveragePooling": "volumetric_average_pooling",
    "SpatialAdaptiveMaxPooling": "spatial_adaptive_max_pooling",
    "SpatialFractionalMaxPooling": "spatial_fractional_max_pooling",
    "SpatialMaxUnpooling": "spatial_max_unpooling",
    "SpatialLPPooling": "spatial_lp_pooling",
    "SpatialSubSampling": "spatial_sub_sampling",
    "TemporalSubSampling": "temporal_sub_sampling",
}
