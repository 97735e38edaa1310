"""SpatialDilatedConvolution: 2-D convolution with spaced-out kernel taps (torch/nn)."""

from __future__ import annotations

import numpy as np  # noqa: F401  (doctest namespace)

from nncore.plugin import Case

from .spatial_convolution import SpatialConvolution


class SpatialDilatedConvolution(SpatialConvolution):
    """:class:`SpatialConvolution` whose kernel taps are ``dilation_h``/``dilation_w`` apart.

    ``out[b, o, y, x] = bias[o] + sum weight[o, c, i, j] * x_pad[b, c, y*dh + i*dilation_h,
    x*dw + j*dilation_w]``, so ``out_h = (H + 2*pad_h - dilation_h*(kh - 1) - 1) // dh + 1``.

    >>> SpatialDilatedConvolution(2, 4, 3, 3, 1, 1, 2, 2, 2, 2).forward(np.zeros((2, 9, 9))).shape
    (4, 9, 9)
    """

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        kw: int,
        kh: int,
        dw: int = 1,
        dh: int = 1,
        pad_w: int = 0,
        pad_h: int | None = None,
        dilation_w: int = 1,
        dilation_h: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__(n_input_plane, n_output_plane, kw, kh, dw, dh, pad_w, pad_h, bias)
        self.dilation_w, self.dilation_h = dilation_w, dilation_h

    def extra_repr(self) -> str:
        # torch/nn prints the dilation last, also when it is 1
        return self.describe(dilation=False) + f", dilation {self.sizes_text('dilation_')}"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialDilatedConvolution."""
    return [
        Case(
            SpatialDilatedConvolution(2, 2, 3, 2, 1, 2, 2, 1, 2, 1),
            input_shape=(2, 2, 5, 6),
            batched=True,
        ),
    ]
