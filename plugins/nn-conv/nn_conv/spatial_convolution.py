"""SpatialConvolution: 2-D convolution over a stack of planes (torch/nn)."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, expect_size

from ._batches import batched, expect_fits, expect_grad
from ._conv2d import spatial_conv, spatial_conv_backward_input, spatial_conv_backward_weight
from ._convolution import Convolution
from ._workspace import Workspace


class SpatialConvolution(Convolution):
    """2-D convolution (torch/nn ``SpatialConvolution``), batch first.

    Input ``(n_input_plane, H, W)`` or ``(B, n_input_plane, H, W)``; ``weight`` is
    ``(n_output_plane, n_input_plane, kh, kw)``.  With ``x`` zero-padded by ``pad_h``/``pad_w``::

        out[b, o, y, x] = bias[o] + sum_{c,i,j} weight[o, c, i, j] * x[b, c, y*dh + i, x*dw + j]

    and ``out_h = (H + 2*pad_h - kh) // dh + 1`` (likewise for the width).  ``pad_h`` defaults
    to ``pad_w``.  Computed as im2col + one BLAS GEMM per batch chunk, or with Winograd
    F(2x2, 3x3) for 3x3 stride-1 kernels between 16+ planes.

    >>> SpatialConvolution(3, 8, 5, 5, 1, 1, 2)
    nn.SpatialConvolution(3 -> 8, 5x5, 1,1, 2,2)
    >>> SpatialConvolution(1, 6, 5, 5).forward(np.zeros((64, 1, 28, 28))).shape
    (64, 6, 24, 24)
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
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.n_input_plane, self.n_output_plane = n_input_plane, n_output_plane
        self.set_sizes(kernel=(kw, kh), stride=(dw, dh), pad=(pad_w, pad_h))
        self.declare((n_output_plane, n_input_plane, kh, kw), n_output_plane if bias else None)
        self._workspace = Workspace()

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = batched(input, 2, self.weight.dtype)
        expect_size(x, 1, self.n_input_plane, "input planes (batch first)")
        geometry = self.geometry()
        out_h, out_w = geometry.out_size(*x.shape[2:])
        expect_fits(x, out_h, out_w, geometry)
        out = spatial_conv(
            x, self.weight, self.bias, geometry, out_h, out_w, self._workspace, input
        )
        return out[0] if single else out

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = self._pair(input, grad_output)
        grad = spatial_conv_backward_input(
            g, self.weight, self.geometry(), x.shape, self._workspace, grad_output
        )
        return grad[0] if single else grad

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = self._pair(input, grad_output)
        grad = spatial_conv_backward_weight(
            x, g, self.n_output_plane, self.geometry(), scale, self._workspace, input, grad_output
        )
        self.grad_weight += grad
        self.accumulate_bias_grad(g, scale)

    def _pair(
        self, input: np.ndarray, grad_output: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """The batched input and grad_output, checked against the output's shape."""
        x, single = batched(input, 2, self.weight.dtype)
        shape = (x.shape[0], self.n_output_plane, *self.geometry().out_size(*x.shape[2:]))
        g = expect_grad(grad_output, shape[1:] if single else shape, x.dtype)
        return x, (g[None] if single else g), single


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialConvolution."""
    return [
        Case(SpatialConvolution(2, 3, 3, 2), input_shape=(2, 2, 5, 4), batched=True),
        Case(SpatialConvolution(3, 2, 3, 3, 2, 1, 1, 2), input_shape=(3, 6, 5)),
        Case(SpatialConvolution(2, 2, 2, 2, bias=False), input_shape=(2, 2, 3, 3), batched=True),
        # 3x3, stride 1, 16 planes in and out: the Winograd path
        Case(SpatialConvolution(16, 16, 3, 3, 1, 1, 1), input_shape=(2, 16, 3, 3), batched=True),
    ]
