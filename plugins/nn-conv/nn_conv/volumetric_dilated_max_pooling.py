"""VolumetricDilatedMaxPooling: max pooling over dilated 3-D windows."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases, distinct_input
from ._spatial import MaxPooling


class VolumetricDilatedMaxPooling(MaxPooling):
    """Max over dilated ``kt x kh x kw`` windows of ``(C, T, H, W)`` or ``(N, C, T, H, W)``
    (torch/nn ``VolumetricDilatedMaxPooling``).

    ``y[c, t, i, j] = max x[c, t*dt - pad_t + a*dilation_t, i*dh - pad_h + b*dilation_h,
    j*dw - pad_w + e*dilation_w]`` over the window positions inside the input (the padding never
    wins); strides default to the kernel.  Output sizes are ``floor((size + 2*pad -
    dilation*(k-1) - 1) / d) + 1`` (``ceil`` with ``ceil_mode`` or after ``ceil()``).
    ``indices`` holds each winner's flat index ``(t * H + row) * W + col`` inside its volume; the
    backward pass routes ``grad_output`` there.

    >>> import numpy as np
    >>> pool = VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2)
    >>> pool.forward(np.arange(27.0).reshape(1, 3, 3, 3))
    array([[[[26.]]]])
    """

    def __init__(
        self,
        kt: int,
        kw: int,
        kh: int,
        dt: int | None = None,
        dw: int | None = None,
        dh: int | None = None,
        pad_t: int = 0,
        pad_w: int = 0,
        pad_h: int = 0,
        dilation_t: int = 1,
        dilation_w: int = 1,
        dilation_h: int = 1,
        ceil_mode: bool = False,
    ) -> None:
        kernel, stride, pad = (kt, kh, kw), (dt, dh, dw), (pad_t, pad_h, pad_w)
        dilation = (dilation_t, dilation_h, dilation_w)
        super().__init__("thw", kernel, stride, pad, dilation, ceil_mode)


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricDilatedMaxPooling."""
    return [
        *batch_cases(
            VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 1, 2),
            (2, 2, 4, 5, 4),
            bad_inputs=BAD_INPUTS,
        ),
        Case(
            VolumetricDilatedMaxPooling(2, 3, 2, 2, 1, 1, 1, 1, 0, 1, 1, 2, ceil_mode=True),
            input=distinct_input((2, 4, 4, 5)),
        ),
    ]
