"""SpatialLPPooling: the p-norm of every window."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module

from . import _backend
from ._cases import BAD_INPUTS, batch_cases
from ._geometry import Geometry
from ._spatial import (
    demote,
    expect_grad_shape,
    expect_min_size,
    expect_planes,
    promote,
    promote_pair,
)


class SpatialLPPooling(Module):
    """Power-average pooling (torch/nn ``SpatialLPPooling``).

    ``y[c, i, j] = (sum_{a<kh, b<kw} x[c, i*dh + a, j*dw + b] ** pnorm) ** (1 / pnorm)``; strides
    default to the kernel.  As in torch/nn the power is not taken of ``|x|``, so an odd
    ``pnorm`` needs non-negative input.  Gradient:
    ``dy/dx = x ** (pnorm - 1) * y ** (1 - pnorm)`` summed over the windows holding ``x``.

    >>> import numpy as np
    >>> SpatialLPPooling(1, 2, 2, 1).forward(np.array([[[3.0, 4.0]]]))
    array([[[5.]]])
    """

    def __init__(
        self,
        n_input_plane: int,
        pnorm: float,
        kw: int,
        kh: int,
        dw: int | None = None,
        dh: int | None = None,
    ) -> None:
        super().__init__()
        self.n_input_plane, self.pnorm = n_input_plane, pnorm
        self.kw, self.kh, self.dw, self.dh = kw, kh, dw or kw, dh or kh

    def _window_sums(self, powered: np.ndarray) -> np.ndarray:
        """The sum over every window of ``powered`` ``(N, C, H, W)``, on the average-pooling
        kernel (the mean of a full window times its size: there is no padding)."""
        geometry = Geometry(self.kh, self.kw, self.dh, self.dw)
        n, c, height, width = powered.shape
        out_h, out_w = geometry.out_size(height, width)
        sums = np.empty((n, c, out_h, out_w), powered.dtype)
        _backend.avg_pool2d(
            np.ascontiguousarray(powered).reshape(n * c, height, width),
            sums.reshape(n * c, out_h, out_w),
            *geometry[:6],
            True,
        )
        sums *= self.kh * self.kw
        return sums

    def _norms(self, x: np.ndarray) -> np.ndarray:
        expect_planes(x, self.n_input_plane)
        expect_min_size(x, (self.kh, self.kw))
        if self.pnorm == 2:  # the common case: products and a square root, no powers
            return np.sqrt(self._window_sums(x * x))
        return self._window_sums(x**self.pnorm) ** (1.0 / self.pnorm)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        return demote(self._norms(x), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        y = self._norms(x)
        expect_grad_shape(g, y.shape)
        p = self.pnorm
        share = g / y if p == 2 else g * y ** (1.0 - p)
        # the average pooling's backward spreads share / (kh * kw) over each window
        share *= self.kh * self.kw
        grad = np.zeros(x.shape, x.dtype)
        n, c, height, width = x.shape
        _backend.avg_pool2d_backward(
            np.ascontiguousarray(share).reshape(n * c, *y.shape[2:]),
            grad.reshape(n * c, height, width),
            *Geometry(self.kh, self.kw, self.dh, self.dw)[:6],
            True,
        )
        grad *= x if p == 2 else x ** (p - 1)
        return demote(grad, single)

    def extra_repr(self) -> str:
        return f"{self.n_input_plane}, p={self.pnorm:g}, {self.kw}x{self.kh}, {self.dw},{self.dh}"


def _positive(shape):
    return lambda rng: rng.uniform(0.5, 1.5, shape)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialLPPooling."""
    return [
        *batch_cases(SpatialLPPooling(2, 2, 2, 2), (2, 2, 4, 4), bad_inputs=BAD_INPUTS),
        Case(SpatialLPPooling(1, 3, 2, 3, 1, 1), input=_positive((2, 1, 4, 3)), batched=True),
    ]
