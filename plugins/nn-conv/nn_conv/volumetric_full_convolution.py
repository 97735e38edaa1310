"""VolumetricFullConvolution: 3-D transposed convolution."""

from __future__ import annotations

import numpy as np

from nncore import Module
from nncore.errors import ShapeError

from ._spatial import (
    add_bias_grad,
    conv,
    conv_grad_input,
    conv_grad_weight,
    declare_weight_and_bias,
    demote,
    expect_grad_shape,
    expect_planes,
    init_uniform,
    promote,
    promote_pair,
    torch_stdv,
)


class VolumetricFullConvolution(Module):
    """3-D full (transposed) convolution (torch/nn ``VolumetricFullConvolution``).

    The adjoint of ``VolumetricConvolution`` with the same geometry: every input voxel adds
    ``x[c, t, i, j] * weight[c, o]`` into the output window starting at
    ``(t*dt - pad_t, i*dh - pad_h, j*dw - pad_w)``.  ``weight`` is
    ``(n_input_plane, n_output_plane, kt, kh, kw)``; output sizes
    ``(size - 1) * d - 2*pad + k + adj`` with ``0 <= adj < d``.  ``reset(stdv)`` draws
    ``U(-s, s)``, ``s = 1/sqrt(kt*kh*kw*n_input_plane)`` as torch/nn does.

    >>> import numpy as np
    >>> VolumetricFullConvolution(2, 1, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 0, 0).forward(
    ...     np.zeros((2, 2, 3, 3))).shape
    (1, 4, 5, 5)
    """

    parameter_names = ("weight", "bias")

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        kt: int,
        kw: int,
        kh: int,
        dt: int = 1,
        dw: int = 1,
        dh: int = 1,
        pad_t: int = 0,
        pad_w: int = 0,
        pad_h: int = 0,
        adj_t: int = 0,
        adj_w: int = 0,
        adj_h: int = 0,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if adj_t >= dt or adj_w >= dw or adj_h >= dh:
            raise ValueError("expected adj_t, adj_w, adj_h smaller than dt, dw, dh")
        self.n_input_plane, self.n_output_plane = n_input_plane, n_output_plane
        self.kt, self.kw, self.kh, self.dt, self.dw, self.dh = kt, kw, kh, dt, dw, dh
        self.pad_t, self.pad_w, self.pad_h = pad_t, pad_w, pad_h
        self.adj_t, self.adj_w, self.adj_h = adj_t, adj_w, adj_h
        declare_weight_and_bias(
            self, (n_input_plane, n_output_plane, kt, kh, kw), n_output_plane if bias else None
        )
        self.reset()

    def reset(self, stdv: float | None = None) -> VolumetricFullConvolution:
        init_uniform(self, torch_stdv(stdv, self.kt * self.kw * self.kh * self.n_input_plane))
        return self

    def _geometry(self, x: np.ndarray) -> tuple[list[int], tuple, tuple]:
        expect_planes(x, self.n_input_plane)
        stride, pad = (self.dt, self.dh, self.dw), (self.pad_t, self.pad_h, self.pad_w)
        kernel, adj = (self.kt, self.kh, self.kw), (self.adj_t, self.adj_h, self.adj_w)
        sizes = [
            (n - 1) * d - 2 * p + k + a
            for n, d, p, k, a in zip(x.shape[2:], stride, pad, kernel, adj, strict=True)
        ]
        if min(sizes) < 1:
            raise ShapeError(
                f"expected an input giving a positive output size, got shape {x.shape}"
            )
        return sizes, stride, pad

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 3)
        sizes, stride, pad = self._geometry(x)
        y = conv_grad_input(x, self.weight, sizes, stride, pad)
        if self.bias is not None:
            y += self.bias.reshape(-1, 1, 1, 1)
        return demote(y, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 3)
        sizes, stride, pad = self._geometry(x)
        expect_grad_shape(g, x.shape[:1] + (self.n_output_plane, *sizes))
        return demote(conv(g, self.weight, stride, pad), single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = promote_pair(input, grad_output, 3)
        _, stride, pad = self._geometry(x)
        # the roles of conv's input and output swap: grad_output is windowed, input weighs it
        self.grad_weight += scale * conv_grad_weight(g, x, self.weight.shape[2:], stride, pad)
        add_bias_grad(self, g, scale)

    def extra_repr(self) -> str:
        text = (
            f"{self.n_input_plane} -> {self.n_output_plane}, {self.kt}x{self.kw}x{self.kh}, "
            f"{self.dt},{self.dw},{self.dh}, {self.pad_t},{self.pad_w},{self.pad_h}"
        )
        if self.adj_t or self.adj_w or self.adj_h:
            text += f", {self.adj_t},{self.adj_w},{self.adj_h}"
        return text if self.bias is not None else text + ", without bias"
