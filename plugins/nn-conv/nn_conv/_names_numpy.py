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
}
