"""VolumetricMaxPooling: max pooling over 3-D windows."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._spatial import MaxPooling


class VolumetricMaxPooling(MaxPooling):
    """Max over ``kt x kh x kw`` windows of ``(C, T, H, W)`` or ``(N, C, T, H, W)`` (torch/nn
    ``VolumetricMaxPooling``).

    ``y[c, t, i, j] = max x[c, t*dt - pad_t + a, i*dh - pad_h + b, j*dw - pad_w + e]`` over the
    window positions inside the input; strides default to the kernel.  Output sizes are
    ``floor((size + 2*pad - k) / d) + 1`` (``ceil`` with ``ceil_mode``).  ``indices`` holds
    each winner's flat index ``(t * H + row) * W + col`` inside its volume.

    >>> import numpy as np
    >>> VolumetricMaxPooling(2, 2, 2).forward(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[[[7.]]]])
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
        ceil_mode: bool = False,
    ) -> None:
        kernel, stride, pad = (kt, kh, kw), (dt, dh, dw), (pad_t, pad_h, pad_w)
        super().__init__("thw", kernel, stride, pad, (1, 1, 1), ceil_mode)


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricMaxPooling."""
    return [
        *batch_cases(VolumetricMaxPooling(2, 2, 2), (2, 2, 2, 4, 4), bad_inputs=BAD_INPUTS),
        Case(
            VolumetricMaxPooling(2, 2, 1, 1, 2, 1, 1, 1, 0, ceil_mode=True),
            input_shape=(1, 3, 3, 2),
        ),
    ]
