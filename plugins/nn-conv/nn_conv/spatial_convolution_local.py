"""SpatialConvolutionLocal: a locally connected layer (a convolution without weight sharing)."""

from __future__ import annotations

import numpy as np

from nncore import Module
from nncore.checks import expect_size
from nncore.errors import ShapeError

from ._spatial import (
    declare_weight_and_bias,
    demote,
    expect_grad_shape,
    expect_planes,
    init_uniform,
    promote,
    promote_pair,
    torch_stdv,
    unwindows,
    windows,
)


class SpatialConvolutionLocal(Module):
    """Locally connected 2-D layer (torch/nn ``SpatialConvolutionLocal``).

    Every output position has its own filters: ``weight`` is
    ``(oh, ow, n_output_plane, n_input_plane, kh, kw)`` and ``bias`` ``(n_output_plane, oh, ow)``;
    with ``x`` zero-padded::

        y[o, i, j] = bias[o, i, j] + sum_{c,a,b} weight[i, j, o, c, a, b] * x[c, i*dh + a, j*dw + b]

    The input must be ``(n_input_plane, ih, iw)`` (or a batch of those); ``oh = (ih + 2*pad_h -
    kh) // dh + 1``, likewise ``ow``.  ``reset(stdv)``: ``U(-s, s)``,
    ``s = 1/sqrt(kw*kh*n_input_plane)``.

    >>> SpatialConvolutionLocal(3, 4, 8, 8, 3, 3).weight.shape
    (6, 6, 4, 3, 3, 3)
    """

    parameter_names = ("weight", "bias")

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        iw: int,
        ih: int,
        kw: int,
        kh: int,
        dw: int = 1,
        dh: int = 1,
        pad_w: int = 0,
        pad_h: int | None = None,
    ) -> None:
        super().__init__()
        self.n_input_plane, self.n_output_plane = n_input_plane, n_output_plane
        self.iw, self.ih, self.kw, self.kh, self.dw, self.dh = iw, ih, kw, kh, dw, dh
        self.pad_w, self.pad_h = pad_w, pad_w if pad_h is None else pad_h
        self.ow = (2 * self.pad_w + iw - kw) // dw + 1
        self.oh = (2 * self.pad_h + ih - kh) // dh + 1
        if self.ow < 1 or self.oh < 1:
            raise ShapeError(f"expected a kernel that fits the {ih}x{iw} input, got {kh}x{kw}")
        declare_weight_and_bias(
            self,
            (self.oh, self.ow, n_output_plane, n_input_plane, kh, kw),
            (n_output_plane, self.oh, self.ow),
        )
        self.reset()

    def reset(self, stdv: float | None = None) -> SpatialConvolutionLocal:
        init_uniform(self, torch_stdv(stdv, self.kw * self.kh * self.n_input_plane))
        return self

    def _columns(self, input: object) -> tuple[np.ndarray, bool]:
        x, single = promote(input, 2)
        expect_planes(x, self.n_input_plane)
        expect_size(x, 2, self.ih, "input height (batch first)")
        expect_size(x, 3, self.iw, "input width (batch first)")
        cols = windows(x, (self.kh, self.kw), (self.dh, self.dw), pad=(self.pad_h, self.pad_w))
        return cols, single

    def update_output(self, input: np.ndarray) -> np.ndarray:
        cols, single = self._columns(input)
        return demote(
            np.einsum("ncyxab,yxocab->noyx", cols, self.weight, optimize=True) + self.bias, single
        )

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        self._columns(x)
        expect_grad_shape(g, (x.shape[0], self.n_output_plane, self.oh, self.ow))
        grad_cols = np.einsum("noyx,yxocab->ncyxab", g, self.weight, optimize=True)
        grad = unwindows(
            grad_cols,
            x.shape[2:],
            (self.kh, self.kw),
            (self.dh, self.dw),
            pad=(self.pad_h, self.pad_w),
        )
        return demote(grad, single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        cols, single = self._columns(input)
        g = grad_output[None] if single else grad_output
        self.grad_weight += scale * np.einsum("noyx,ncyxab->yxocab", g, cols, optimize=True)
        self.grad_bias += scale * g.sum(axis=0)

    def extra_repr(self) -> str:
        return (
            f"{self.n_input_plane} -> {self.n_output_plane}, {self.iw}x{self.ih}, "
            f"{self.kw}x{self.kh}, {self.dw},{self.dh}, {self.pad_w},{self.pad_h}"
        )
