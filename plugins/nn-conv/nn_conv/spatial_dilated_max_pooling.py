"""SpatialDilatedMaxPooling: max pooling over dilated windows."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._spatial import MaxPooling


class SpatialDilatedMaxPooling(MaxPooling):
    """Max over dilated ``kh x kw`` windows of ``(C, H, W)`` or ``(N, C, H, W)`` (torch/nn
    ``SpatialDilatedMaxPooling``).

    ``y[c, i, j] = max_{a, b} x[c, i*dh - pad_h + a*dilation_h, j*dw - pad_w + b*dilation_w]``
    over positions inside the input (the padding never wins).  Output height
    ``floor((H + 2*pad_h - dilation_h*(kh-1) - 1) / dh) + 1`` (``ceil`` with ``ceil_mode``),
    likewise for the width.  ``indices`` holds each winner's flat index ``row * W + col``; the
    backward pass routes ``grad_output`` there.

    >>> import numpy as np
    >>> SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 2, 2).forward(np.arange(9.0).reshape(1, 3, 3))
    array([[[8.]]])
    """

    def __init__(
        self,
        kw: int,
        kh: int,
        dw: int | None = None,
        dh: int | None = None,
        pad_w: int = 0,
        pad_h: int = 0,
        dilation_w: int = 1,
        dilation_h: int = 1,
        ceil_mode: bool = False,
    ) -> None:
        kernel, stride, pad = (kh, kw), (dh, dw), (pad_h, pad_w)
        super().__init__("hw", kernel, stride, pad, (dilation_h, dilation_w), ceil_mode)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialDilatedMaxPooling."""
    return [
        *batch_cases(SpatialDilatedMaxPooling(2, 2), (2, 2, 4, 4), bad_inputs=BAD_INPUTS),
        *batch_cases(SpatialDilatedMaxPooling(2, 3, 1, 2, 1, 1, 2, 1), (2, 2, 5, 4)),
        Case(SpatialDilatedMaxPooling(3, 3, 2, 2, 1, 1, ceil_mode=True), input_shape=(2, 4, 4)),
    ]
