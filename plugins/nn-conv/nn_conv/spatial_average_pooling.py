"""SpatialAveragePooling: the mean over each 2-D window of every plane (torch/nn)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case

from . import _backend
from ._batches import batched, expect_fits, expect_grad, expect_windows_overlap
from ._geometry import CeilMode, Geometry


class SpatialAveragePooling(CeilMode):
    """Average pooling over ``kh x kw`` windows (torch/nn ``SpatialAveragePooling``).

    Input ``(C, H, W)`` or ``(B, C, H, W)``.  With ``S`` the sum of the window starting at
    ``(y*dh - pad_h, x*dw - pad_w)`` over the plane::

        out[b, c, y, x] = S / n              (divide=True, the default)
        out[b, c, y, x] = S * kw * kh / n    (divide=False, torch/nn's ``divide`` field)

    where ``n`` is the window's size within the padded plane (``count_include_pad``, torch's
    default) or the number of plane elements it covers.  So ``divide=False`` gives the window
    sum wherever ``n = kw*kh``; ``grad_input`` is scaled alike.  Output sizes as
    :class:`SpatialMaxPooling` (``ceil_mode`` likewise); note torch/nn's default stride here is 1.
    As in torch/nn, ``ceil()``/``floor()`` and ``set_count_include_pad()``/
    ``set_count_exclude_pad()`` change the modes after construction (``config()`` keeps them).

    >>> SpatialAveragePooling(2, 2, 2, 2).forward(np.arange(16.0).reshape(1, 4, 4))
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    >>> SpatialAveragePooling(2, 2, 2, 2, divide=False).forward(np.arange(16.0).reshape(1, 4, 4))
    array([[[10., 18.],
            [42., 50.]]])
    """

    def __init__(
        self,
        kw: int,
        kh: int,
        dw: int = 1,
        dh: int = 1,
        pad_w: int = 0,
        pad_h: int = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divide: bool = True,
    ) -> None:
        super().__init__()
        self.kw, self.kh, self.dw, self.dh, self.pad_w, self.pad_h = kw, kh, dw, dh, pad_w, pad_h
        self.ceil_mode, self.count_include_pad, self.divide = ceil_mode, count_include_pad, divide
        if 2 * pad_w > kw or 2 * pad_h > kh:
            raise ValueError(
                f"padding must be at most half the kernel size, got pad {pad_w},{pad_h} "
                f"for a {kw}x{kh} kernel"
            )

    def set_count_include_pad(self) -> SpatialAveragePooling:
        """Divide by the window's size within the padded plane (the default).  Returns self."""
        self.count_include_pad = True
        return self

    def set_count_exclude_pad(self) -> SpatialAveragePooling:
        """Divide by the number of plane elements the window covers.  Returns self."""
        self.count_include_pad = False
        return self

    def config(self) -> dict[str, Any]:
        """The constructor arguments, with the current rounding and counting modes."""
        return {**super().config(), "count_include_pad": self.count_include_pad}

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = batched(input, 2, self.dtype, keep_float=True)
        geometry = Geometry(self.kh, self.kw, self.dh, self.dw, self.pad_h, self.pad_w)
        out_h, out_w = geometry.out_size(x.shape[2], x.shape[3], ceil=self.ceil_mode)
        expect_fits(x, out_h, out_w, geometry)
        expect_windows_overlap(x)
        out = np.empty((*x.shape[:2], out_h, out_w), x.dtype)
        planes = x.shape[0] * x.shape[1]
        _backend.avg_pool2d(
            x.reshape(planes, *x.shape[2:]),
            out.reshape(planes, out_h, out_w),
            *geometry[:6],
            self.count_include_pad,
        )
        if not self.divide:
            out *= self.kw * self.kh
        return out[0] if single else out

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, single = batched(input, 2, self.dtype, keep_float=True)
        geometry = Geometry(self.kh, self.kw, self.dh, self.dw, self.pad_h, self.pad_w)
        shape = (*x.shape[:2], *geometry.out_size(x.shape[2], x.shape[3], ceil=self.ceil_mode))
        g = expect_grad(grad_output, shape[1:] if single else shape, x.dtype)
        grad = np.zeros(x.shape, x.dtype)
        planes = x.shape[0] * x.shape[1]
        _backend.avg_pool2d_backward(
            g.reshape(planes, *shape[2:]),
            grad.reshape(planes, *x.shape[2:]),
            *geometry[:6],
            self.count_include_pad,
        )
        if not self.divide:
            grad *= self.kw * self.kh
        return grad[0] if single else grad

    def extra_repr(self) -> str:
        text = f"{self.kw}x{self.kh}, {self.dw},{self.dh}"
        if (self.pad_w, self.pad_h) != (0, 0):
            text += f", {self.pad_w},{self.pad_h}"
        text += ", ceil" if self.ceil_mode else ""
        return text + ("" if self.divide else ", no divide")


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialAveragePooling."""
    return [
        Case(SpatialAveragePooling(2, 2, 2, 2), input_shape=(2, 3, 4, 4), batched=True),
        Case(
            SpatialAveragePooling(3, 3, 2, 2, 1, 1, ceil_mode=True, count_include_pad=False),
            input_shape=(2, 6, 5),
        ),
        Case(
            SpatialAveragePooling(2, 3, 1, 2, 1, 1, divide=False),
            input_shape=(2, 2, 5, 4),
            batched=True,
        ),
        Case(
            SpatialAveragePooling(2, 2, 2, 2, ceil_mode=True, divide=False),
            input_shape=(2, 3, 3),
        ),
    ]
