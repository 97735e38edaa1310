"""SpatialConvolutionLocal: a locally connected layer (a convolution without weight sharing)."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, ShapeError, expect_size

from ._cases import BAD_INPUTS, batch_cases
from ._convolution import Convolution
from ._spatial import (
    demote,
    expect_grad_shape,
    expect_planes,
    promote,
    promote_pair,
    unwindows,
    windows,
)


class SpatialConvolutionLocal(Convolution):
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
        self.iw, self.ih = iw, ih
        self.set_sizes(kernel=(kw, kh), stride=(dw, dh), pad=(pad_w, pad_h))
        self.oh, self.ow = self.output_size((ih, iw))
        if self.ow < 1 or self.oh < 1:
            raise ShapeError(f"expected a kernel that fits the {ih}x{iw} input, got {kh}x{kw}")
        self.declare(
            (self.oh, self.ow, n_output_plane, n_input_plane, kh, kw),
            (n_output_plane, self.oh, self.ow),
        )

    def _columns(self, input: object) -> tuple[np.ndarray, bool]:
        x, single = promote(input, 2)
        expect_planes(x, self.n_input_plane)
        expect_size(x, 2, self.ih, "input height (batch first)")
        expect_size(x, 3, self.iw, "input width (batch first)")
        cols = windows(x, self.kernel_size(), self.stride(), pad=self.padding())
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
            grad_cols, x.shape[2:], self.kernel_size(), self.stride(), pad=self.padding()
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
            f"{self.sizes_text('k', 'x')}, {self.sizes_text('d')}, {self.sizes_text('pad_')}"
        )


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialConvolutionLocal."""
    return [
        *batch_cases(
            SpatialConvolutionLocal(2, 2, 4, 3, 2, 2),
            (2, 2, 3, 4),
            bad_inputs=BAD_INPUTS + [np.zeros((2, 3, 5))],
        ),
        Case(SpatialConvolutionLocal(1, 2, 3, 3, 2, 2, 2, 2, 1), input_shape=(1, 3, 3)),
    ]
