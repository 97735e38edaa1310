"""SpatialMaxPooling: the maximum over each 2-D window of every plane (torch/nn)."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._batches import batched, expect_fits, expect_grad
from ._cases import distinct_input
from ._geometry import CeilMode, Geometry
from ._max_pool import max_pool, max_pool_backward


class SpatialMaxPooling(CeilMode):
    """Max pooling over ``kh x kw`` windows moved by ``dh``/``dw`` (torch/nn ``SpatialMaxPooling``).

    Input ``(C, H, W)`` or ``(B, C, H, W)``.  ``out[b, c, y, x]`` is the maximum of the window
    starting at ``(y*dh - pad_h, x*dw - pad_w)``, clipped to the plane (padding never wins);
    ``out_h = floor((H + 2*pad_h - kh) / dh) + 1``, or ``ceil`` with ``ceil_mode`` (the last
    window must start inside the plane; torch/nn's ``ceil()`` and ``floor()`` set it after
    construction, and ``config()`` keeps it).  The argmax of every window is kept in ``indices``
    (as ``y * W + x`` within its plane) and the backward pass routes the gradient to it.

    >>> pool = SpatialMaxPooling(2, 2)
    >>> pool.forward(np.arange(16.0).reshape(1, 4, 4))
    array([[[ 5.,  7.],
            [13., 15.]]])
    """

    def __init__(
        self,
        kw: int,
        kh: int,
        dw: int | None = None,
        dh: int | None = None,
        pad_w: int = 0,
        pad_h: int = 0,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kw, self.kh = kw, kh
        self.dw, self.dh = kw if dw is None else dw, kh if dh is None else dh
        self.pad_w, self.pad_h, self.ceil_mode = pad_w, pad_h, ceil_mode
        if 2 * pad_w > kw or 2 * pad_h > kh:
            raise ValueError(
                f"padding must be at most half the kernel size, got pad {pad_w},{pad_h} "
                f"for a {kw}x{kh} kernel"
            )
        self.indices = np.empty((0, 0, 0, 0), np.int64)
        self.input_size: tuple[int, ...] | None = None

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = batched(input, 2, self.dtype, keep_float=True)
        geometry = Geometry(self.kh, self.kw, self.dh, self.dw, self.pad_h, self.pad_w)
        out_h, out_w = geometry.out_size(x.shape[2], x.shape[3], ceil=self.ceil_mode)
        expect_fits(x, out_h, out_w, geometry)
        out, self.indices = max_pool(x, geometry, out_h, out_w, self.indices)
        self.input_size = x.shape[2:]  # SpatialMaxUnpooling restores planes of this size
        return out[0] if single else out

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, single = batched(input, 2, self.dtype, keep_float=True)
        shape = self.indices.shape[1:] if single else self.indices.shape
        g = expect_grad(grad_output, shape, x.dtype)
        grad = max_pool_backward(g[None] if single else g, self.indices, x.shape)
        return grad[0] if single else grad

    def extra_repr(self) -> str:
        text = f"{self.kw}x{self.kh}, {self.dw},{self.dh}"
        if (self.pad_w, self.pad_h) != (0, 0):
            text += f", {self.pad_w},{self.pad_h}"
        return text + (", ceil" if self.ceil_mode else "")


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialMaxPooling."""
    return [
        Case(SpatialMaxPooling(2, 2), input=distinct_input((2, 3, 4, 4)), batched=True),
        Case(SpatialMaxPooling(3, 2, 2, 1, 1, 1, ceil_mode=True), input=distinct_input((2, 5, 6))),
    ]
