"""TemporalMaxPooling: the maximum over windows of frames, per feature (torch/nn)."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, ShapeError

from ._batches import batched, expect_grad
from ._cases import distinct_input
from ._geometry import Geometry
from ._max_pool import max_pool, max_pool_backward


class TemporalMaxPooling(Module):
    """Max over windows of ``kw`` frames moved by ``dw`` (torch/nn ``TemporalMaxPooling``).

    Input ``(T, F)`` or ``(B, T, F)``; ``out[b, t, f] = max_k x[b, t*dw + k, f]`` for
    ``T' = (T - kw) // dw + 1`` frames.  The argmax frame of every window is kept in
    ``indices`` for the backward pass.

    >>> TemporalMaxPooling(2).forward(np.array([[1.0, 8.0], [3.0, 2.0], [0.0, 5.0], [4.0, 6.0]]))
    array([[3., 8.],
           [4., 6.]])
    """

    def __init__(self, kw: int, dw: int | None = None) -> None:
        super().__init__()
        self.kw, self.dw = kw, kw if dw is None else dw
        self.indices = np.empty((0, 0, 0, 0), np.int64)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = batched(input, 1, self.dtype, keep_float=True)
        if x.shape[1] < self.kw:
            raise ShapeError(
                f"expected at least kw={self.kw} frames, got input of shape {x.shape[1:]}"
            )
        # frames become the rows of one-column planes, one plane per (example, feature)
        planes = np.ascontiguousarray(x.transpose(0, 2, 1))[..., None]
        geometry = Geometry(self.kw, 1, self.dw, 1)
        out_h, out_w = geometry.out_size(x.shape[1], 1)
        out, self.indices = max_pool(planes, geometry, out_h, out_w, self.indices)
        out = out[..., 0].transpose(0, 2, 1)
        return out[0] if single else out

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, single = batched(input, 1, self.dtype, keep_float=True)
        batch, features, frames = self.indices.shape[:3]
        shape = (batch, frames, features)
        g = expect_grad(grad_output, shape[1:] if single else shape, x.dtype)
        g = np.ascontiguousarray((g[None] if single else g).transpose(0, 2, 1))[..., None]
        grad = max_pool_backward(g, self.indices, (*x.shape[::2], x.shape[1], 1))
        grad = grad[..., 0].transpose(0, 2, 1)
        return grad[0] if single else grad

    def extra_repr(self) -> str:
        return f"{self.kw}, {self.dw}"


def examples() -> list[Case]:
    """The conformance kit's cases for TemporalMaxPooling."""
    return [
        Case(TemporalMaxPooling(2), input=distinct_input((2, 6, 3)), batched=True),
        Case(TemporalMaxPooling(3, 1), input=distinct_input((5, 2))),
    ]
