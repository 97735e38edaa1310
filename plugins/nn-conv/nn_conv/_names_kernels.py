"""nn-conv's classes (kernels): {ClassName: module file}."""

NAMES: dict[str, str] = {
    "SpatialConvolution": "spatial_convolution",
    "SpatialConvolutionMM": "spatial_convolution_mm",
    "SpatialDilatedConvolution": "spatial_dilated_convolution",
    "SpatialFullConvolution": "spatial_full_convolution",
    "SpatialMaxPooling": "spatial_max_pooling",
    "SpatialAveragePooling": "spatial_average_pooling",
    "TemporalConvolution": "temporal_convolution",
    "TemporalMaxPooling": "temporal_max_pooling",
    "LookupTable": "lookup_table",
}
