"""SpatialConvolutionMM: torch/nn's name for the GEMM-based SpatialConvolution."""

from __future__ import annotations

from nncore.plugin import Case

from .spatial_convolution import SpatialConvolution


class SpatialConvolutionMM(SpatialConvolution):
    """The same layer as :class:`SpatialConvolution` (which already runs as im2col + GEMM).

    Kept under torch/nn's second name so that code and saved models using it keep working;
    the weight has the 4-D layout ``(n_output_plane, n_input_plane, kh, kw)``.

    >>> SpatialConvolutionMM(3, 8, 3, 3)
    nn.SpatialConvolutionMM(3 -> 8, 3x3)
    """


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialConvolutionMM."""
    return [
        Case(SpatialConvolutionMM(2, 3, 3, 3, 1, 1, 1), input_shape=(2, 2, 4, 4), batched=True),
    ]
