"""VolumetricAveragePooling: average pooling over 3-D windows."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_INPUTS, batch_cases
from ._spatial import (
    demote,
    expect_grad_shape,
    expect_min_size,
    out_sizes,
    promote,
    promote_pair,
    windowed_sum_grad,
    windows,
)


class VolumetricAveragePooling(Module):
    """Mean over ``kt x kh x kw`` windows of ``(C, T, H, W)`` or ``(N, C, T, H, W)`` (torch/nn
    ``VolumetricAveragePooling``); strides default to the kernel.

    ``y[c, t, i, j] = mean x[c, t*dt : t*dt+kt, i*dh : i*dh+kh, j*dw : j*dw+kw]``; the backward
    pass spreads each gradient evenly over its window.

    >>> import numpy as np
    >>> VolumetricAveragePooling(2, 2, 2).forward(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[[[3.5]]]])
    """

    def __init__(
        self,
        kt: int,
        kw: int,
        kh: int,
        dt: int | None = None,
        dw: int | None = None,
        dh: int | None = None,
    ) -> None:
        super().__init__()
        self.kt, self.kw, self.kh = kt, kw, kh
        self.dt, self.dw, self.dh = dt or kt, dw or kw, dh or kh
        self.kernel, self.stride = (kt, kh, kw), (self.dt, self.dh, self.dw)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 3)
        expect_min_size(x, self.kernel)
        return demote(windows(x, self.kernel, self.stride).mean(axis=(-3, -2, -1)), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 3)
        expect_grad_shape(g, x.shape[:2] + tuple(out_sizes(x.shape[2:], self.kernel, self.stride)))
        grad = windowed_sum_grad(g / math.prod(self.kernel), x.shape[2:], self.kernel, self.stride)
        return demote(grad, single)

    def extra_repr(self) -> str:
        return f"{self.kt}x{self.kw}x{self.kh}, {self.dt},{self.dw},{self.dh}"


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricAveragePooling."""
    return [
        *batch_cases(VolumetricAveragePooling(2, 2, 2), (2, 1, 2, 4, 4), bad_inputs=BAD_INPUTS),
        Case(VolumetricAveragePooling(2, 1, 2, 1, 1, 1), input_shape=(2, 3, 2, 3)),
    ]
