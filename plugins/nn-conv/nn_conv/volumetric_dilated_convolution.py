"""VolumetricDilatedConvolution: 3-D convolution with dilated (atrous) kernels."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from .volumetric_convolution import VolumetricConvolution


class VolumetricDilatedConvolution(VolumetricConvolution):
    """3-D convolution whose kernel taps are ``dilation`` apart (torch/nn
    ``VolumetricDilatedConvolution``): ``VolumetricConvolution``'s formula with
    ``x[c, t*dt + a*dilation_t, i*dh + b*dilation_h, j*dw + e*dilation_w]``; output sizes
    ``(size + 2*pad - dilation*(k-1) - 1) // d + 1``.

    >>> import numpy as np
    >>> m = VolumetricDilatedConvolution(1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 3, 1)
    >>> m.forward(np.zeros((1, 5, 6, 7))).shape
    (1, 3, 5, 4)
    """

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        kt: int,
        kw: int,
        kh: int,
        dt: int = 1,
        dw: int = 1,
        dh: int = 1,
        pad_t: int = 0,
        pad_w: int | None = None,
        pad_h: int | None = None,
        dilation_t: int = 1,
        dilation_w: int = 1,
        dilation_h: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__(
            n_input_plane, n_output_plane, kt, kw, kh, dt, dw, dh, pad_t, pad_w, pad_h, bias
        )
        self.dilation_t, self.dilation_w, self.dilation_h = dilation_t, dilation_w, dilation_h


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricDilatedConvolution."""
    return [
        *batch_cases(
            VolumetricDilatedConvolution(1, 2, 2, 2, 1, 1, 1, 1, 0, 1, 0, 2, 2, 1),
            (2, 1, 3, 2, 3),
            bad_inputs=BAD_INPUTS,
        ),
    ]
